use actix_web::http::header::ETAG;
use actix_web::http::StatusCode;
use actix_web::HttpResponse;
use chrono::{DateTime, Utc};
use domain::documents::{Category, Document, DocumentChanges, Title};
use domain::error::FieldErrors;
use domain::DomainError;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::http::etag;

/// What kind of paper a document is.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CategoryCode {
    Lab,
    Imaging,
    Referral,
    Consent,
    Correspondence,
    Scanned,
    Other,
}

/// A file's bytes, as a request body: in the contract, a binary string (what a typed
/// client sends as a Blob, a Buffer or a string), not an array of numbers.
pub struct FileBytes;

impl utoipa::PartialSchema for FileBytes {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(
                utoipa::openapi::KnownFormat::Binary,
            )))
            .into()
    }
}

impl ToSchema for FileBytes {}

/// `?title=&category=&mediaType=` of a raw upload (a `multipart/form-data` upload may
/// send title and category as form fields before the `file` field instead).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct UploadQuery {
    #[param(schema_with = crate::http::text_fields::optional_title)]
    pub title: Option<String>,
    #[param(value_type = Option<CategoryCode>)]
    pub category: Option<String>,
    /// The file's media type, e.g. `application/pdf`, for a body sent as
    /// `application/octet-stream` (as some generated clients must); otherwise the body's
    /// own `Content-Type` says it.
    #[serde(rename = "mediaType")]
    #[param(rename = "mediaType")]
    pub media_type: Option<String>,
    /// The file's name on the uploader's machine, e.g. `referral.pdf` (a form upload's
    /// file part names it itself); downloads go by it. Directories, control and
    /// bidirectional characters and quotes are left out of it.
    #[serde(rename = "fileName")]
    #[param(rename = "fileName", max_length = 1024)]
    pub file_name: Option<String>,
}

impl UploadQuery {
    pub fn parse(&self) -> Result<(Title, Category), DomainError> {
        let mut errors = FieldErrors::default();
        let required =
            |value: &Option<String>| value.clone().ok_or_else(|| "is required".to_owned());
        let title = errors.take(
            "title",
            required(&self.title).and_then(|raw| Title::parse(&raw)),
        );
        let category = errors.take(
            "category",
            required(&self.category).and_then(|raw| Category::parse(&raw)),
        );
        errors.into_result()?;
        match (title, category) {
            (Some(title), Some(category)) => Ok((title, category)),
            _ => Err(DomainError::internal(anyhow::anyhow!(
                "parsed upload fields went missing"
            ))),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DocumentPatch {
    #[schema(schema_with = crate::http::text_fields::optional_title)]
    pub title: Option<String>,
    #[schema(value_type = Option<CategoryCode>)]
    pub category: Option<String>,
}

impl DocumentPatch {
    pub fn parse(&self) -> Result<DocumentChanges, DomainError> {
        let mut errors = FieldErrors::default();
        let title = self
            .title
            .as_deref()
            .and_then(|raw| errors.take("title", Title::parse(raw)));
        let category = self
            .category
            .as_deref()
            .and_then(|raw| errors.take("category", Category::parse(raw)));
        errors.into_result()?;
        Ok(DocumentChanges { title, category })
    }
}

/// A document's record; its bytes are at `/api/v1/documents/{id}/content`.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DocumentBody {
    pub id: Uuid,
    pub patient_id: Uuid,
    pub title: String,
    /// The uploaded file's name, cleaned (directories, control and bidirectional
    /// characters left out); `null` when none was given. Downloads go by it, or else
    /// by the title with the type's extension.
    #[schema(example = "referral.pdf")]
    pub file_name: Option<String>,
    #[schema(value_type = CategoryCode)]
    pub category: &'static str,
    #[schema(example = "application/pdf")]
    pub media_type: String,
    pub size: u64,
    /// SHA-256 of the content, lower-case hex; the content's ETag.
    pub sha256: String,
    pub uploaded_by: Uuid,
    pub uploaded_at: DateTime<Utc>,
    pub version: i64,
    pub updated_at: DateTime<Utc>,
    /// Who is editing the record, when someone holds its lock (only on a single record's `GET`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lock: Option<crate::locks::dto::LockBody>,
}

impl From<Document> for DocumentBody {
    fn from(document: Document) -> Self {
        Self {
            id: document.id.as_uuid(),
            patient_id: document.patient_id.as_uuid(),
            title: document.title.as_str().to_owned(),
            file_name: document
                .file_name
                .as_ref()
                .map(|name| name.as_str().to_owned()),
            category: document.category.as_str(),
            media_type: document.media_type,
            size: document.size,
            sha256: document.sha256.as_str().to_owned(),
            uploaded_by: document.uploaded_by.as_uuid(),
            uploaded_at: document.uploaded_at,
            version: document.version.get(),
            updated_at: document.updated_at,
            lock: None,
        }
    }
}

pub fn document_response(status: StatusCode, document: Document) -> HttpResponse {
    let mut response = HttpResponse::build(status);
    response.insert_header((ETAG, etag(document.version)));
    if status == StatusCode::CREATED {
        response.insert_header((
            actix_web::http::header::LOCATION,
            format!("/api/v1/documents/{}", document.id.as_uuid()),
        ));
    }
    response.json(DocumentBody::from(document))
}
