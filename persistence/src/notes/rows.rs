//! Notes and addenda to and from their rows.

use domain::auth::UserId;
use domain::locks::FencingToken;
use domain::notes::{Addendum, AddendumText, Note, NoteId, NoteStatus, SoapSections};
use domain::patients::PatientId;
use domain::schedule::AppointmentId;
use domain::Version;
use sea_orm::ActiveValue;

use super::entities::{addenda, notes};
use crate::error::{corrupt, StoreResult};

pub(super) fn note_row(note: &Note) -> notes::Model {
    notes::Model {
        id: note.id.as_uuid(),
        patient_id: note.patient_id.as_uuid(),
        author_id: note.author_id.as_uuid(),
        appointment_id: note.appointment_id.map(AppointmentId::as_uuid),
        subjective: note.sections.subjective.clone(),
        objective: note.sections.objective.clone(),
        assessment: note.sections.assessment.clone(),
        plan: note.sections.plan.clone(),
        status: note.status.as_str().to_owned(),
        signed_by: note.signed_by.map(UserId::as_uuid),
        signed_at: note.signed_at,
        version: note.version.get(),
        fence: None,
        created_at: note.created_at,
        updated_at: note.updated_at,
    }
}

pub(super) fn addendum_row(
    note: NoteId,
    addendum: &Addendum,
    fence: Option<FencingToken>,
) -> addenda::ActiveModel {
    addenda::ActiveModel {
        id: ActiveValue::Set(addendum.id),
        note_id: ActiveValue::Set(note.as_uuid()),
        author_id: ActiveValue::Set(addendum.author_id.as_uuid()),
        text: ActiveValue::Set(addendum.text.as_str().to_owned()),
        created_at: ActiveValue::Set(addendum.created_at),
        fence: ActiveValue::Set(fence.map(FencingToken::get)),
    }
}

pub(super) fn to_note(row: notes::Model, addenda: Vec<addenda::Model>) -> StoreResult<Note> {
    let id = row.id;
    let corrupt = |what: &str, why: String| corrupt("note", id, what, why);
    let addenda = addenda
        .into_iter()
        .map(|addendum| {
            Ok(Addendum {
                id: addendum.id,
                author_id: UserId::from_uuid(addendum.author_id),
                text: AddendumText::parse(&addendum.text).map_err(|e| corrupt("addendum", e))?,
                created_at: addendum.created_at,
            })
        })
        .collect::<StoreResult<Vec<_>>>()?;
    Ok(Note {
        id: NoteId::from_uuid(row.id),
        patient_id: PatientId::from_uuid(row.patient_id),
        author_id: UserId::from_uuid(row.author_id),
        appointment_id: row.appointment_id.map(AppointmentId::from_uuid),
        sections: SoapSections {
            subjective: row.subjective,
            objective: row.objective,
            assessment: row.assessment,
            plan: row.plan,
        },
        status: NoteStatus::parse(&row.status).map_err(|e| corrupt("status", e))?,
        signed_by: row.signed_by.map(UserId::from_uuid),
        signed_at: row.signed_at,
        addenda,
        version: Version::new(row.version)
            .ok_or_else(|| corrupt("version", row.version.to_string()))?,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}
