//! The SQL backends of cluster jobs: their runs, and the clean-ups they do.

mod entities;
mod sql_housekeeping;
mod sql_job_runs;
mod sql_nodes;
mod sql_reminders;

pub use sql_housekeeping::SqlHousekeeping;
pub use sql_job_runs::SqlJobRuns;
pub use sql_nodes::SqlNodeRegistry;
pub(crate) use sql_reminders::to_notification;
