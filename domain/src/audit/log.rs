use async_trait::async_trait;

use super::{AuditContext, AuditEvent, AuditFilter, NewAuditEvent};
use crate::{DomainError, Page, PageRequest};

/// Reading the audit trail. Writing happens inside each repository's transactions;
/// nothing updates or deletes an event (the database refuses it too).
#[async_trait]
pub trait AuditLog: Send + Sync {
    /// Events matching `filter`, oldest first.
    async fn list(
        &self,
        filter: AuditFilter,
        page: PageRequest,
    ) -> Result<Page<AuditEvent>, DomainError>;

    /// Writes one event as `context`'s, for work that happens outside the database (a
    /// lock held in Redis); work in the database writes its events in its own
    /// transaction instead.
    async fn record(
        &self,
        context: &AuditContext,
        event: NewAuditEvent,
    ) -> Result<(), DomainError> {
        self.record_all(context, vec![event]).await
    }

    /// Writes several events as `context`'s, in one transaction.
    async fn record_all(
        &self,
        context: &AuditContext,
        events: Vec<NewAuditEvent>,
    ) -> Result<(), DomainError>;
}
