//! The audit trail: written by every repository inside its own transactions, read here.

mod entity;
mod sql_audit_log;

pub use sql_audit_log::SqlAuditLog;

use chrono::{DateTime, Utc};
use domain::audit::{AuditContext, NewAuditEvent};
use sea_orm::sea_query::{
    Alias, CommonTableExpression, Expr, InsertStatement, Query, QueryStatementBuilder,
    SelectStatement, SimpleExpr, WithClause, WithQuery,
};
use sea_orm::{ActiveValue, ConnectionTrait, EntityTrait};
use uuid::Uuid;

use crate::error::{StoreError, StoreResult};

/// Writes `events` on `connection`, which is the transaction doing the work they
/// describe: both commit, or neither does.
pub(crate) async fn record(
    connection: &impl ConnectionTrait,
    context: &AuditContext,
    at: DateTime<Utc>,
    events: impl IntoIterator<Item = NewAuditEvent>,
) -> StoreResult<()> {
    let rows: Vec<entity::ActiveModel> = events
        .into_iter()
        .map(|event| entity::ActiveModel {
            id: ActiveValue::Set(Uuid::now_v7()),
            actor_id: ActiveValue::Set(context.actor.as_uuid()),
            session_id: ActiveValue::Set(context.session.as_uuid()),
            action: ActiveValue::Set(event.action.as_str().to_owned()),
            resource_type: ActiveValue::Set(event.resource_type.to_owned()),
            resource_id: ActiveValue::Set(event.resource_id),
            patient_id: ActiveValue::Set(event.patient_id),
            occurred_at: ActiveValue::Set(at),
            node_id: ActiveValue::Set(context.origin.node_id.clone()),
            request_id: ActiveValue::Set(context.origin.request_id.clone()),
            client_request_id: ActiveValue::Set(context.origin.client_request_id.clone()),
            client_ip: ActiveValue::Set(context.origin.client_ip.clone()),
            user_agent: ActiveValue::Set(context.origin.user_agent.clone()),
            outcome: ActiveValue::Set(event.outcome.as_str().to_owned()),
            detail: ActiveValue::Set(event.detail.clone()),
        })
        .collect();
    if rows.is_empty() {
        return Ok(());
    }
    entity::Entity::insert_many(rows)
        .exec_without_returning(connection)
        .await?;
    Ok(())
}

/// `WITH <name> AS (<row>), recorded AS (INSERT INTO audit_events … FROM <name>)
/// <then>`: one statement running `row` (a read or a write `RETURNING` at most one row:
/// the event's id is fixed), recording `event`, as `context`'s, when there is a row,
/// stamped `at` or else by the database's clock, and answering `then` (which may read
/// `<name>`). PostgreSQL only: SQLite cannot write inside a common table expression.
pub(crate) fn recorded_with_row(
    name: &str,
    row: impl QueryStatementBuilder,
    context: &AuditContext,
    event: &NewAuditEvent,
    at: Option<DateTime<Utc>>,
    then: SelectStatement,
) -> StoreResult<WithQuery> {
    let source = CommonTableExpression::new()
        .query(row)
        .table_name(Alias::new(name))
        .to_owned();
    let recorded = CommonTableExpression::new()
        .query(insert_per_row_of(name, context, event, at)?)
        .table_name(Alias::new("recorded"))
        .to_owned();
    Ok(WithClause::new()
        .cte(source)
        .cte(recorded)
        .to_owned()
        .query(then))
}

/// `INSERT INTO audit_events … SELECT … FROM source`: `event`, as `context`'s, for the
/// row of `source`, stamped `at` or by the database's clock.
fn insert_per_row_of(
    source: &str,
    context: &AuditContext,
    event: &NewAuditEvent,
    at: Option<DateTime<Utc>>,
) -> StoreResult<InsertStatement> {
    use entity::Column;
    let values: [(Column, SimpleExpr); 15] = [
        (Column::Id, Uuid::now_v7().into()),
        (Column::ActorId, context.actor.as_uuid().into()),
        (Column::SessionId, context.session.as_uuid().into()),
        (Column::Action, event.action.as_str().into()),
        (Column::ResourceType, event.resource_type.into()),
        (Column::ResourceId, event.resource_id.into()),
        (Column::PatientId, event.patient_id.into()),
        (
            Column::OccurredAt,
            at.map_or_else(|| Expr::current_timestamp().into(), Into::into),
        ),
        (Column::NodeId, context.origin.node_id.clone().into()),
        (Column::RequestId, context.origin.request_id.clone().into()),
        (
            Column::ClientRequestId,
            context.origin.client_request_id.clone().into(),
        ),
        (Column::ClientIp, context.origin.client_ip.clone().into()),
        (Column::UserAgent, context.origin.user_agent.clone().into()),
        (Column::Outcome, event.outcome.as_str().into()),
        (Column::Detail, event.detail.clone().into()),
    ];
    let (columns, values): (Vec<_>, Vec<_>) = values.into_iter().unzip();
    let select = Query::select()
        .exprs(values)
        .from(Alias::new(source))
        .to_owned();
    Ok(Query::insert()
        .into_table(entity::Entity)
        .columns(columns)
        .select_from(select)
        .map_err(|error| StoreError::internal(error.to_string()))?
        .to_owned())
}
