//! A read of one record with its audit event, in as few round trips as the database
//! allows.
//!
//! On PostgreSQL a single statement does both: the row is read in a common table
//! expression and the event inserted from it, so the event exists exactly when the row
//! was found, stamped by the database's clock; one statement is atomic without `BEGIN`
//! and `COMMIT`. SQLite cannot write inside a common table expression: there the read
//! and its event are a unit of work, which costs no network round trip in an embedded
//! database.

use domain::audit::{AuditContext, NewAuditEvent};
use sea_orm::sea_query::{Alias, Asterisk, Query};
use sea_orm::{ConnectionTrait, DbBackend, EntityTrait, FromQueryResult, QueryTrait, Select};

use crate::audit;
use crate::connection::Connection;
use crate::error::{StoreError, StoreResult};
use crate::unit_of_work::audited;

const FOUND: &str = "found";

/// The row `select` finds, if any, with `event` recorded as `context`'s when it is found.
/// An event that records a change goes through a unit of work, where a keyed request's
/// claim is marked with it.
pub(crate) async fn read_one_audited<E>(
    connection: &Connection,
    context: &AuditContext,
    select: Select<E>,
    event: &NewAuditEvent,
) -> StoreResult<Option<E::Model>>
where
    E: EntityTrait,
    E::Model: FromQueryResult + Send + Sync,
{
    let backend = connection.get_database_backend();
    if backend != DbBackend::Postgres || event.records_a_change() {
        return audited(connection, context, |mut work| {
            let select = select.clone();
            async move {
                let row = select.one(work.db()).await?;
                if row.is_some() {
                    work.audit(event.clone());
                }
                Ok(work.done(row))
            }
        })
        .await;
    }
    let then = Query::select()
        .column(Asterisk)
        .from(Alias::new(FOUND))
        .to_owned();
    let statement =
        audit::recorded_with_row(FOUND, select.into_query(), context, event, None, then)?;
    let row = connection
        .read_and_record(backend.build(&statement))
        .await?;
    row.map(|row| E::Model::from_query_result(&row, ""))
        .transpose()
        .map_err(StoreError::from)
}
