//! The clinical chart's lists on the SQL database.

pub(crate) mod problem_entity;
mod sql_problems;

pub use sql_problems::SqlProblemRepository;
