//! The audit trail: written by every repository inside its own transactions, read here.

mod entity;
mod sql_audit_log;

pub use sql_audit_log::SqlAuditLog;

use chrono::{DateTime, Utc};
use domain::audit::{AuditContext, NewAuditEvent};
use sea_orm::{ActiveValue, ConnectionTrait, EntityTrait};
use uuid::Uuid;

use crate::error::StoreResult;

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
