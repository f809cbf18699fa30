use async_trait::async_trait;
use domain::audit::{AuditContext, AuditEvent, AuditFilter, AuditLog, NewAuditEvent};
use domain::auth::{SessionId, UserId};
use domain::{DomainError, Page, PageRequest};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::connection::Connection;

use super::entity::{Column, Entity, Model};
use crate::error::domain_result;
use crate::unit_of_work::audited;

/// [`AuditLog`] on the SQL database. Ids are time-ordered, so id order is time order.
pub struct SqlAuditLog {
    connection: Connection,
}

impl SqlAuditLog {
    pub fn new(connection: Connection) -> Self {
        Self { connection }
    }
}

#[async_trait]
impl AuditLog for SqlAuditLog {
    async fn record_all(
        &self,
        context: &AuditContext,
        events: Vec<NewAuditEvent>,
    ) -> Result<(), DomainError> {
        let events = &events;
        audited(&self.connection, context, |mut work| async move {
            work.audit_all(events.iter().cloned());
            Ok(work.done(()))
        })
        .await?;
        Ok(())
    }

    async fn list(
        &self,
        filter: AuditFilter,
        page: PageRequest,
    ) -> Result<Page<AuditEvent>, DomainError> {
        domain_result(async move {
            let mut query = Entity::find().order_by_asc(Column::Id);
            if let Some(patient) = filter.patient_id {
                query = query.filter(Column::PatientId.eq(patient));
            }
            if let Some(actor) = filter.actor {
                query = query.filter(Column::ActorId.eq(actor.as_uuid()));
            }
            if let Some(from) = filter.from {
                query = query.filter(Column::OccurredAt.gte(from));
            }
            if let Some(to) = filter.to {
                query = query.filter(Column::OccurredAt.lt(to));
            }
            if let Some(after) = page.after {
                query = query.filter(Column::Id.gt(after));
            }
            let rows = query
                .limit(u64::from(page.limit) + 1)
                .all(&self.connection)
                .await?;
            let events = rows.into_iter().map(to_event).collect();
            Ok(Page::from_rows(events, page, |event: &AuditEvent| event.id))
        })
        .await
    }
}

fn to_event(row: Model) -> AuditEvent {
    AuditEvent {
        id: row.id,
        actor: UserId::from_uuid(row.actor_id),
        session: SessionId::from_uuid(row.session_id),
        action: row.action,
        resource_type: row.resource_type,
        resource_id: row.resource_id,
        patient_id: row.patient_id,
        occurred_at: row.occurred_at,
        node_id: row.node_id,
        request_id: row.request_id,
        client_request_id: row.client_request_id,
        client_ip: row.client_ip,
        user_agent: row.user_agent,
        outcome: row.outcome,
        detail: row.detail,
    }
}
