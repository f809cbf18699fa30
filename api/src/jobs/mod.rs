//! Cluster jobs and nodes, for operators: `/api/v1/admin/jobs`, `/api/v1/admin/nodes`
//! (admins), mounted in the admin
//! scope by `routes`.

mod dto;
mod list;
mod nodes;
mod notifications;
mod request_run;
mod runs;

pub(crate) use list::list_jobs;
pub(crate) use nodes::list_nodes;
pub(crate) use notifications::list_notifications;
pub(crate) use request_run::run_now;
pub(crate) use runs::list_runs;
