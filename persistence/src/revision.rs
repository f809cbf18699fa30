//! A change to one versioned row with its audit event, in as few round trips as the
//! database allows.
//!
//! On PostgreSQL the row is read with the database's clock in one statement, the
//! domain decides the change, and one more statement writes the row at the version it
//! was read and the event with it: atomic without `BEGIN` and `COMMIT`, and safe without
//! a transaction around the read, as the write happens only at the version read. A
//! request carrying an `Idempotency-Key` marks its claim in the same transaction as
//! the work, and SQLite cannot write inside a common table expression: those run as a
//! unit of work.

use chrono::{DateTime, Utc};
use domain::audit::{AuditContext, NewAuditEvent};
use domain::idempotency::claimed_key;
use domain::locks::FencingToken;
use domain::{DomainError, Version};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, FromQueryResult, QueryFilter, UpdateMany,
};
use uuid::Uuid;

use crate::clock::one_with_database_now;
use crate::connection::Connection;
use crate::error::StoreResult;
use crate::unit_of_work::audited;
use crate::versioned::{update_at_version, update_at_version_audited, VersionedEntity};

/// What a change decided: the row's update, the version it was read at, and what the
/// caller gets back.
pub(crate) struct Revised<E: EntityTrait, T> {
    pub update: UpdateMany<E>,
    pub read_at: Version,
    pub value: T,
}

/// A decision on the row as loaded, at the database's clock.
pub(crate) type Revise<'a, E, T> = &'a (dyn Fn(<E as EntityTrait>::Model, DateTime<Utc>) -> StoreResult<Revised<E, T>>
         + Send
         + Sync);

/// Row `id` changed as `revise` decides, under `fence` if the writer holds a lock, with
/// `event` recorded as `context`'s; what `revise` gave back, and the row's new version.
pub(crate) async fn revise_one<E, T>(
    connection: &Connection,
    context: &AuditContext,
    id: Uuid,
    fence: Option<FencingToken>,
    event: &NewAuditEvent,
    revise: Revise<'_, E, T>,
) -> StoreResult<(T, Version)>
where
    E: VersionedEntity,
    E::Model: FromQueryResult + Send + Sync,
    T: Send,
{
    let not_found = || DomainError::NotFound {
        resource: E::RESOURCE,
    };
    let select = E::find().filter(E::id_column().eq(id));
    if connection.get_database_backend() != DbBackend::Postgres || claimed_key().is_some() {
        return audited(connection, context, |mut work| {
            let select = select.clone();
            async move {
                let row = select.one(work.db()).await?.ok_or_else(not_found)?;
                let Revised {
                    update,
                    read_at,
                    value,
                } = revise(row, work.now())?;
                let version = update_at_version(work.db(), update, id, read_at, fence).await?;
                work.audit(event.clone());
                Ok(work.done((value, version)))
            }
        })
        .await;
    }
    let (row, now) = one_with_database_now(connection, select)
        .await?
        .ok_or_else(not_found)?;
    let Revised {
        update,
        read_at,
        value,
    } = revise(row, now)?;
    let write = (update, id, read_at, fence);
    let version = update_at_version_audited(connection, context, write, event, now).await?;
    Ok((value, version))
}
