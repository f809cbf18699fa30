use actix_web::{delete, web, HttpResponse};
use domain::documents::{DocumentId, Documents};

use crate::error::{ApiError, Problem};
use crate::http::{Caller, IfMatch, PresentedLock};

/// Delete a document (a soft delete: the record stays, found by nothing), at the
/// version in `If-Match`.
#[utoipa::path(
    tag = "documents",
    security(("bearer" = [])),
    params(
        ("Lock-Token" = Option<uuid::Uuid>, Header, description = "The caller's lock on the record, for a write under a lock (`POST /api/v1/locks`)"),
        ("id" = Uuid, Path, description = "The document's id"),
        ("If-Match" = String, Header, description = "The ETag the deletion is based on", pattern = "^\"[1-9][0-9]{0,17}\"$"),
    ),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not delete documents", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such document", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Changed since", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is missing", body = Problem, content_type = "application/problem+json"),
        (status = 423, description = "Another session holds the record's lock (`locked`, naming the holder), or the caller's lock expired or passed to another (`lock_lost`); nothing was written", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[delete("/{id}")]
pub async fn delete_document(
    caller: Caller,
    id: web::Path<DocumentId>,
    IfMatch(version): IfMatch,
    PresentedLock(lock): PresentedLock,
    documents: web::Data<Documents>,
) -> Result<HttpResponse, ApiError> {
    documents
        .delete(
            &caller.principal,
            &caller.audit,
            id.into_inner(),
            version,
            lock,
        )
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
