//! The life of a clinical note: drafted by a clinician, revised and signed only by its
//! author, never changed once signed; corrections are addenda on signed notes.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{Addendum, AddendumText, NewNote, Note, NoteId, NoteStatus, SoapSections};
use crate::auth::UserId;
use crate::patients::{PatientId, PatientStanding};
use crate::{DomainError, ErrorCode, Version};

/// What the store knows, when a note is written, of the records it points to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NoteSubject {
    pub patient: PatientStanding,
    /// The patient of the appointment the note names, if it names one that exists.
    pub appointment_patient: Option<PatientId>,
}

impl Note {
    /// A new draft by `author`, about an active patient and, if it names one, one of
    /// that patient's appointments.
    pub fn draft(
        new: NewNote,
        author: UserId,
        subject: NoteSubject,
        now: DateTime<Utc>,
    ) -> Result<Note, DomainError> {
        subject.patient.admits_records_under_it()?;
        if new.appointment_id.is_some() && subject.appointment_patient != Some(new.patient_id) {
            return Err(DomainError::invalid(
                "appointmentId",
                "is not an appointment of this patient",
            ));
        }
        Ok(Note {
            id: NoteId::generate(),
            patient_id: new.patient_id,
            author_id: author,
            appointment_id: new.appointment_id,
            sections: new.sections,
            status: NoteStatus::Draft,
            signed_by: None,
            signed_at: None,
            addenda: Vec::new(),
            version: Version::FIRST,
            created_at: now,
            updated_at: now,
        })
    }

    pub fn is_signed(&self) -> bool {
        self.status == NoteStatus::Signed
    }

    /// Replaces a draft's sections; only its author may, since the note speaks in
    /// their name.
    pub fn revise(
        self,
        author: UserId,
        expected: Version,
        sections: SoapSections,
    ) -> Result<Note, DomainError> {
        self.check_changeable_by(author, expected)?;
        Ok(Note { sections, ..self })
    }

    /// Signs a draft; only its author may, and only when it says something.
    pub fn sign(
        self,
        signer: UserId,
        expected: Version,
        now: DateTime<Utc>,
    ) -> Result<Note, DomainError> {
        self.check_changeable_by(signer, expected)?;
        if self.sections.is_empty() {
            return Err(DomainError::invalid(
                "subjective",
                "an empty note cannot be signed",
            ));
        }
        Ok(Note {
            status: NoteStatus::Signed,
            signed_by: Some(signer),
            signed_at: Some(now),
            ..self
        })
    }

    /// An addendum to a signed note, by any clinician; a draft is changed directly.
    pub fn amend(
        &self,
        author: UserId,
        text: AddendumText,
        now: DateTime<Utc>,
    ) -> Result<Addendum, DomainError> {
        if !self.is_visible_to(author) {
            return Err(NOT_FOUND);
        }
        if !self.is_signed() {
            return Err(DomainError::conflict(
                ErrorCode::NoteNotSigned,
                "a draft is changed directly; addenda are for signed notes",
            ));
        }
        Ok(Addendum {
            id: Uuid::now_v7(),
            author_id: author,
            text,
            created_at: now,
        })
    }

    fn check_changeable_by(&self, author: UserId, expected: Version) -> Result<(), DomainError> {
        // why: another's draft is no note at all to them, whatever they try on it.
        if !self.is_visible_to(author) {
            return Err(NOT_FOUND);
        }
        if self.is_signed() {
            return Err(DomainError::conflict(
                ErrorCode::NoteSigned,
                "a signed note never changes; add an addendum instead",
            ));
        }
        if self.author_id != author {
            return Err(DomainError::Forbidden);
        }
        self.version.expect(expected)
    }
}

const NOT_FOUND: DomainError = DomainError::NotFound { resource: "note" };

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-26T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    fn sections(subjective: &str) -> SoapSections {
        SoapSections::parse(subjective, "", "", "").unwrap()
    }

    fn subject(patient: PatientStanding) -> NoteSubject {
        NoteSubject {
            patient,
            appointment_patient: None,
        }
    }

    fn draft_by(author: UserId, text: &str) -> Note {
        let new = NewNote {
            patient_id: PatientId::generate(),
            appointment_id: None,
            sections: sections(text),
        };
        Note::draft(new, author, subject(PatientStanding::Active), now()).unwrap()
    }

    fn code_of(error: DomainError) -> ErrorCode {
        match error {
            DomainError::Conflict { code, .. } => code,
            other => panic!("expected a conflict, got {other:?}"),
        }
    }

    #[test]
    fn a_note_is_drafted_only_for_an_active_patient() {
        let draft = |standing| {
            let new = NewNote {
                patient_id: PatientId::generate(),
                appointment_id: None,
                sections: sections("cough"),
            };
            Note::draft(new, UserId::generate(), subject(standing), now())
        };
        assert!(matches!(
            draft(PatientStanding::Unknown),
            Err(DomainError::NotFound {
                resource: "patient"
            })
        ));
        assert_eq!(
            code_of(draft(PatientStanding::Archived).unwrap_err()),
            ErrorCode::PatientArchived
        );
    }

    #[test]
    fn a_note_names_only_an_appointment_of_its_patient() {
        let patient = PatientId::generate();
        let new = NewNote {
            patient_id: patient,
            appointment_id: Some(crate::schedule::AppointmentId::generate()),
            sections: sections("cough"),
        };
        let elsewhere = NoteSubject {
            patient: PatientStanding::Active,
            appointment_patient: Some(PatientId::generate()),
        };
        let refused = Note::draft(new.clone(), UserId::generate(), elsewhere, now());
        assert!(
            matches!(refused, Err(DomainError::Invalid(errors)) if errors[0].field == "appointmentId")
        );
        let theirs = NoteSubject {
            patient: PatientStanding::Active,
            appointment_patient: Some(patient),
        };
        let note = Note::draft(new, UserId::generate(), theirs, now()).unwrap();
        assert_eq!(note.status, NoteStatus::Draft);
        assert_eq!(note.version, Version::FIRST);
    }

    #[test]
    fn another_clinicians_draft_is_no_note_at_all_to_them() {
        let author = UserId::generate();
        let other = UserId::generate();
        let note = draft_by(author, "cough");
        let not_found = |result: Result<(), DomainError>| {
            matches!(result, Err(DomainError::NotFound { resource: "note" }))
        };
        assert!(not_found(
            note.clone()
                .revise(other, Version::FIRST, sections("x"))
                .map(drop)
        ));
        assert!(not_found(
            note.clone().sign(other, Version::FIRST, now()).map(drop)
        ));
        let text = AddendumText::parse("x").unwrap();
        assert!(not_found(note.amend(other, text, now()).map(drop)));
        let revised = note
            .revise(author, Version::FIRST, sections("fever"))
            .unwrap();
        assert_eq!(revised.sections.subjective, "fever");
    }

    #[test]
    fn a_stale_revision_is_refused_with_the_current_version() {
        let author = UserId::generate();
        let mut note = draft_by(author, "cough");
        note.version = Version::FIRST.next();
        let refused = note.revise(author, Version::FIRST, sections("x"));
        assert!(matches!(
            refused,
            Err(DomainError::PreconditionFailed { current }) if current == Version::FIRST.next()
        ));
    }

    #[test]
    fn an_empty_note_cannot_be_signed() {
        let author = UserId::generate();
        let note = draft_by(author, "   ");
        assert!(matches!(
            note.sign(author, Version::FIRST, now()),
            Err(DomainError::Invalid(_))
        ));
    }

    #[test]
    fn a_signed_note_never_changes_again() {
        let author = UserId::generate();
        let signed = draft_by(author, "cough")
            .sign(author, Version::FIRST, now())
            .unwrap();
        assert!(signed.is_signed());
        assert_eq!(signed.signed_by, Some(author));
        assert_eq!(signed.signed_at, Some(now()));
        let revise = signed.clone().revise(author, Version::FIRST, sections("x"));
        assert_eq!(code_of(revise.unwrap_err()), ErrorCode::NoteSigned);
        let sign_again = signed.sign(author, Version::FIRST, now());
        assert_eq!(code_of(sign_again.unwrap_err()), ErrorCode::NoteSigned);
    }

    #[test]
    fn addenda_are_for_signed_notes_only_by_any_clinician() {
        let author = UserId::generate();
        let text = AddendumText::parse("correction").unwrap();
        let draft = draft_by(author, "cough");
        let refused = draft.amend(author, text.clone(), now());
        assert_eq!(code_of(refused.unwrap_err()), ErrorCode::NoteNotSigned);
        let signed = draft.sign(author, Version::FIRST, now()).unwrap();
        let colleague = UserId::generate();
        let addendum = signed.amend(colleague, text, now()).unwrap();
        assert_eq!(addendum.author_id, colleague);
        assert_eq!(addendum.text.as_str(), "correction");
    }
}
