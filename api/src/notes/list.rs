use actix_web::{get, web};
use domain::notes::Notes;
use domain::patients::PatientId;

use super::dto::NoteBody;
use crate::error::{ApiError, Problem};
use crate::http::{Caller, PageBody, PageQuery};

/// A patient's notes, oldest first, with their addenda.
#[utoipa::path(
    tag = "notes",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The patient's id"), PageQuery),
    responses(
        (status = 200, description = "A page of notes", body = PageBody<NoteBody>),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a clinician", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/patients/{id}/notes")]
pub async fn list_notes(
    caller: Caller,
    id: web::Path<PatientId>,
    query: web::Query<PageQuery>,
    notes: web::Data<Notes>,
) -> Result<web::Json<PageBody<NoteBody>>, ApiError> {
    let page = notes
        .list(
            &caller.principal,
            &caller.audit,
            id.into_inner(),
            query.parse()?,
        )
        .await?;
    Ok(web::Json(PageBody::from_page(page, NoteBody::from)))
}
