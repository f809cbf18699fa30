use std::sync::Arc;

use super::{AuditEvent, AuditFilter, AuditLog};
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

    pub async fn list(
        &self,
        caller: &Principal,
        filter: AuditFilter,
        page: PageRequest,
    ) -> Result<Page<AuditEvent>, DomainError> {
        caller.require(Permission::ReadAudit)?;
        self.log.list(filter, page).await
    }
}
