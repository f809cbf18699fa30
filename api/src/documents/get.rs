use actix_web::{get, web, HttpResponse};
use domain::documents::{DocumentId, Documents};
use domain::locks::{LockGate, LockedResource};

use super::dto::DocumentBody;
use crate::error::{ApiError, Problem};
use crate::http::{versioned_ok, Caller};
use crate::locks::dto::shown_to;

/// A document's record, with its `ETag`.
#[utoipa::path(
    tag = "documents",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The document's id")),
    responses(
        (status = 200, description = "The document", body = DocumentBody, headers(("ETag" = String))),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not see documents", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such document", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/{id}")]
pub async fn get_document(
    caller: Caller,
    id: web::Path<DocumentId>,
    documents: web::Data<Documents>,
    locks: web::Data<LockGate>,
) -> Result<HttpResponse, ApiError> {
    let document = documents
        .get(&caller.principal, &caller.audit, id.into_inner())
        .await?;
    let lock = locks
        .shown_holder(LockedResource::Document(document.id))
        .await?;
    let version = document.version;
    let mut body = DocumentBody::from(document);
    body.lock = shown_to(lock, caller.principal.session_id);
    Ok(versioned_ok(version, body))
}
