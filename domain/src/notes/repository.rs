use async_trait::async_trait;

use super::{Addendum, Note, NoteId, NoteSubject};
use crate::audit::{AuditAction, AuditContext};
use crate::auth::UserId;
use crate::locks::FencingToken;
use crate::patients::PatientId;
use crate::schedule::AppointmentId;
use crate::{DomainError, Page, PageRequest, Rule};

/// Where clinical notes live. The store decides nothing: it loads, applies the rule it
/// is given inside one transaction, writes and audits.
///
/// Contract for every backend:
/// - every read and write is audited in the same transaction, as for patients;
/// - `create` loads the [`NoteSubject`] of `patient` and `appointment` and inserts what
///   the rule drafts from it;
/// - `modify` loads the note (`NotFound`), applies the rule, and writes the result only
///   at the version it loaded (`PreconditionFailed` with the stored version otherwise)
///   and, under a lock's `fence`, only if no later holder wrote it (`LockLost`);
///   the note handed to the rule carries no addenda (only signed notes have them, and
///   those never change);
/// - `add_addendum` loads the note, inserts the addendum the rule makes of it, and
///   returns the note with all its addenda.
#[async_trait]
pub trait NoteRepository: Send + Sync {
    async fn create(
        &self,
        context: &AuditContext,
        patient: PatientId,
        appointment: Option<AppointmentId>,
        draft: Rule<'_, NoteSubject, Note>,
    ) -> Result<Note, DomainError>;

    /// The note, if it is visible to `viewer` ([`Note::is_visible_to`]); a note the
    /// viewer may not see is not returned, and the attempt is audited as refused.
    async fn get(
        &self,
        context: &AuditContext,
        id: NoteId,
        viewer: UserId,
    ) -> Result<Option<Note>, DomainError>;

    /// The patient's notes that `viewer` may see, oldest first, with their addenda.
    async fn list_for_patient(
        &self,
        context: &AuditContext,
        patient: PatientId,
        viewer: UserId,
        page: PageRequest,
    ) -> Result<Page<Note>, DomainError>;

    /// Changes a note, audited as `action`.
    async fn modify(
        &self,
        context: &AuditContext,
        id: NoteId,
        action: AuditAction,
        fence: Option<FencingToken>,
        change: Rule<'_, Note, Note>,
    ) -> Result<Note, DomainError>;

    async fn add_addendum(
        &self,
        context: &AuditContext,
        id: NoteId,
        fence: Option<FencingToken>,
        amend: Rule<'_, Note, Addendum>,
    ) -> Result<Note, DomainError>;
}
