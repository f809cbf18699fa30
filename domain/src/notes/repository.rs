use async_trait::async_trait;

use super::{AddendumText, NewNote, Note, NoteId, SoapSections};
use crate::audit::AuditContext;
use crate::auth::UserId;
use crate::patients::PatientId;
use crate::{DomainError, Page, PageRequest, Version};

/// Where clinical notes live.
///
/// Contract for every backend:
/// - every read and write is audited in its own transaction, as for patients;
/// - `create` refuses an unknown or archived patient (`Invalid` on `patientId`) and an
///   appointment of another patient (`Invalid` on `appointmentId`);
/// - `update_draft` and `sign` change only a draft at version `expected`, and only for
///   its author: a signed note is `Conflict { code: "note_signed" }`, another version
///   `PreconditionFailed`, another clinician `Forbidden`; an empty note is not signed
///   (`Invalid`);
/// - `add_addendum` appends to a signed note only (`Conflict { code: "note_not_signed" }`).
#[async_trait]
pub trait NoteRepository: Send + Sync {
    async fn create(
        &self,
        context: &AuditContext,
        author: UserId,
        note: NewNote,
    ) -> Result<Note, DomainError>;

    async fn get(&self, context: &AuditContext, id: NoteId) -> Result<Option<Note>, DomainError>;

    /// The patient's notes, oldest first, with their addenda.
    async fn list_for_patient(
        &self,
        context: &AuditContext,
        patient: PatientId,
        page: PageRequest,
    ) -> Result<Page<Note>, DomainError>;

    async fn update_draft(
        &self,
        context: &AuditContext,
        id: NoteId,
        expected: Version,
        author: UserId,
        sections: SoapSections,
    ) -> Result<Note, DomainError>;

    async fn sign(
        &self,
        context: &AuditContext,
        id: NoteId,
        expected: Version,
        signer: UserId,
    ) -> Result<Note, DomainError>;

    async fn add_addendum(
        &self,
        context: &AuditContext,
        id: NoteId,
        author: UserId,
        text: AddendumText,
    ) -> Result<Note, DomainError>;
}
