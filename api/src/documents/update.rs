use actix_web::http::StatusCode;
use actix_web::{patch, web, HttpResponse};
use domain::documents::{DocumentId, Documents};

use super::dto::{document_response, DocumentBody, DocumentPatch};
use crate::error::{ApiError, Problem};
use crate::http::{Caller, IfMatch, PresentedLock};

/// Retitle or recategorise a document, at the version in `If-Match`.
#[utoipa::path(
    tag = "documents",
    security(("bearer" = [])),
    params(
        ("Lock-Token" = Option<uuid::Uuid>, Header, description = "The caller's lock on the record, for a write under a lock (`POST /api/v1/locks`)"),
        ("id" = Uuid, Path, description = "The document's id"),
        ("If-Match" = String, Header, description = "The ETag the change is based on", pattern = "^\"[1-9][0-9]{0,17}\"$"),
    ),
    request_body = DocumentPatch,
    responses(
        (status = 200, description = "Changed", body = DocumentBody, headers(("ETag" = String))),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not change documents", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such document", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Changed since", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is missing", body = Problem, content_type = "application/problem+json"),
        (status = 423, description = "Another session holds the record's lock (`locked`, naming the holder), or the caller's lock expired or passed to another (`lock_lost`); nothing was written", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[patch("/{id}")]
pub async fn update_document(
    caller: Caller,
    id: web::Path<DocumentId>,
    IfMatch(version): IfMatch,
    PresentedLock(lock): PresentedLock,
    body: web::Json<DocumentPatch>,
    documents: web::Data<Documents>,
) -> Result<HttpResponse, ApiError> {
    let changes = body.parse()?;
    let document = documents
        .update(
            &caller.principal,
            &caller.audit,
            id.into_inner(),
            version,
            lock,
            changes,
        )
        .await?;
    Ok(document_response(StatusCode::OK, document))
}
