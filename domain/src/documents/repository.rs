use async_trait::async_trait;

use super::{Document, DocumentChanges, DocumentId, NewDocument};
use crate::audit::AuditContext;
use crate::auth::UserId;
use crate::patients::PatientId;
use crate::{DomainError, Page, PageRequest, Version};

/// Where document records live (their content lives in a [`FileStore`](super::FileStore)).
///
/// Contract: audited like every patient record; `create` refuses an unknown or archived
/// patient (`Invalid` on `patientId`); `update` and `delete` change the row only at
/// version `expected`; a deleted document is kept but found by nothing.
#[async_trait]
pub trait DocumentRepository: Send + Sync {
    async fn create(
        &self,
        context: &AuditContext,
        uploaded_by: UserId,
        document: NewDocument,
    ) -> Result<Document, DomainError>;

    async fn get(
        &self,
        context: &AuditContext,
        id: DocumentId,
    ) -> Result<Option<Document>, DomainError>;

    async fn list_for_patient(
        &self,
        context: &AuditContext,
        patient: PatientId,
        page: PageRequest,
    ) -> Result<Page<Document>, DomainError>;

    async fn update(
        &self,
        context: &AuditContext,
        id: DocumentId,
        expected: Version,
        changes: DocumentChanges,
    ) -> Result<Document, DomainError>;

    async fn delete(
        &self,
        context: &AuditContext,
        id: DocumentId,
        expected: Version,
    ) -> Result<(), DomainError>;
}
