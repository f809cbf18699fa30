use actix_web::http::header::{ETAG, LOCATION};
use actix_web::http::StatusCode;
use actix_web::HttpResponse;
use chrono::{DateTime, Utc};
use domain::notes::{Note, SoapSections};
use domain::{DomainError, FieldError};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::http::etag;

/// The SOAP sections of a note; each up to 20 000 characters, empty while drafting.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SectionsInput {
    #[serde(default)]
    #[schema(schema_with = crate::http::text_fields::note_section)]
    pub subjective: String,
    #[serde(default)]
    #[schema(schema_with = crate::http::text_fields::note_section)]
    pub objective: String,
    #[serde(default)]
    #[schema(schema_with = crate::http::text_fields::note_section)]
    pub assessment: String,
    #[serde(default)]
    #[schema(schema_with = crate::http::text_fields::note_section)]
    pub plan: String,
}

impl SectionsInput {
    pub fn parse(&self) -> Result<SoapSections, DomainError> {
        SoapSections::parse(
            &self.subjective,
            &self.objective,
            &self.assessment,
            &self.plan,
        )
        .map_err(|errors| {
            DomainError::Invalid(
                errors
                    .into_iter()
                    .map(|(field, message)| FieldError::new(field, message))
                    .collect(),
            )
        })
    }
}

/// A new draft note, optionally for one of the patient's appointments.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct NoteInput {
    pub appointment_id: Option<Uuid>,
    #[serde(default)]
    #[schema(schema_with = crate::http::text_fields::note_section)]
    pub subjective: String,
    #[serde(default)]
    #[schema(schema_with = crate::http::text_fields::note_section)]
    pub objective: String,
    #[serde(default)]
    #[schema(schema_with = crate::http::text_fields::note_section)]
    pub assessment: String,
    #[serde(default)]
    #[schema(schema_with = crate::http::text_fields::note_section)]
    pub plan: String,
}

impl NoteInput {
    pub fn sections(&self) -> Result<SoapSections, DomainError> {
        SectionsInput {
            subjective: self.subjective.clone(),
            objective: self.objective.clone(),
            assessment: self.assessment.clone(),
            plan: self.plan.clone(),
        }
        .parse()
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddendumInput {
    #[schema(schema_with = crate::http::text_fields::addendum_text)]
    pub text: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AddendumBody {
    pub id: Uuid,
    pub author_id: Uuid,
    pub text: String,
    pub created_at: DateTime<Utc>,
}

/// A clinical note with its addenda.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NoteBody {
    pub id: Uuid,
    pub patient_id: Uuid,
    pub author_id: Uuid,
    pub appointment_id: Option<Uuid>,
    pub subjective: String,
    pub objective: String,
    pub assessment: String,
    pub plan: String,
    /// `draft` or `signed`; a signed note never changes.
    #[schema(example = "draft")]
    pub status: &'static str,
    pub signed_by: Option<Uuid>,
    pub signed_at: Option<DateTime<Utc>>,
    /// Oldest first; only signed notes have them.
    pub addenda: Vec<AddendumBody>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Who is editing the record, when someone holds its lock (only on a single record's `GET`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lock: Option<crate::locks::dto::LockBody>,
}

impl From<Note> for NoteBody {
    fn from(note: Note) -> Self {
        Self {
            id: note.id.as_uuid(),
            patient_id: note.patient_id.as_uuid(),
            author_id: note.author_id.as_uuid(),
            appointment_id: note.appointment_id.map(|id| id.as_uuid()),
            subjective: note.sections.subjective,
            objective: note.sections.objective,
            assessment: note.sections.assessment,
            plan: note.sections.plan,
            status: note.status.as_str(),
            signed_by: note.signed_by.map(|id| id.as_uuid()),
            signed_at: note.signed_at,
            addenda: note
                .addenda
                .into_iter()
                .map(|addendum| AddendumBody {
                    id: addendum.id,
                    author_id: addendum.author_id.as_uuid(),
                    text: addendum.text.as_str().to_owned(),
                    created_at: addendum.created_at,
                })
                .collect(),
            version: note.version.get(),
            created_at: note.created_at,
            updated_at: note.updated_at,
            lock: None,
        }
    }
}

pub fn note_response(status: StatusCode, note: Note) -> HttpResponse {
    let mut response = HttpResponse::build(status);
    response.insert_header((ETAG, etag(note.version)));
    if status == StatusCode::CREATED {
        response.insert_header((LOCATION, format!("/api/v1/notes/{}", note.id.as_uuid())));
    }
    response.json(NoteBody::from(note))
}
