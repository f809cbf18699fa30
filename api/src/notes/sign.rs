use actix_web::http::StatusCode;
use actix_web::{post, web, HttpResponse};
use domain::notes::{NoteId, Notes};

use super::dto::{note_response, NoteBody};
use crate::error::{ApiError, Problem};
use crate::http::{Caller, IfMatch, PresentedLock};

/// Sign a draft (its author only). A signed note never changes again.
#[utoipa::path(
    tag = "notes",
    security(("bearer" = [])),
    params(
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry return the first answer"),
        ("Lock-Token" = Option<uuid::Uuid>, Header, description = "The caller's lock on the record, for a write under a lock (`POST /api/v1/locks`)"),
        ("id" = Uuid, Path, description = "The note's id"),
        ("If-Match" = String, Header, description = "The ETag of the draft being signed", pattern = "^\"[1-9][0-9]{0,17}\"$"),
    ),
    responses(
        (status = 200, description = "Signed", body = NoteBody, headers(("ETag" = String))),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a clinician, or not the author", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such note", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already signed (`note_signed`)", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Changed since", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "An empty note", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is missing", body = Problem, content_type = "application/problem+json"),
        (status = 423, description = "Another session holds the record's lock (`locked`, naming the holder), or the caller's lock expired or passed to another (`lock_lost`); nothing was written", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/{id}/sign")]
pub async fn sign_note(
    caller: Caller,
    id: web::Path<NoteId>,
    IfMatch(version): IfMatch,
    PresentedLock(lock): PresentedLock,
    notes: web::Data<Notes>,
) -> Result<HttpResponse, ApiError> {
    let note = notes
        .sign(
            &caller.principal,
            &caller.audit,
            id.into_inner(),
            version,
            lock,
        )
        .await?;
    Ok(note_response(StatusCode::OK, note))
}
