use actix_web::http::header::CONTENT_TYPE;
use actix_web::http::StatusCode;
use actix_web::{post, web, HttpRequest, HttpResponse};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use domain::documents::{ContentHash, Documents, UploadRequest};
use domain::patients::PatientId;
use domain::DomainError;
use futures_util::StreamExt;
use uuid::Uuid;

use super::dto::{document_response, DocumentBody, UploadQuery};
use crate::error::{ApiError, Problem};
use crate::http::Caller;

/// Upload a document: the body is the file, streamed into the store as it arrives.
#[utoipa::path(
    tag = "documents",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "The patient's id"),
        UploadQuery,
        ("Content-Type" = String, Header, description = "The file's media type, e.g. application/pdf"),
        ("Content-Digest" = Option<String>, Header, description = "Optional `sha-256=:base64:` (RFC 9530), verified"),
    ),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The file's bytes"),
    responses(
        (status = 201, description = "Stored", body = DocumentBody, headers(("ETag" = String), ("Location" = String))),
        (status = 400, description = "The content does not match Content-Digest (`digest_mismatch`)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not upload", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Larger than the upload limit", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "A media type outside the allow-list, or content that is not what its type says", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid title or category, or an unknown patient", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/patients/{id}/documents")]
pub async fn upload_document(
    caller: Caller,
    id: web::Path<Uuid>,
    query: web::Query<UploadQuery>,
    request: HttpRequest,
    body: web::Payload,
    documents: web::Data<Documents>,
) -> Result<HttpResponse, ApiError> {
    let (title, category) = query.parse()?;
    let declared_media_type = request
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("application/octet-stream")
        .to_owned();
    let digest = request
        .headers()
        .get("content-digest")
        .map(|value| parse_content_digest(value.to_str().unwrap_or_default()))
        .transpose()?;
    let upload = UploadRequest {
        patient_id: PatientId::from_uuid(id.into_inner()),
        title,
        category,
        declared_media_type,
        digest,
    };
    let pieces = body.map(|piece| {
        piece.map_err(|error| {
            DomainError::internal(anyhow::anyhow!("the upload was interrupted: {error}"))
        })
    });
    let document = documents
        .upload(&caller.principal, &caller.audit, upload, pieces)
        .await?;
    Ok(document_response(StatusCode::CREATED, document))
}

/// `sha-256=:BASE64:`, possibly among other algorithms (RFC 9530).
fn parse_content_digest(header: &str) -> Result<ContentHash, ApiError> {
    let bad = |message: &str| ApiError::BadRequest {
        part: "Content-Digest header",
        message: message.to_owned(),
    };
    let value = header
        .split(',')
        .find_map(|member| member.trim().strip_prefix("sha-256="))
        .ok_or_else(|| bad("expected sha-256=:base64:"))?;
    let encoded = value.trim().trim_matches(':');
    let bytes: [u8; 32] = STANDARD
        .decode(encoded)
        .ok()
        .and_then(|bytes| bytes.try_into().ok())
        .ok_or_else(|| bad("the sha-256 value is not 32 base64-encoded bytes"))?;
    Ok(ContentHash::from_digest(bytes))
}
