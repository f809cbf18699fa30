//! Cluster jobs, for operators: `/api/v1/admin/jobs` (admins), mounted in the admin
//! scope by `routes`.

mod dto;
mod list;
mod runs;

pub(crate) use list::list_jobs;
pub(crate) use runs::list_runs;
