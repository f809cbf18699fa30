use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{period_of, JobName, JobRun, JobRuns, JobSchedule, NodeRecord, NodeRegistry};
use crate::audit::{
    security_event, AuditAction, AuditContext, AuditLog, AuditOutcome, NewAuditEvent,
};
use crate::auth::{Permission, Principal};
use crate::locks::{LockManager, LockedResource};
use crate::notifications::{Notification, Outbox};
use crate::schedule::AppointmentId;
use crate::{DomainError, Page, PageRequest};

/// Where a job stands, for operators.
#[derive(Debug, Clone)]
pub struct JobStatus {
    pub job: JobName,
    pub interval: Duration,
    /// The node holding the job's lease now, if any.
    pub holder: Option<String>,
    pub last_run: Option<JobRun>,
    /// When the next period starts, by the store's clock.
    pub next_due: DateTime<Utc>,
}

/// What the cluster's jobs are doing: admins only.
pub struct Jobs {
    runs: Arc<dyn JobRuns>,
    audit: Arc<dyn AuditLog>,
    locks: Arc<dyn LockManager>,
    registry: Arc<dyn NodeRegistry>,
    outbox: Arc<dyn Outbox>,
    schedule: JobSchedule,
}

/// A node for operators: as last heard of, and whether it has gone silent.
#[derive(Debug, Clone)]
pub struct NodeStatus {
    pub record: NodeRecord,
    pub gone: bool,
}

impl Jobs {
    pub fn new(
        runs: Arc<dyn JobRuns>,
        audit: Arc<dyn AuditLog>,
        locks: Arc<dyn LockManager>,
        registry: Arc<dyn NodeRegistry>,
        outbox: Arc<dyn Outbox>,
        schedule: JobSchedule,
    ) -> Self {
        Self {
            runs,
            audit,
            locks,
            registry,
            outbox,
            schedule,
        }
    }

    /// The notification outbox the reminder job fills, of one appointment when given.
    /// Audited, one event a notification: each names a patient and an appointment.
    pub async fn notifications(
        &self,
        caller: &Principal,
        context: &AuditContext,
        appointment: Option<AppointmentId>,
        page: PageRequest,
    ) -> Result<Page<Notification>, DomainError> {
        caller.require(Permission::OperateCluster)?;
        let listed = self.outbox.list(appointment, page).await?;
        let events = listed
            .items
            .iter()
            .map(|notification| NewAuditEvent {
                action: AuditAction::List,
                resource_type: "notification",
                resource_id: notification.id,
                patient_id: Some(notification.patient_id.as_uuid()),
                outcome: AuditOutcome::Success,
                detail: None,
            })
            .collect();
        self.audit.record_all(context, events).await?;
        Ok(listed)
    }

    /// Every node seen, most recent first; those silent for three ticks are gone.
    pub async fn nodes(&self, caller: &Principal) -> Result<Vec<NodeStatus>, DomainError> {
        caller.require(Permission::OperateCluster)?;
        let (records, now) = self.registry.list().await?;
        Ok(records
            .into_iter()
            .map(|record| NodeStatus {
                gone: record.is_gone(now, self.schedule.tick),
                record,
            })
            .collect())
    }

    pub async fn overview(&self, caller: &Principal) -> Result<Vec<JobStatus>, DomainError> {
        caller.require(Permission::OperateCluster)?;
        let latest = self.runs.latest().await?;
        let now = self.runs.now().await?;
        let mut statuses = Vec::with_capacity(JobName::ALL.len());
        for job in JobName::ALL {
            let holder = self.locks.holder(LockedResource::Job(job)).await?;
            statuses.push(JobStatus {
                job,
                interval: self.schedule.interval(job),
                next_due: next_period(now, self.schedule.interval(job)),
                holder: holder.map(|lease| lease.holder.display_name),
                last_run: latest.iter().find(|run| run.job == job).cloned(),
            });
        }
        Ok(statuses)
    }

    /// Asks for one run of `job` now: whichever node holds its lease runs it, once,
    /// at its next tick. Answers when the standing request was made.
    /// Audited: the job's name is the event's resource type.
    pub async fn run_now(
        &self,
        caller: &Principal,
        context: &AuditContext,
        job: JobName,
    ) -> Result<chrono::DateTime<chrono::Utc>, DomainError> {
        caller.require(Permission::OperateCluster)?;
        let requested = self.runs.request(job).await?;
        self.audit
            .record(
                context,
                security_event(AuditAction::RunJob, job.as_str(), Uuid::nil()),
            )
            .await?;
        Ok(requested)
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

/// The start of the period after the one `now` is in.
fn next_period(now: DateTime<Utc>, interval: std::time::Duration) -> DateTime<Utc> {
    let step = chrono::Duration::from_std(interval).unwrap_or(chrono::Duration::MAX);
    period_of(now, interval)
        .checked_add_signed(step)
        .unwrap_or(now)
}
