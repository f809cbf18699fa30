//! Cluster jobs: scheduled work that runs on exactly one node at a time, once per
//! period, on a fenced lease that another node takes over when its holder dies.

mod job;
mod nodes;
mod ports;
mod scheduler;
mod service;

pub use job::{period_of, JobName, JobRun, RunOutcome};
pub use nodes::{NodeInfo, NodeRecord, NodeRegistry};
pub use ports::{Housekeeping, JobRuns, KeyRotation, Purge};
pub use scheduler::{JobObserver, JobPorts, JobSchedule, Scheduler};
pub use service::{JobStatus, Jobs, NodeStatus};
