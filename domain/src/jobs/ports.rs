use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{JobName, JobRun, RunOutcome};
use crate::auth::SigningKey;
use crate::locks::FencingToken;
use crate::{DomainError, Page, PageRequest};

/// The record of job runs, shared by every node.
///
/// Contract: `start` records a run of `job` for the period `scheduled_for` and answers
/// `false` when that period has a run already, decided by the store's unique key on
/// `(job, scheduled_for)`, so no period runs twice however many nodes try.
#[async_trait]
pub trait JobRuns: Send + Sync {
    /// The store's clock: periods are judged by it, not by a node's.
    async fn now(&self) -> Result<DateTime<Utc>, DomainError>;

    async fn start(
        &self,
        job: JobName,
        scheduled_for: DateTime<Utc>,
        node: &str,
        fencing: FencingToken,
    ) -> Result<bool, DomainError>;

    async fn finish(
        &self,
        job: JobName,
        scheduled_for: DateTime<Utc>,
        outcome: RunOutcome,
        rows_affected: Option<u64>,
        error: Option<String>,
    ) -> Result<(), DomainError>;

    /// The job's runs, newest first.
    async fn list(&self, job: JobName, page: PageRequest) -> Result<Page<JobRun>, DomainError>;

    /// Each job's latest run.
    async fn latest(&self) -> Result<Vec<JobRun>, DomainError>;

    /// Asks for one run of `job` now; answers when it was asked for (a request not
    /// yet taken stands, and asking again keeps the first).
    async fn request(&self, job: JobName) -> Result<DateTime<Utc>, DomainError>;

    /// When a run of `job` was asked for and not yet taken, if it was.
    async fn requested(&self, job: JobName) -> Result<Option<DateTime<Utc>>, DomainError>;

    /// Takes the request made at `requested_at` off the list.
    async fn clear_request(
        &self,
        job: JobName,
        requested_at: DateTime<Utc>,
    ) -> Result<(), DomainError>;
}

/// A signing-key rotation, as the domain bounds it.
#[derive(Debug, Clone)]
pub struct KeyRotation {
    pub replace_older_than: std::time::Duration,
    pub forget_retired_after: std::time::Duration,
    pub new_key: SigningKey,
}

/// A clean-up a job asks for; the domain decides which and with what bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purge {
    /// Failed-login rows older than this, by the store's clock.
    LoginFailuresOlderThan(std::time::Duration),
    /// Idempotency records past their expiry, with the answers they keep.
    ExpiredIdempotencyRecords,
    /// Record locks that have expired.
    ExpiredLocks,
    /// Sessions that ended (expired or revoked) longer ago than this, with their spent
    /// refresh hashes.
    SessionsEndedLongerThan(std::time::Duration),
}

/// The clean-up writes of the jobs.
///
/// Contract: `purge` runs as one transaction fenced by the job's lease: it first raises
/// the job's stored fencing number to `fence`, and answers `LockLost` (writing nothing)
/// when a later holder's number is already there, so a node that lost its lease while
/// paused cannot write after it resumes. It returns how many rows it removed.
#[async_trait]
pub trait Housekeeping: Send + Sync {
    async fn purge(
        &self,
        job: JobName,
        fence: FencingToken,
        purge: Purge,
    ) -> Result<u64, DomainError>;

    /// Rotates the access-token signing key, fenced like `purge`: when the newest
    /// active key is older than `rotation.replace_older_than` (or there is none),
    /// retires every active key and stores `rotation.new_key`; and forgets keys retired
    /// longer than `rotation.forget_retired_after` ago. Returns how many keys changed.
    async fn rotate_signing_key(
        &self,
        job: JobName,
        fence: FencingToken,
        rotation: KeyRotation,
    ) -> Result<u64, DomainError>;

    /// Queues, fenced like `purge`, a reminder for every scheduled appointment
    /// starting within `window` that has none (`Notification::reminder_for`), and
    /// reconciles the pending ones with their appointments (`Notification::reconcile`).
    /// The outbox's unique key keeps one per appointment and kind. Returns how many
    /// reminders it queued, moved or withdrew.
    async fn queue_reminders(
        &self,
        job: JobName,
        fence: FencingToken,
        window: std::time::Duration,
    ) -> Result<u64, DomainError>;

    /// Raises the job's fencing number alone (`LockLost` as for `purge`), before work
    /// done through another port, such as the file store's collection.
    async fn claim(&self, job: JobName, fence: FencingToken) -> Result<(), DomainError>;
}
