use async_trait::async_trait;
use domain::notifications::{Notification, Outbox};
use domain::schedule::AppointmentId;
use domain::{DomainError, Page, PageRequest};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::connection::Connection;

use super::entity::{Column, Entity};
use crate::error::{domain_result, StoreResult};
use crate::jobs::to_notification;

/// [`Outbox`] on the SQL database: `notification_outbox`.
pub struct SqlOutbox {
    connection: Connection,
}

impl SqlOutbox {
    pub fn new(connection: Connection) -> Self {
        Self { connection }
    }
}

#[async_trait]
impl Outbox for SqlOutbox {
    async fn list(
        &self,
        appointment: Option<AppointmentId>,
        page: PageRequest,
    ) -> Result<Page<Notification>, DomainError> {
        domain_result(async move {
            let mut query = Entity::find().order_by_asc(Column::Id);
            if let Some(appointment) = appointment {
                query = query.filter(Column::AppointmentId.eq(appointment.as_uuid()));
            }
            if let Some(after) = page.after {
                query = query.filter(Column::Id.gt(after));
            }
            let rows = query
                .limit(u64::from(page.limit) + 1)
                .all(&self.connection)
                .await?;
            let rows = Page::from_rows(rows, page, |row| row.id);
            let items = rows
                .items
                .iter()
                .map(to_notification)
                .collect::<StoreResult<Vec<_>>>()?;
            Ok(Page {
                items,
                next_after: rows.next_after,
            })
        })
        .await
    }
}
