use actix_web::http::StatusCode;
use actix_web::{put, web, HttpResponse};
use domain::notes::{NoteId, Notes};

use super::dto::{note_response, NoteBody, SectionsInput};
use crate::error::{ApiError, Problem};
use crate::http::{Caller, IfMatch, PresentedLock};

/// Replace a draft's sections (its author only), at the version in `If-Match`.
#[utoipa::path(
    tag = "notes",
    security(("bearer" = [])),
    params(
        ("Lock-Token" = Option<uuid::Uuid>, Header, description = "The caller's lock on the record, for a write under a lock (`POST /api/v1/locks`)"),
        ("id" = Uuid, Path, description = "The note's id"),
        ("If-Match" = String, Header, description = "The ETag the change is based on", pattern = "^\"[1-9][0-9]{0,17}\"$"),
    ),
    request_body = SectionsInput,
    responses(
        (status = 200, description = "Revised", body = NoteBody, headers(("ETag" = String))),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a clinician, or not the author", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such note", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The note is signed (`note_signed`): add an addendum instead", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Changed since", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is missing", body = Problem, content_type = "application/problem+json"),
        (status = 423, description = "Another session holds the record's lock (`locked`, naming the holder), or the caller's lock expired or passed to another (`lock_lost`); nothing was written", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[put("/{id}")]
pub async fn revise_note(
    caller: Caller,
    id: web::Path<NoteId>,
    IfMatch(version): IfMatch,
    PresentedLock(lock): PresentedLock,
    body: web::Json<SectionsInput>,
    notes: web::Data<Notes>,
) -> Result<HttpResponse, ApiError> {
    let sections = body.parse()?;
    let note = notes
        .revise(
            &caller.principal,
            &caller.audit,
            id.into_inner(),
            version,
            lock,
            sections,
        )
        .await?;
    Ok(note_response(StatusCode::OK, note))
}
