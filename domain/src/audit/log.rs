use async_trait::async_trait;

use super::{AuditEvent, AuditFilter};
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
}
