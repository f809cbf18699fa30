//! The RFC 9457 problem document every error answer carries.

use actix_web::http::StatusCode;
use actix_web::HttpResponse;
use domain::ErrorCode;
use serde::Serialize;
use utoipa::openapi::schema::{ObjectBuilder, Schema, SchemaType, Type};
use utoipa::ToSchema;

pub const PROBLEM_CONTENT_TYPE: &str = "application/problem+json";

/// An RFC 9457 problem: what went wrong, in words and as a stable `code`.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Problem {
    /// A URI naming the kind of problem; `urn:practica:problem:{code}`.
    #[serde(rename = "type")]
    #[schema(example = "urn:practica:problem:malformed_json")]
    pub problem_type: String,
    /// A short summary of the kind of problem.
    #[schema(example = "Malformed JSON")]
    pub title: String,
    /// The HTTP status code.
    #[schema(example = 400)]
    pub status: u16,
    /// What happened on this occurrence, in words a developer can act on.
    pub detail: String,
    /// A stable snake_case code to switch on; never changes for a given kind of problem.
    #[schema(schema_with = error_code_schema)]
    pub code: String,
    /// For validation problems: each rejected field and why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<FieldErrorBody>>,
    /// For `precondition_failed`: the record's current version (also its `ETag`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_version: Option<i64>,
    /// For `appointment_conflict`: the appointment holding the time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conflicting_appointment_id: Option<uuid::Uuid>,
    /// For `allergy_conflict`: each active allergy that warns against the medication.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conflicting_allergies: Option<Vec<ConflictingAllergyBody>>,
    /// For `locked`: who holds the record's lock.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub holder: Option<LockHolderBody>,
    /// For `locked`: since when the holder has held it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub locked_since: Option<chrono::DateTime<chrono::Utc>>,
    /// For readiness problems: the state of each dependency.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub components: Option<Vec<ComponentStatus>>,
}

/// Who holds a record lock: enough to tell a colleague who is editing.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LockHolderBody {
    pub user_id: uuid::Uuid,
    #[schema(example = "Dr Meredith Grey")]
    pub display_name: String,
    pub session_id: uuid::Uuid,
}

impl From<&domain::locks::LockHolder> for LockHolderBody {
    fn from(holder: &domain::locks::LockHolder) -> Self {
        Self {
            user_id: holder.user_id.as_uuid(),
            display_name: holder.display_name.clone(),
            session_id: holder.session_id.as_uuid(),
        }
    }
}

/// An allergy that warns against a medication.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ConflictingAllergyBody {
    pub id: uuid::Uuid,
    pub substance: String,
}

/// One rejected field of a request.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FieldErrorBody {
    /// The field's name as the request spells it, e.g. `birthDate` or `address.city`.
    pub field: String,
    pub message: String,
}

/// One dependency's part in the readiness verdict.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ComponentStatus {
    /// `database` or `redis`.
    pub name: String,
    /// `up`, `down` or `timed_out`.
    pub status: String,
    /// How long the check took, in milliseconds.
    pub latency_ms: u64,
}

impl Problem {
    pub fn new(status: StatusCode, code: ErrorCode, title: &str, detail: String) -> Self {
        Self {
            problem_type: format!("urn:practica:problem:{code}"),
            title: title.to_owned(),
            status: status.as_u16(),
            detail,
            code: code.as_str().to_owned(),
            errors: None,
            current_version: None,
            conflicting_appointment_id: None,
            conflicting_allergies: None,
            holder: None,
            locked_since: None,
            components: None,
        }
    }

    pub fn into_response(self) -> HttpResponse {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        HttpResponse::build(status)
            .content_type(PROBLEM_CONTENT_TYPE)
            .json(self)
    }
}

impl From<&domain::FieldError> for FieldErrorBody {
    fn from(error: &domain::FieldError) -> Self {
        Self {
            field: error.field.clone(),
            message: error.message.clone(),
        }
    }
}

/// Every code a problem can carry, as the contract's enum: the list lives in
/// [`ErrorCode`] alone.
fn error_code_schema() -> Schema {
    let codes: Vec<&str> = ErrorCode::ALL.iter().map(|code| code.as_str()).collect();
    ObjectBuilder::new()
        .schema_type(SchemaType::Type(Type::String))
        .enum_values(Some(codes))
        .description(Some(
            "A stable snake_case code to switch on; never changes for a given kind of problem.",
        ))
        .examples(["malformed_json"])
        .into()
}
