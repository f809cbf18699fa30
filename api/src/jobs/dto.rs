use chrono::{DateTime, Utc};
use domain::jobs::{JobRun, JobStatus};
use serde::Serialize;
use utoipa::ToSchema;

/// One run of a cluster job.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct JobRunBody {
    #[schema(example = "lock-reaper")]
    pub job: String,
    /// The period this run was for: one run per job and period, cluster-wide.
    pub scheduled_for: DateTime<Utc>,
    /// The node that ran it.
    pub node: String,
    /// The lease's fencing number the run's writes were conditional on.
    pub fencing_token: i64,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    /// `running`, `succeeded`, `failed` or `lease_lost`.
    #[schema(example = "succeeded")]
    pub outcome: String,
    pub rows_affected: Option<u64>,
    /// Why it failed, for operators (never patient data).
    pub error: Option<String>,
}

impl From<JobRun> for JobRunBody {
    fn from(run: JobRun) -> Self {
        Self {
            job: run.job.as_str().to_owned(),
            scheduled_for: run.scheduled_for,
            node: run.node,
            fencing_token: run.fencing.get(),
            started_at: run.started_at,
            finished_at: run.finished_at,
            outcome: run.outcome.as_str().to_owned(),
            rows_affected: run.rows_affected,
            error: run.error,
        }
    }
}

/// A cluster job: how often it runs, who holds it, how it last went.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct JobBody {
    #[schema(example = "idempotency-purge")]
    pub name: String,
    pub interval_seconds: u64,
    /// The node holding the job's lease now, or `null`.
    pub holder: Option<String>,
    pub last_run: Option<JobRunBody>,
    /// When the next period starts: the job runs at the first tick after it.
    pub next_due: DateTime<Utc>,
}

impl From<JobStatus> for JobBody {
    fn from(status: JobStatus) -> Self {
        Self {
            name: status.job.as_str().to_owned(),
            interval_seconds: status.interval.as_secs(),
            holder: status.holder,
            last_run: status.last_run.map(JobRunBody::from),
            next_due: status.next_due,
        }
    }
}

/// The cluster's jobs.
#[derive(Debug, Serialize, ToSchema)]
pub struct JobList {
    pub items: Vec<JobBody>,
}
