//! Every node runs the same small scheduler; for each job only the node holding the
//! job's lease runs it, once per period.
//!
//! The lease is a lock named `job:{name}` on the configured [`LockManager`]. A node
//! takes or renews it at every tick, so a live holder keeps it and a dead one loses it
//! within the lease; while a job runs, the lease is renewed beside it, and the run is
//! dropped the moment a renewal fails or the renew deadline passes (leases that a slow
//! holder outlived are how ShedLock and Quartz ran jobs twice). The job's writes are
//! fenced by the lease's number besides, and a period is recorded once by a unique key.

use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures_util::FutureExt;
use tokio::sync::{watch, Mutex};
use tokio::time::{sleep, Instant};

use super::{
    period_of, Housekeeping, JobName, JobRuns, KeyRotation, NodeInfo, NodeRegistry, Purge,
    RunOutcome,
};
use crate::auth::{SessionId, SigningKey, UserId, RETIRED_KEY_GRACE};
use crate::documents::{collect_garbage, FileStore};
use crate::locks::{FencingToken, LockHolder, LockManager, LockOutcome, LockedResource};
use crate::DomainError;

/// A job lease is renewed for as long as its node lives: its hold is no bound at all.
const JOB_HOLD: Duration = Duration::from_secs(100 * 365 * 24 * 3600);

/// How the cluster schedules its jobs.
#[derive(Debug, Clone)]
pub struct JobSchedule {
    /// How long a lease lasts unless renewed.
    pub lease: Duration,
    /// How often each node's scheduler wakes.
    pub tick: Duration,
    /// Every job's interval, when the settings override the jobs' own.
    pub every: Option<Duration>,
    /// Single jobs' intervals, as the settings set them.
    pub intervals: HashMap<JobName, Duration>,
    /// How long failed logins are kept (the throttling window).
    pub login_failure_retention: Duration,
    /// How long an ended session is kept (who signed in from where, for inquiries).
    pub ended_session_retention: Duration,
    /// How old the signing key may grow before a new one replaces it.
    pub signing_key_max_age: Duration,
    /// How long before an appointment its reminder is queued.
    pub reminder_window: Duration,
}

impl JobSchedule {
    pub fn interval(&self, job: JobName) -> Duration {
        self.every
            .or_else(|| self.intervals.get(&job).copied())
            .unwrap_or_else(|| job.default_interval())
    }

    /// Past this long without a successful renewal the holder stops working: two
    /// thirds of the lease, so it stops before another node may take over.
    fn renew_deadline(&self) -> Duration {
        self.lease * 2 / 3
    }
}

/// What a scheduler works with.
pub struct JobPorts {
    pub registry: Arc<dyn NodeRegistry>,
    pub locks: Arc<dyn LockManager>,
    pub runs: Arc<dyn JobRuns>,
    pub housekeeping: Arc<dyn Housekeeping>,
    pub files: Arc<dyn FileStore>,
    pub observer: Arc<dyn JobObserver>,
}

/// Who watches the jobs run (metrics): told of every run's end and of each lease
/// taken or lost.
pub trait JobObserver: Send + Sync {
    fn run_ended(&self, job: JobName, outcome: RunOutcome, elapsed: Duration);
    fn lease_held(&self, job: JobName, held: bool);
}

/// One node's scheduler.
pub struct Scheduler {
    info: NodeInfo,
    node: LockHolder,
    ports: JobPorts,
    schedule: JobSchedule,
    /// The fencing number this node last raised each job's fence to.
    claimed: Mutex<HashMap<JobName, FencingToken>>,
}

impl Scheduler {
    pub fn new(info: NodeInfo, ports: JobPorts, schedule: JobSchedule) -> Self {
        // why: a node holds job leases as a session of no user; the session is this
        // process's, so leases end with it.
        let node = LockHolder {
            user_id: UserId::from_uuid(uuid::Uuid::nil()),
            session_id: SessionId::generate(),
            display_name: info.name.clone(),
        };
        Self {
            info,
            node,
            ports,
            schedule,
            claimed: Mutex::new(HashMap::new()),
        }
    }

    /// Ticks until `stop` turns true, then lets go of every lease at once, so that
    /// another node takes over without waiting for them to expire.
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        loop {
            self.tick(&stop).await;
            tokio::select! {
                () = sleep(self.schedule.tick) => {}
                _ = stop.changed() => {}
            }
            if *stop.borrow() {
                break;
            }
        }
        if let Err(error) = self
            .ports
            .locks
            .release_all_for_session(self.node.session_id)
            .await
        {
            tracing::warn!(error = %error, "releasing job leases at shutdown failed; they lapse");
        }
    }

    /// One pass over every job, until `stop` turns true. A job that fails is recorded
    /// and tried next period; it never takes the node down.
    pub async fn tick(&self, stop: &watch::Receiver<bool>) {
        if let Err(error) = self.ports.registry.heartbeat(&self.info).await {
            tracing::warn!(error = %error, "the node's heartbeat could not be recorded");
        }
        for job in JobName::ALL {
            if *stop.borrow() {
                return;
            }
            // why: a panic outside a run (taking the lease, recording the run) is a bug
            // too; the other jobs, and the node, carry on.
            match AssertUnwindSafe(self.consider(job)).catch_unwind().await {
                Ok(Ok(())) => {}
                Ok(Err(error)) => {
                    tracing::warn!(job = %job, error = %error, "a job could not be considered this tick")
                }
                Err(_) => tracing::error!(job = %job, "a job panicked"),
            }
        }
    }

    async fn consider(&self, job: JobName) -> Result<(), DomainError> {
        let taken_at = Instant::now();
        let Some(fencing) = self.take_lease(job).await? else {
            return Ok(());
        };
        // why: a holder's first act under a new lease raises the job's fence, so a
        // former holder still paused in its run is refused at its next write even when
        // this holder has nothing to write this period.
        let claimed = self.claimed.lock().await.get(&job).copied();
        if claimed != Some(fencing) {
            self.ports.housekeeping.claim(job, fencing).await?;
            self.claimed.lock().await.insert(job, fencing);
        }
        // why: a run asked for is a period of its own, keyed by when it was asked for,
        // so it too runs once; the request goes only once its run has finished well.
        if let Some(requested_at) = self.ports.runs.requested(job).await? {
            match self.run_once(job, requested_at, fencing, taken_at).await? {
                Some(RunOutcome::LeaseLost) => return Ok(()),
                _ => self.ports.runs.clear_request(job, requested_at).await?,
            }
        }
        let now = self.ports.runs.now().await?;
        let period = period_of(now, self.schedule.interval(job));
        self.run_once(job, period, fencing, taken_at).await?;
        Ok(())
    }

    /// Runs `job` for `scheduled_for` unless that period has a run already; answers
    /// how the run ended, or `None` when there was none.
    async fn run_once(
        &self,
        job: JobName,
        scheduled_for: DateTime<Utc>,
        fencing: FencingToken,
        lease_taken_at: Instant,
    ) -> Result<Option<RunOutcome>, DomainError> {
        if !self
            .ports
            .runs
            .start(job, scheduled_for, &self.node.display_name, fencing)
            .await?
        {
            return Ok(None);
        }
        let started = Instant::now();
        let (outcome, rows, error) = tokio::select! {
            // why: a job that panics is a bug in that job; its run is recorded as failed
            // and the other jobs, and the node, carry on.
            result = AssertUnwindSafe(self.work(job, fencing)).catch_unwind() => match result {
                Ok(Ok(rows)) => (RunOutcome::Succeeded, Some(rows), None),
                Ok(Err(DomainError::LockLost)) => (RunOutcome::LeaseLost, None, None),
                Ok(Err(error)) => {
                    tracing::error!(job = %job, error = %error, "a job run failed");
                    (RunOutcome::Failed, None, Some(with_causes(&error)))
                }
                Err(_) => {
                    tracing::error!(job = %job, "a job run panicked");
                    (RunOutcome::Failed, None, Some("the job panicked".to_owned()))
                }
            },
            () = self.keep_lease(job, fencing, lease_taken_at) => (RunOutcome::LeaseLost, None, None),
        };
        let elapsed = started.elapsed();
        self.ports.observer.run_ended(job, outcome, elapsed);
        tracing::info!(job = %job, outcome = outcome.as_str(), rows = ?rows, elapsed_ms = elapsed.as_millis() as u64, "job run ended");
        self.ports
            .runs
            .finish(job, scheduled_for, outcome, rows, error)
            .await?;
        Ok(Some(outcome))
    }

    /// Takes or renews the job's lease: its fencing number, or `None` when another
    /// node holds it.
    async fn take_lease(&self, job: JobName) -> Result<Option<FencingToken>, DomainError> {
        let resource = LockedResource::Job(job);
        // why: most ticks find another node holding the lease; a read answers that
        // without the write an attempt to take it costs (SQLite has one writer).
        let holder = self.ports.locks.holder(resource).await;
        if let Ok(Some(lease)) = &holder {
            if lease.holder.session_id != self.node.session_id {
                self.ports.observer.lease_held(job, false);
                return Ok(None);
            }
        }
        let taken = match self
            .ports
            .locks
            .acquire(resource, &self.node, self.schedule.lease, JOB_HOLD)
            .await
        {
            Ok(LockOutcome::Done(lease)) => Some(lease.fencing),
            Ok(LockOutcome::HeldByAnother(_) | LockOutcome::Gone) => None,
            Err(error) => {
                self.ports.observer.lease_held(job, false);
                return Err(error);
            }
        };
        self.ports.observer.lease_held(job, taken.is_some());
        Ok(taken)
    }

    /// Renews the lease while a run goes on, and returns the moment the run must stop:
    /// a renewal that fails, answers another lease (it expired or was broken between),
    /// or does not come back before the renew deadline, counted from the last renewal
    /// that was sent and succeeded.
    async fn keep_lease(&self, job: JobName, fencing: FencingToken, renewed_at: Instant) {
        let deadline = self.schedule.renew_deadline();
        let mut renewed_at = renewed_at;
        loop {
            let left = deadline.saturating_sub(renewed_at.elapsed());
            if left.is_zero() {
                return;
            }
            sleep(self.schedule.tick.min(deadline / 3).min(left)).await;
            let sent = Instant::now();
            let left = deadline.saturating_sub(renewed_at.elapsed());
            match tokio::time::timeout(left, self.take_lease(job)).await {
                Ok(Ok(Some(renewed))) if renewed == fencing => {
                    renewed_at = sent;
                    // why: a node busy with a long run is alive; say so between ticks.
                    if let Err(error) = self.ports.registry.heartbeat(&self.info).await {
                        tracing::warn!(error = %error, "the node's heartbeat could not be recorded");
                    }
                }
                Ok(Ok(_)) => return,
                Ok(Err(error)) => {
                    tracing::warn!(job = %job, error = %error, "renewing a job lease failed; the run stops");
                    return;
                }
                Err(_) => return,
            }
        }
    }

    async fn work(&self, job: JobName, fence: FencingToken) -> Result<u64, DomainError> {
        let purge = match job {
            JobName::LoginFailurePurge => {
                Purge::LoginFailuresOlderThan(self.schedule.login_failure_retention)
            }
            JobName::IdempotencyPurge => Purge::ExpiredIdempotencyRecords,
            JobName::LockReaper => Purge::ExpiredLocks,
            JobName::SessionReaper => {
                Purge::SessionsEndedLongerThan(self.schedule.ended_session_retention)
            }
            JobName::AppointmentReminders => {
                let window = self.schedule.reminder_window;
                return self
                    .ports
                    .housekeeping
                    .queue_reminders(job, fence, window)
                    .await;
            }
            JobName::SigningKeyRotation => {
                let rotation = KeyRotation {
                    replace_older_than: self.schedule.signing_key_max_age,
                    forget_retired_after: RETIRED_KEY_GRACE,
                    new_key: SigningKey::generate(self.ports.runs.now().await?),
                };
                return self
                    .ports
                    .housekeeping
                    .rotate_signing_key(job, fence, rotation)
                    .await;
            }
            JobName::BlobCollector => {
                // why: the file store is not the database, so the fence is checked
                // before the collection rather than with it; collecting is idempotent
                // and takes only what nothing refers to, so a late second run is harmless.
                self.ports.housekeeping.claim(job, fence).await?;
                let collected = collect_garbage(self.ports.files.as_ref()).await?;
                return Ok(collected.blobs + collected.uploads);
            }
        };
        self.ports.housekeeping.purge(job, fence, purge).await
    }
}

/// An error and its causes, outermost first, as a failed run records it: what went
/// wrong in the store (our own messages and the driver's), never the data at hand.
fn with_causes(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(inner) = cause {
        text.push_str(": ");
        text.push_str(&inner.to_string());
        cause = inner.source();
    }
    text
}
