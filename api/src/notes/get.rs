use actix_web::{get, web, HttpResponse};
use domain::locks::{LockGate, LockedResource};
use domain::notes::{NoteId, Notes};

use super::dto::NoteBody;
use crate::error::{ApiError, Problem};
use crate::http::{versioned_ok, Caller};
use crate::locks::dto::shown_to;

/// One note with its addenda and `ETag`.
#[utoipa::path(
    tag = "notes",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The note's id")),
    responses(
        (status = 200, description = "The note", body = NoteBody, headers(("ETag" = String))),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a clinician", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such note", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/{id}")]
pub async fn get_note(
    caller: Caller,
    id: web::Path<NoteId>,
    notes: web::Data<Notes>,
    locks: web::Data<LockGate>,
) -> Result<HttpResponse, ApiError> {
    let note = notes
        .get(&caller.principal, &caller.audit, id.into_inner())
        .await?;
    let lock = locks.shown_holder(LockedResource::Note(note.id)).await?;
    let version = note.version;
    let mut body = NoteBody::from(note);
    body.lock = shown_to(lock, caller.principal.session_id);
    Ok(versioned_ok(version, body))
}
