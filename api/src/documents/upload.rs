use actix_multipart::Multipart;
use actix_web::http::header::CONTENT_TYPE;
use actix_web::http::StatusCode;
use actix_web::{post, web, HttpRequest, HttpResponse};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use domain::documents::{ContentHash, Document, Documents, FileName, UploadRequest};
use domain::patients::PatientId;
use domain::DomainError;
use futures_util::StreamExt;

use super::dto::{document_response, DocumentBody, FileBytes, UploadQuery};
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
    request_body(content = FileBytes, content_type = "application/octet-stream",
        description = "The file's bytes; or multipart/form-data with title, category and then file"),
    responses(
        (status = 201, description = "Stored", body = DocumentBody, headers(("ETag" = String), ("Location" = String))),
        (status = 400, description = "The content does not match Content-Digest (`digest_mismatch`)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not upload", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Larger than the upload limit", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "A media type outside the allow-list, or content that is not what its type says", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such patient", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The patient is archived (`patient_archived`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid title or category", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/patients/{id}/documents")]
pub async fn upload_document(
    caller: Caller,
    id: web::Path<PatientId>,
    query: web::Query<UploadQuery>,
    request: HttpRequest,
    body: web::Payload,
    documents: web::Data<Documents>,
) -> Result<HttpResponse, ApiError> {
    let body_media_type = request
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or(OCTET_STREAM);
    let declared_media_type = match &query.media_type {
        Some(named) if body_media_type == OCTET_STREAM => named.clone(),
        _ => body_media_type.to_owned(),
    };
    let digest = request
        .headers()
        .get("content-digest")
        .map(|value| parse_content_digest(value.to_str().unwrap_or_default()))
        .transpose()?;
    let patient_id = id.into_inner();
    let document = if declared_media_type.starts_with("multipart/form-data") {
        let form = Form {
            patient_id,
            digest,
            fields: query.into_inner(),
        };
        upload_form(&caller, &request, body, form, &documents).await?
    } else {
        let (title, category) = query.parse()?;
        let upload = UploadRequest {
            patient_id,
            title,
            file_name: query.file_name.as_deref().and_then(FileName::clean),
            category,
            declared_media_type,
            digest,
        };
        documents
            .upload(
                &caller.principal,
                &caller.audit,
                upload,
                body.map(interrupted),
            )
            .await?
    };
    Ok(document_response(StatusCode::CREATED, document))
}

/// The type of a body that names none of its own.
const OCTET_STREAM: &str = "application/octet-stream";

fn interrupted<E: std::fmt::Display>(
    piece: Result<web::Bytes, E>,
) -> Result<web::Bytes, DomainError> {
    piece.map_err(|error| {
        DomainError::internal(anyhow::anyhow!("the upload was interrupted: {error}"))
    })
}

/// What a form upload knows before its file part arrives.
struct Form {
    patient_id: PatientId,
    digest: Option<ContentHash>,
    fields: UploadQuery,
}

/// The most a text field of the upload form may hold.
const FORM_FIELD_LIMIT: usize = 1024;

/// A browser form: `title` and `category` fields (or query parameters), then a `file`
/// field whose part carries the file's type; the file streams like a raw upload.
async fn upload_form(
    caller: &Caller,
    request: &HttpRequest,
    body: web::Payload,
    mut form: Form,
    documents: &Documents,
) -> Result<Document, ApiError> {
    let mut parts = Multipart::new(request.headers(), body);
    let form_error = |message: String| ApiError::BadRequest {
        part: "form",
        message,
    };
    while let Some(field) = parts.next().await {
        let mut field = field.map_err(|error| form_error(error.to_string()))?;
        match field.name().unwrap_or_default() {
            "file" => {
                let (title, category) = form.fields.parse()?;
                let declared_media_type = field.content_type().map_or_else(
                    || "application/octet-stream".to_owned(),
                    ToString::to_string,
                );
                let file_name = field
                    .content_disposition()
                    .and_then(|disposition| disposition.get_filename())
                    .or(form.fields.file_name.as_deref())
                    .and_then(FileName::clean);
                let upload = UploadRequest {
                    patient_id: form.patient_id,
                    title,
                    file_name,
                    category,
                    declared_media_type,
                    digest: form.digest,
                };
                let pieces = field.map(interrupted);
                return Ok(documents
                    .upload(&caller.principal, &caller.audit, upload, pieces)
                    .await?);
            }
            name @ ("title" | "category") => {
                let name = name.to_owned();
                let mut value = Vec::new();
                while let Some(piece) = field.next().await {
                    value.extend_from_slice(&piece.map_err(|error| form_error(error.to_string()))?);
                    if value.len() > FORM_FIELD_LIMIT {
                        return Err(form_error(format!("the {name} field is too long")));
                    }
                }
                let value = String::from_utf8(value)
                    .map_err(|_| form_error(format!("the {name} field is not UTF-8")))?;
                if name == "title" {
                    form.fields.title = Some(value);
                } else {
                    form.fields.category = Some(value);
                }
            }
            other => {
                return Err(form_error(format!(
                    "unexpected field `{other}`; expected title, category, then file"
                )));
            }
        }
    }
    Err(form_error("no `file` field".to_owned()))
}

/// `sha-256=:BASE64:`, possibly among other algorithms (RFC 9530).
pub(crate) fn parse_content_digest(header: &str) -> Result<ContentHash, ApiError> {
    let bad = |message: &str| ApiError::BadRequest {
        part: "Content-Digest header",
        message: message.to_owned(),
    };
    let value = header
        .split(',')
        .find_map(|member| member.trim().strip_prefix("sha-256="))
        .ok_or_else(|| bad("expected sha-256=:base64:"))?;
    let encoded = value
        .trim()
        .strip_prefix(':')
        .and_then(|value| value.strip_suffix(':'))
        .ok_or_else(|| bad("expected sha-256=:base64:"))?;
    let bytes: [u8; 32] = STANDARD
        .decode(encoded)
        .ok()
        .and_then(|bytes| bytes.try_into().ok())
        .ok_or_else(|| bad("the sha-256 value is not 32 base64-encoded bytes"))?;
    Ok(ContentHash::from_digest(bytes))
}
