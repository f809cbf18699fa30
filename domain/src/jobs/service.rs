use std::sync::Arc;
use std::time::Duration;

use super::{JobName, JobRun, JobRuns, JobSchedule};
use crate::auth::{Permission, Principal};
use crate::locks::{LockManager, LockedResource};
use crate::{DomainError, Page, PageRequest};

/// Where a job stands, for operators.
#[derive(Debug, Clone)]
pub struct JobStatus {
    pub job: JobName,
    pub interval: Duration,
    /// The node holding the job's lease now, if any.
    pub holder: Option<String>,
    pub last_run: Option<JobRun>,
}

/// What the cluster's jobs are doing: admins only.
pub struct Jobs {
    runs: Arc<dyn JobRuns>,
    locks: Arc<dyn LockManager>,
    schedule: JobSchedule,
}

impl Jobs {
    pub fn new(runs: Arc<dyn JobRuns>, locks: Arc<dyn LockManager>, schedule: JobSchedule) -> Self {
        Self {
            runs,
            locks,
            schedule,
        }
    }

    pub async fn overview(&self, caller: &Principal) -> Result<Vec<JobStatus>, DomainError> {
        caller.require(Permission::OperateCluster)?;
        let latest = self.runs.latest().await?;
        let mut statuses = Vec::with_capacity(JobName::ALL.len());
        for job in JobName::ALL {
            let holder = self.locks.holder(LockedResource::Job(job)).await?;
            statuses.push(JobStatus {
                job,
                interval: self.schedule.interval(job),
                holder: holder.map(|lease| lease.holder.display_name),
                last_run: latest.iter().find(|run| run.job == job).cloned(),
            });
        }
        Ok(statuses)
    }

    pub async fn runs(
        &self,
        caller: &Principal,
        job: JobName,
        page: PageRequest,
    ) -> Result<Page<JobRun>, DomainError> {
        caller.require(Permission::OperateCluster)?;
        self.runs.list(job, page).await
    }
}
