//! The one way a repository touches the database: a unit of work.
//!
//! It begins a transaction, reads the database's clock, runs the repository's work,
//! writes the audit events the work recorded, and commits: the work and its audit trail
//! land together or not at all. SQLite lets one writer in at a time, and a transaction
//! that read before another committed cannot wait its turn (`SQLITE_BUSY`): the whole
//! unit is run again, so the work must be a closure that can run more than once.
//! PostgreSQL never answers busy, so there it runs once.

use std::future::Future;
use std::time::Duration;

use chrono::{DateTime, Utc};
use domain::audit::{AuditContext, NewAuditEvent};
use rand::Rng;
use sea_orm::{ConnectionTrait, DatabaseTransaction, DbBackend};

use crate::connection::Connection;

use crate::audit;
use crate::clock::database_now;
use crate::error::{StoreError, StoreResult};
use crate::idempotency::sql_idempotency as idempotency;
use crate::request_limits;

/// Attempts before SQLite's busy error is passed on.
const ATTEMPTS: u32 = 40;

/// The open transaction of one attempt, with the database's clock and the audit events
/// to write at commit.
pub struct Work {
    transaction: DatabaseTransaction,
    now: DateTime<Utc>,
    events: Vec<NewAuditEvent>,
}

/// What a unit of work produced, with the transaction it still has to commit.
pub struct Done<T> {
    work: Work,
    value: T,
}

impl Work {
    /// The transaction, for queries.
    pub fn db(&self) -> &DatabaseTransaction {
        &self.transaction
    }

    /// The database's clock when the unit began.
    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }

    /// Records an audit event, written in this transaction at commit.
    pub fn audit(&mut self, event: NewAuditEvent) {
        self.events.push(event);
    }

    pub fn audit_all(&mut self, events: impl IntoIterator<Item = NewAuditEvent>) {
        self.events.extend(events);
    }

    /// Ends the work with its result; the unit commits it.
    pub fn done<T>(self, value: T) -> Done<T> {
        Done { work: self, value }
    }
}

/// Runs `work` as one transaction whose audit events are written as `context`'s.
pub async fn audited<T, F, Fut>(
    connection: &Connection,
    context: &AuditContext,
    work: F,
) -> StoreResult<T>
where
    F: Fn(Work) -> Fut,
    Fut: Future<Output = StoreResult<Done<T>>>,
{
    with_retries(connection, Some(context), Isolation::ReadCommitted, work).await
}

/// [`audited`], with every read of the work seeing the database as it was at the
/// work's first read (one snapshot; PostgreSQL's `REPEATABLE READ`, which SQLite's
/// transactions always are).
pub async fn audited_snapshot<T, F, Fut>(
    connection: &Connection,
    context: &AuditContext,
    work: F,
) -> StoreResult<T>
where
    F: Fn(Work) -> Fut,
    Fut: Future<Output = StoreResult<Done<T>>>,
{
    with_retries(connection, Some(context), Isolation::Snapshot, work).await
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Isolation {
    ReadCommitted,
    Snapshot,
}

/// Runs `work` as one transaction that records no audit event.
pub async fn run<T, F, Fut>(connection: &Connection, work: F) -> StoreResult<T>
where
    F: Fn(Work) -> Fut,
    Fut: Future<Output = StoreResult<Done<T>>>,
{
    with_retries(connection, None, Isolation::ReadCommitted, work).await
}

async fn with_retries<T, F, Fut>(
    connection: &Connection,
    context: Option<&AuditContext>,
    isolation: Isolation,
    work: F,
) -> StoreResult<T>
where
    F: Fn(Work) -> Fut,
    Fut: Future<Output = StoreResult<Done<T>>>,
{
    retry_when_busy(|| once(connection, context, isolation, &work)).await
}

/// Runs `attempt` (one transaction, or one statement on its own) again while SQLite
/// answers busy. Only for work too small to need a [`Work`]: everything else goes
/// through [`audited`] or [`run`].
pub async fn retry_when_busy<T, F, Fut>(attempt: F) -> StoreResult<T>
where
    F: Fn() -> Fut,
    Fut: Future<Output = StoreResult<T>>,
{
    let mut attempts = 1;
    loop {
        match attempt().await {
            Err(error) if error.is_busy() && attempts < ATTEMPTS => {
                // why: jittered, growing pauses keep competing writers from colliding
                // again in lockstep.
                let ceiling = 2_u64.saturating_pow(attempts.min(6));
                let pause = rand::thread_rng().gen_range(1..=ceiling);
                tokio::time::sleep(Duration::from_millis(pause)).await;
                attempts += 1;
            }
            outcome => return outcome,
        }
    }
}

async fn once<T, F, Fut>(
    connection: &Connection,
    context: Option<&AuditContext>,
    isolation: Isolation,
    work: &F,
) -> StoreResult<T>
where
    F: Fn(Work) -> Fut,
    Fut: Future<Output = StoreResult<Done<T>>>,
{
    let transaction = connection.begin().await?;
    let unit = async {
        if isolation == Isolation::Snapshot
            && transaction.get_database_backend() == DbBackend::Postgres
        {
            transaction
                .execute_unprepared("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                .await?;
        }
        let now = database_now(&transaction).await?;
        let Done { work, value } = work(Work {
            transaction,
            now,
            events: Vec::new(),
        })
        .await?;
        if !work.events.is_empty() {
            let context = context.ok_or_else(|| {
                StoreError::internal(
                    "a unit of work recorded audit events without an audit context",
                )
            })?;
            idempotency::mark_committed(&work.transaction, &work.events).await?;
            audit::record(&work.transaction, context, now, work.events).await?;
        }
        work.transaction.commit().await?;
        Ok(value)
    };
    match request_limits::bounded_work(unit).await {
        Some(outcome) => outcome,
        None => Err(StoreError::Unreachable(anyhow::anyhow!(
            "the database did not answer within the request's bound"
        ))),
    }
}
