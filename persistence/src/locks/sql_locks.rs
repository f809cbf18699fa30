use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, TimeZone, Utc};
use domain::auth::{SessionId, UserId};
use domain::locks::{
    FencingToken, LockHolder, LockManager, LockOutcome, LockToken, LockedResource, RecordLock,
};
use domain::DomainError;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseBackend, EntityTrait, FromQueryResult, QueryFilter,
    Statement, Value,
};

use crate::connection::Connection;

use super::entity::{Column, Entity, Model};
use crate::clock::one_with_database_now;
use crate::error::{domain_result, StoreError, StoreResult};
use crate::unit_of_work::{run, Work};

/// [`LockManager`] on the SQL database: a `record_locks` row per locked record, keyed
/// by the record, so two nodes can never both insert one; expiry by the database's
/// clock; fencing numbers from a sequence (PostgreSQL) or a counter row bumped in the
/// acquiring transaction (SQLite, one writer).
pub struct SqlLockManager {
    connection: Connection,
}

impl SqlLockManager {
    pub fn new(connection: Connection) -> Self {
        Self { connection }
    }
}

/// The columns a statement on `record_locks` returns, in the entity's order.
const COLUMNS: &str = "resource, token, fencing, holder_user_id, holder_session_id, \
    holder_display_name, acquired_at_ms, expires_at_ms, hold_until_ms";

/// Attempts at taking a lock whose holder let go between our two statements.
const ACQUIRE_ATTEMPTS: usize = 3;

fn millis(instant: DateTime<Utc>) -> i64 {
    instant.timestamp_millis()
}

fn ttl_millis(ttl: Duration) -> StoreResult<i64> {
    Ok(i64::try_from(ttl.as_millis())?)
}

/// Placeholders as the backend spells them, with the values in order.
struct Bindings {
    backend: DatabaseBackend,
    values: Vec<Value>,
}

impl Bindings {
    fn new(backend: DatabaseBackend) -> Self {
        Self {
            backend,
            values: Vec::new(),
        }
    }

    fn bind(&mut self, value: impl Into<Value>) -> String {
        self.values.push(value.into());
        // why: numbered, so that one value can stand in several places of a statement.
        match self.backend {
            DatabaseBackend::Postgres => format!("${}", self.values.len()),
            _ => format!("?{}", self.values.len()),
        }
    }

    fn statement(self, sql: String) -> Statement {
        Statement::from_sql_and_values(self.backend, sql, self.values)
    }
}

/// A fencing number larger than any before, and never below the database's clock in
/// milliseconds, so that numbers keep growing across a change of lock store.
async fn next_fencing(work: &Work) -> StoreResult<i64> {
    let mut b = Bindings::new(work.db().get_database_backend());
    let floor = b.bind(millis(work.now()));
    let sql = match b.backend {
        DatabaseBackend::Postgres => {
            format!("SELECT GREATEST(nextval('lock_fencing_seq'), {floor}) AS value")
        }
        _ => format!(
            "UPDATE lock_fencing SET value = MAX(value + 1, {floor}) \
             WHERE name = 'record_locks' RETURNING value"
        ),
    };
    let row = work
        .db()
        .query_one(b.statement(sql))
        .await?
        .ok_or_else(|| StoreError::internal("the fencing sequence answered nothing"))?;
    Ok(row.try_get::<i64>("", "value")?)
}

/// The larger of two SQL expressions, as the backend spells it.
fn greatest(backend: DatabaseBackend, left: &str, right: &str) -> String {
    match backend {
        DatabaseBackend::Postgres => format!("GREATEST({left}, {right})"),
        _ => format!("MAX({left}, {right})"),
    }
}

/// The smaller of two SQL expressions, as the backend spells it.
fn least(backend: DatabaseBackend, left: &str, right: &str) -> String {
    match backend {
        DatabaseBackend::Postgres => format!("LEAST({left}, {right})"),
        _ => format!("MIN({left}, {right})"),
    }
}

/// Takes or renews the lock in one statement: the insert, or on the record's key the
/// update, which applies only when the lock there has expired or is this session's.
/// `None` when another session holds it.
async fn upsert(
    work: &Work,
    resource: LockedResource,
    holder: &LockHolder,
    ttl: Duration,
    hold: Duration,
) -> StoreResult<Option<Model>> {
    let now = millis(work.now());
    let fresh_expiry = now.saturating_add(ttl_millis(ttl)?);
    let hold_until = now.saturating_add(ttl_millis(hold)?);
    let fencing = next_fencing(work).await?;
    let mut b = Bindings::new(work.db().get_database_backend());
    let values = [
        b.bind(resource.to_string()),
        b.bind(LockToken::generate().as_uuid()),
        b.bind(fencing),
        b.bind(holder.user_id.as_uuid()),
        b.bind(holder.session_id.as_uuid()),
        b.bind(holder.display_name.clone()),
        b.bind(now),
        b.bind(fresh_expiry.min(hold_until)),
        b.bind(hold_until),
    ]
    .join(", ");
    // why: the holder's own live lock keeps its token, fencing number and start, so a
    // repeated acquire is a renewal; anything else there is taken over afresh.
    let own_live = format!(
        "(record_locks.holder_session_id = excluded.holder_session_id \
         AND record_locks.expires_at_ms > {})",
        b.bind(now)
    );
    let keep = |column: &str, fresh: &str| {
        format!("{column} = CASE WHEN {own_live} THEN record_locks.{column} ELSE {fresh} END")
    };
    // why: a taker whose sequence number was drawn before a slower rival's can still
    // only ever raise a resource's fencing number.
    let raised = greatest(b.backend, "excluded.fencing", "record_locks.fencing + 1");
    // why: the holder's own lock is renewed only up to the hold it was taken with.
    let kept_expiry = least(
        b.backend,
        &b.bind(fresh_expiry),
        "record_locks.hold_until_ms",
    );
    let expiry = format!(
        "expires_at_ms = CASE WHEN {own_live} THEN {kept_expiry} ELSE excluded.expires_at_ms END"
    );
    let sql = format!(
        "INSERT INTO record_locks (resource, token, fencing, holder_user_id, holder_session_id, \
         holder_display_name, acquired_at_ms, expires_at_ms, hold_until_ms) VALUES ({values}) \
         ON CONFLICT (resource) DO UPDATE SET {}, {}, {}, {}, {expiry}, \
         holder_user_id = excluded.holder_user_id, holder_session_id = excluded.holder_session_id, \
         holder_display_name = excluded.holder_display_name \
         WHERE record_locks.expires_at_ms <= {} \
         OR record_locks.holder_session_id = excluded.holder_session_id \
         RETURNING {COLUMNS}",
        keep("token", "excluded.token"),
        keep("fencing", &raised),
        keep("acquired_at_ms", "excluded.acquired_at_ms"),
        keep("hold_until_ms", "excluded.hold_until_ms"),
        b.bind(now),
    );
    returning(work, b.statement(sql)).await
}

/// Runs a statement that returns at most one lock row.
async fn returning(work: &Work, statement: Statement) -> StoreResult<Option<Model>> {
    let row = work.db().query_one(statement).await?;
    Ok(row
        .map(|row| Model::from_query_result(&row, ""))
        .transpose()?)
}

/// What stands in the way of acting on the lock `token`, after a conditional statement
/// on it changed nothing.
async fn obstacle(work: &Work, token: LockToken) -> StoreResult<LockOutcome> {
    Ok(match live_by(work, Column::Token, token.as_uuid()).await? {
        Some(held) => LockOutcome::HeldByAnother(to_lock(held)?),
        None => LockOutcome::Gone,
    })
}

async fn live_by(
    work: &Work,
    column: Column,
    value: impl Into<Value>,
) -> StoreResult<Option<Model>> {
    Ok(Entity::find()
        .filter(column.eq(value.into()))
        .filter(Column::ExpiresAtMs.gt(millis(work.now())))
        .one(work.db())
        .await?)
}

fn to_lock(row: Model) -> StoreResult<RecordLock> {
    let instant = |ms: i64| {
        Utc.timestamp_millis_opt(ms).single().ok_or_else(|| {
            StoreError::internal(format!("lock on {} has an impossible time", row.resource))
        })
    };
    Ok(RecordLock {
        token: LockToken::from_uuid(row.token),
        resource: LockedResource::parse(&row.resource).map_err(StoreError::internal)?,
        fencing: FencingToken::new(row.fencing),
        holder: LockHolder {
            user_id: UserId::from_uuid(row.holder_user_id),
            session_id: SessionId::from_uuid(row.holder_session_id),
            display_name: row.holder_display_name.clone(),
        },
        acquired_at: instant(row.acquired_at_ms)?,
        expires_at: instant(row.expires_at_ms)?,
        hold_until: instant(row.hold_until_ms)?,
    })
}

#[async_trait]
impl LockManager for SqlLockManager {
    async fn acquire(
        &self,
        resource: LockedResource,
        holder: &LockHolder,
        ttl: Duration,
        hold: Duration,
    ) -> Result<LockOutcome, DomainError> {
        for _ in 0..ACQUIRE_ATTEMPTS {
            let outcome = run(&self.connection, |work| async move {
                if let Some(taken) = upsert(&work, resource, holder, ttl, hold).await? {
                    return Ok(work.done(Some(LockOutcome::Done(to_lock(taken)?))));
                }
                let held = live_by(&work, Column::Resource, resource.to_string()).await?;
                let outcome = held
                    .map(to_lock)
                    .transpose()?
                    .map(LockOutcome::HeldByAnother);
                Ok(work.done(outcome))
            })
            .await?;
            // why: `None`: the holder let go between the two statements; try again.
            if let Some(outcome) = outcome {
                return Ok(outcome);
            }
        }
        Err(DomainError::internal(anyhow::anyhow!(
            "the lock on {resource} changed hands {ACQUIRE_ATTEMPTS} times while taking it"
        )))
    }

    async fn renew(
        &self,
        token: LockToken,
        session: SessionId,
        ttl: Duration,
    ) -> Result<LockOutcome, DomainError> {
        let outcome = run(&self.connection, |work| async move {
            let now = millis(work.now());
            let mut b = Bindings::new(work.db().get_database_backend());
            let renewed_expiry = least(
                b.backend,
                &b.bind(now.saturating_add(ttl_millis(ttl)?)),
                "hold_until_ms",
            );
            let sql = format!(
                "UPDATE record_locks SET expires_at_ms = {renewed_expiry} WHERE token = {} \
                 AND holder_session_id = {} AND expires_at_ms > {} RETURNING {COLUMNS}",
                b.bind(token.as_uuid()),
                b.bind(session.as_uuid()),
                b.bind(now),
            );
            let outcome = match returning(&work, b.statement(sql)).await? {
                Some(renewed) => LockOutcome::Done(to_lock(renewed)?),
                None => obstacle(&work, token).await?,
            };
            Ok(work.done(outcome))
        })
        .await?;
        Ok(outcome)
    }

    async fn release(
        &self,
        token: LockToken,
        session: SessionId,
    ) -> Result<LockOutcome, DomainError> {
        let outcome = run(&self.connection, |work| async move {
            let mut b = Bindings::new(work.db().get_database_backend());
            let sql = format!(
                "DELETE FROM record_locks WHERE token = {} AND holder_session_id = {} \
                 AND expires_at_ms > {} RETURNING {COLUMNS}",
                b.bind(token.as_uuid()),
                b.bind(session.as_uuid()),
                b.bind(millis(work.now())),
            );
            let outcome = match returning(&work, b.statement(sql)).await? {
                Some(released) => LockOutcome::Done(to_lock(released)?),
                None => obstacle(&work, token).await?,
            };
            Ok(work.done(outcome))
        })
        .await?;
        Ok(outcome)
    }

    async fn holder(&self, resource: LockedResource) -> Result<Option<RecordLock>, DomainError> {
        // why: shown beside every record read; one statement, not a transaction.
        let select = Entity::find_by_id(resource.to_string());
        let found = domain_result(one_with_database_now(&self.connection, select)).await?;
        Ok(match found {
            Some((row, now)) if row.expires_at_ms > millis(now) => Some(to_lock(row)?),
            _ => None,
        })
    }

    async fn extend_hold(
        &self,
        resource: LockedResource,
        by: Duration,
    ) -> Result<Option<RecordLock>, DomainError> {
        let lock = run(&self.connection, |work| async move {
            let mut b = Bindings::new(work.db().get_database_backend());
            let sql = format!(
                "UPDATE record_locks SET hold_until_ms = hold_until_ms + {} WHERE resource = {} \
                 AND expires_at_ms > {} RETURNING {COLUMNS}",
                b.bind(ttl_millis(by)?),
                b.bind(resource.to_string()),
                b.bind(millis(work.now())),
            );
            let extended = returning(&work, b.statement(sql)).await?;
            Ok(work.done(extended.map(to_lock).transpose()?))
        })
        .await?;
        Ok(lock)
    }

    async fn break_lock(
        &self,
        resource: LockedResource,
    ) -> Result<Option<RecordLock>, DomainError> {
        let lock = run(&self.connection, |work| async move {
            let held = live_by(&work, Column::Resource, resource.to_string()).await?;
            Entity::delete_many()
                .filter(Column::Resource.eq(resource.to_string()))
                .exec(work.db())
                .await?;
            Ok(work.done(held.map(to_lock).transpose()?))
        })
        .await?;
        Ok(lock)
    }

    async fn release_all_for_session(&self, session: SessionId) -> Result<u64, DomainError> {
        let ended = run(&self.connection, |work| async move {
            let deleted = Entity::delete_many()
                .filter(Column::HolderSessionId.eq(session.as_uuid()))
                .filter(Column::ExpiresAtMs.gt(millis(work.now())))
                .exec(work.db())
                .await?;
            Ok(work.done(deleted.rows_affected))
        })
        .await?;
        Ok(ended)
    }

    async fn release_all_for_user(
        &self,
        user: UserId,
        except: Option<SessionId>,
    ) -> Result<u64, DomainError> {
        let ended = run(&self.connection, |work| async move {
            let mut delete = Entity::delete_many()
                .filter(Column::HolderUserId.eq(user.as_uuid()))
                .filter(Column::ExpiresAtMs.gt(millis(work.now())));
            if let Some(kept) = except {
                delete = delete.filter(Column::HolderSessionId.ne(kept.as_uuid()));
            }
            let deleted = delete.exec(work.db()).await?;
            Ok(work.done(deleted.rows_affected))
        })
        .await?;
        Ok(ended)
    }
}
