use std::sync::Arc;

use super::{
    AuditAction, AuditContext, AuditEvent, AuditFilter, AuditLog, AuditOutcome, NewAuditEvent,
};
use crate::auth::{Permission, Principal};
use crate::{DomainError, Page, PageRequest};

/// Reading the audit trail, for those allowed to.
pub struct AuditTrail {
    log: Arc<dyn AuditLog>,
}

impl AuditTrail {
    pub fn new(log: Arc<dyn AuditLog>) -> Self {
        Self { log }
    }

    /// The events `filter` names. Reading the trail is itself on the trail: it shows
    /// who did what to whose record.
    pub async fn list(
        &self,
        caller: &Principal,
        context: &AuditContext,
        filter: AuditFilter,
        page: PageRequest,
    ) -> Result<Page<AuditEvent>, DomainError> {
        caller.require(Permission::ReadAudit)?;
        let read = NewAuditEvent {
            action: AuditAction::List,
            resource_type: "audit_event",
            resource_id: uuid::Uuid::nil(),
            patient_id: filter.patient_id,
            outcome: AuditOutcome::Success,
            detail: Some(filter.describe()),
        };
        self.log.record(context, read).await?;
        self.log.list(filter, page).await
    }
}
