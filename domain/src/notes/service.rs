use std::sync::Arc;

use super::{AddendumText, NewNote, Note, NoteId, NoteRepository, SoapSections};
use crate::audit::{AuditAction, AuditContext};
use crate::auth::{Permission, Principal};
use crate::locks::{LockGate, LockToken, LockedResource};
use crate::patients::PatientId;
use crate::{DomainError, Page, PageRequest, Version};

/// Writing, signing and amending clinical notes: clinical staff only.
pub struct Notes {
    repository: Arc<dyn NoteRepository>,
    locks: LockGate,
}

const NOT_FOUND: DomainError = DomainError::NotFound { resource: "note" };

impl Notes {
    pub fn new(repository: Arc<dyn NoteRepository>, locks: LockGate) -> Self {
        Self { repository, locks }
    }

    pub async fn write(
        &self,
        caller: &Principal,
        context: &AuditContext,
        note: NewNote,
    ) -> Result<Note, DomainError> {
        caller.require(Permission::WriteNotes)?;
        let author = caller.user_id;
        let (patient, appointment) = (note.patient_id, note.appointment_id);
        self.repository
            .create(context, patient, appointment, &|subject, now| {
                Note::draft(note.clone(), author, subject, now)
            })
            .await
    }

    pub async fn get(
        &self,
        caller: &Principal,
        context: &AuditContext,
        id: NoteId,
    ) -> Result<Note, DomainError> {
        caller.require(Permission::ReadNotes)?;
        self.repository
            .get(context, id, caller.user_id)
            .await?
            .ok_or(NOT_FOUND)
    }

    pub async fn list(
        &self,
        caller: &Principal,
        context: &AuditContext,
        patient: PatientId,
        page: PageRequest,
    ) -> Result<Page<Note>, DomainError> {
        caller.require(Permission::ReadNotes)?;
        self.repository
            .list_for_patient(context, patient, caller.user_id, page)
            .await
    }

    /// Changes a draft; only its author may, since the note speaks in their name.
    pub async fn revise(
        &self,
        caller: &Principal,
        context: &AuditContext,
        id: NoteId,
        expected: Version,
        lock: Option<LockToken>,
        sections: SoapSections,
    ) -> Result<Note, DomainError> {
        caller.require(Permission::WriteNotes)?;
        let fence = self
            .locks
            .admit(caller, LockedResource::Note(id), lock)
            .await?;
        let author = caller.user_id;
        self.repository
            .modify(context, id, AuditAction::Update, fence, &|note, _| {
                note.revise(author, expected, sections.clone())
            })
            .await
    }

    /// Signs a draft; only its author may. A signed note never changes again.
    pub async fn sign(
        &self,
        caller: &Principal,
        context: &AuditContext,
        id: NoteId,
        expected: Version,
        lock: Option<LockToken>,
    ) -> Result<Note, DomainError> {
        caller.require(Permission::WriteNotes)?;
        let fence = self
            .locks
            .admit(caller, LockedResource::Note(id), lock)
            .await?;
        let signer = caller.user_id;
        self.repository
            .modify(context, id, AuditAction::Sign, fence, &|note, now| {
                note.sign(signer, expected, now)
            })
            .await
    }

    /// Appends an addendum to a signed note, by any clinician.
    pub async fn amend(
        &self,
        caller: &Principal,
        context: &AuditContext,
        id: NoteId,
        lock: Option<LockToken>,
        text: AddendumText,
    ) -> Result<Note, DomainError> {
        caller.require(Permission::WriteNotes)?;
        let fence = self
            .locks
            .admit(caller, LockedResource::Note(id), lock)
            .await?;
        let author = caller.user_id;
        self.repository
            .add_addendum(context, id, fence, &|note, now| {
                note.amend(author, text.clone(), now)
            })
            .await
    }
}
