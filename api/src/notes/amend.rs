use actix_web::http::StatusCode;
use actix_web::{post, web, HttpResponse};
use domain::notes::{AddendumText, NoteId, Notes};
use domain::DomainError;

use super::dto::{note_response, AddendumInput, NoteBody};
use crate::error::{ApiError, Problem};
use crate::http::{Caller, PresentedLock};

/// Append an addendum to a signed note: the way to correct it.
#[utoipa::path(
    tag = "notes",
    security(("bearer" = [])),
    params(
        ("Lock-Token" = Option<uuid::Uuid>, Header, description = "The caller's lock on the record, for a write under a lock (`POST /api/v1/locks`)"),
        ("id" = Uuid, Path, description = "The note's id"),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry return the first answer instead of appending twice"),
    ),
    request_body = AddendumInput,
    responses(
        (status = 201, description = "Appended; the note with all its addenda", body = NoteBody, headers(("ETag" = String))),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a clinician", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such note", body = Problem, content_type = "application/problem+json"),
        (status = 423, description = "Another session holds the record's lock (`locked`, naming the holder), or the caller's lock expired or passed to another (`lock_lost`); nothing was written", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The note is a draft (`note_not_signed`): change it directly", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Empty or oversized text", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/{id}/addenda")]
pub async fn add_addendum(
    caller: Caller,
    id: web::Path<NoteId>,
    PresentedLock(lock): PresentedLock,
    body: web::Json<AddendumInput>,
    notes: web::Data<Notes>,
) -> Result<HttpResponse, ApiError> {
    let text =
        AddendumText::parse(&body.text).map_err(|message| DomainError::invalid("text", message))?;
    let note = notes
        .amend(
            &caller.principal,
            &caller.audit,
            id.into_inner(),
            lock,
            text,
        )
        .await?;
    let mut response = note_response(StatusCode::CREATED, note);
    response
        .headers_mut()
        .remove(actix_web::http::header::LOCATION);
    Ok(response)
}
