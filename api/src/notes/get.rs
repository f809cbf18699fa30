use actix_web::http::StatusCode;
use actix_web::{get, web, HttpResponse};
use domain::notes::{NoteId, Notes};

use super::dto::{note_response, NoteBody};
use crate::error::{ApiError, Problem};
use crate::http::Caller;

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
) -> Result<HttpResponse, ApiError> {
    let note = notes
        .get(&caller.principal, &caller.audit, id.into_inner())
        .await?;
    Ok(note_response(StatusCode::OK, note))
}
