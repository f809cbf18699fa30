//! The clinical chart's lists on the SQL database.

pub(crate) mod chart_entry_entity;
mod chart_reads;
pub(crate) mod no_known_allergies_entity;
pub(crate) mod problem_entity;
mod sql_chart_entries;
mod sql_problems;
mod sql_summary;
mod stored_details;

pub use sql_chart_entries::SqlChartEntryRepository;
pub use sql_problems::SqlProblemRepository;
pub use sql_summary::SqlChartSummaryRepository;
