//! The problem list: diagnoses and conditions, active or past. An entry is never
//! deleted: one recorded by mistake is marked entered in error.

mod problem;
mod repository;
mod service;

pub use problem::{Problem, ProblemDetails, ProblemId, ProblemInput, ProblemStatus};
pub use repository::ProblemRepository;
pub use service::Problems;
