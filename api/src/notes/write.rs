use actix_web::http::StatusCode;
use actix_web::{post, web, HttpResponse};
use domain::notes::{NewNote, Notes};
use domain::patients::PatientId;
use domain::schedule::AppointmentId;

use super::dto::{note_response, NoteBody, NoteInput};
use crate::error::{ApiError, Problem};
use crate::http::Caller;

/// Start a draft note for a patient.
#[utoipa::path(
    tag = "notes",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "The patient's id"),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry return the first answer instead of writing twice"),
    ),
    request_body = NoteInput,
    responses(
        (status = 201, description = "Drafted", body = NoteBody, headers(("ETag" = String), ("Location" = String))),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a clinician", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such patient", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The patient is archived (`patient_archived`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, or an appointment that is not this patient's", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/patients/{id}/notes")]
pub async fn write_note(
    caller: Caller,
    id: web::Path<PatientId>,
    body: web::Json<NoteInput>,
    notes: web::Data<Notes>,
) -> Result<HttpResponse, ApiError> {
    let note = NewNote {
        patient_id: id.into_inner(),
        appointment_id: body.appointment_id.map(AppointmentId::from_uuid),
        sections: body.sections()?,
    };
    let note = notes.write(&caller.principal, &caller.audit, note).await?;
    Ok(note_response(StatusCode::CREATED, note))
}
