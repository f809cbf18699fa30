use actix_web::{get, web};
use domain::documents::Documents;
use domain::patients::PatientId;

use super::dto::DocumentBody;
use crate::error::{ApiError, Problem};
use crate::http::{Caller, PageBody, PageQuery};

/// A patient's documents, oldest first (deleted ones left out).
#[utoipa::path(
    tag = "documents",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The patient's id"), PageQuery),
    responses(
        (status = 200, description = "A page of documents", body = PageBody<DocumentBody>),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not see documents", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/patients/{id}/documents")]
pub async fn list_documents(
    caller: Caller,
    id: web::Path<PatientId>,
    query: web::Query<PageQuery>,
    documents: web::Data<Documents>,
) -> Result<web::Json<PageBody<DocumentBody>>, ApiError> {
    let page = documents
        .list(
            &caller.principal,
            &caller.audit,
            id.into_inner(),
            query.parse()?,
        )
        .await?;
    Ok(web::Json(PageBody::from_page(page, DocumentBody::from)))
}
