use async_trait::async_trait;

use super::{Document, DocumentId};
use crate::audit::{AuditAction, AuditContext};
use crate::locks::FencingToken;
use crate::patients::{PatientId, PatientStanding};
use crate::{DomainError, Page, PageRequest, Rule};

/// Where document records live (their content lives in a [`FileStore`](super::FileStore)).
///
/// Contract: audited like every patient record; `create` loads where `patient` stands
/// and inserts what the rule records; `modify` loads a live document (`NotFound` for a
/// deleted one), applies the rule and writes the result only at the version it loaded
/// (`PreconditionFailed` otherwise); a deleted document is kept but found by nothing.
#[async_trait]
pub trait DocumentRepository: Send + Sync {
    async fn create(
        &self,
        context: &AuditContext,
        patient: PatientId,
        record: Rule<'_, PatientStanding, Document>,
    ) -> Result<Document, DomainError>;

    /// Where a patient stands, read before an upload's content is stored (`create`
    /// reads it again in its own transaction: the patient may be archived meanwhile).
    async fn patient_standing(&self, patient: PatientId) -> Result<PatientStanding, DomainError>;

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

    /// Changes a document, audited as `action`.
    async fn modify(
        &self,
        context: &AuditContext,
        id: DocumentId,
        action: AuditAction,
        fence: Option<FencingToken>,
        change: Rule<'_, Document, Document>,
    ) -> Result<Document, DomainError>;
}
