//! Allergies and intolerances: `/api/v1/patients/{id}/allergies` and
//! `/api/v1/allergies/{id}`.

use actix_web::{get, post, put, web, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
use domain::chart::entries::{
    AllergyDetails, AllergyInput, ChartEntries, ChartEntry, ChartEntryId, EntryInput, EntryQuery,
    ReactionInput,
};
use domain::locks::LockGate;
use domain::patients::PatientId;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::common::{self, entry_body};
use crate::chart::problems::dto::CodeBody;
use crate::error::{ApiError, Problem};
use crate::http::{Caller, IfMatch, PageBody, PageQuery, PresentedLock};
use crate::locks::dto::LockBody;

/// A reaction the patient had.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ReactionRequest {
    #[schema(schema_with = crate::http::text_fields::reaction_manifestation)]
    pub manifestation: String,
    #[schema(schema_with = crate::http::text_fields::severity)]
    pub severity: Option<String>,
}

/// An allergy or intolerance as a clinician states it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AllergyRequest {
    #[schema(schema_with = crate::http::text_fields::allergy_substance)]
    pub substance: String,
    #[schema(schema_with = crate::http::text_fields::allergy_code_system)]
    pub code_system: Option<String>,
    #[schema(schema_with = crate::http::text_fields::allergy_code)]
    pub code: Option<String>,
    #[schema(schema_with = crate::http::text_fields::allergy_category)]
    pub category: String,
    #[schema(schema_with = crate::http::text_fields::criticality)]
    pub criticality: Option<String>,
    /// At most 20.
    #[schema(max_items = 20)]
    pub reactions: Option<Vec<ReactionRequest>>,
    /// When it began; not in the future.
    #[schema(value_type = Option<String>, format = Date, example = "2015-06-01")]
    pub onset: Option<String>,
    #[schema(schema_with = crate::http::text_fields::allergy_status)]
    pub status: Option<String>,
    #[schema(schema_with = crate::http::text_fields::allergy_notes)]
    pub notes: Option<String>,
}

impl From<AllergyRequest> for EntryInput {
    fn from(request: AllergyRequest) -> Self {
        EntryInput::Allergy(AllergyInput {
            substance: request.substance,
            code_system: request.code_system,
            code: request.code,
            category: request.category,
            criticality: request.criticality,
            reactions: request
                .reactions
                .unwrap_or_default()
                .into_iter()
                .map(|reaction| ReactionInput {
                    manifestation: reaction.manifestation,
                    severity: reaction.severity,
                })
                .collect(),
            onset: request.onset,
            status: request.status,
            notes: request.notes,
        })
    }
}

/// A reaction, as recorded.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReactionBody {
    pub manifestation: String,
    /// `mild`, `moderate` or `severe`.
    pub severity: Option<&'static str>,
}

/// An allergy or intolerance on a patient's list.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AllergyBody {
    pub id: Uuid,
    pub patient_id: Uuid,
    pub substance: String,
    pub code: Option<CodeBody>,
    /// `medication`, `food`, `environment` or `biologic`.
    pub category: &'static str,
    /// `low`, `high` or `unable_to_assess`.
    pub criticality: Option<&'static str>,
    pub reactions: Vec<ReactionBody>,
    pub onset: Option<NaiveDate>,
    /// `active`, `inactive`, `resolved` or `entered_in_error`.
    pub status: &'static str,
    pub notes: String,
    pub recorded_by: Uuid,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Who is editing the record, when someone holds its lock (only on a single record's `GET`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lock: Option<LockBody>,
}

impl AllergyBody {
    pub fn new(entry: &ChartEntry, allergy: AllergyDetails) -> Self {
        Self {
            id: entry.id.as_uuid(),
            patient_id: entry.patient_id.as_uuid(),
            substance: allergy.substance,
            code: allergy.code.map(CodeBody::from),
            category: allergy.category.as_str(),
            criticality: allergy.criticality.map(|criticality| criticality.as_str()),
            reactions: allergy
                .reactions
                .into_iter()
                .map(|reaction| ReactionBody {
                    manifestation: reaction.manifestation,
                    severity: reaction.severity.map(|severity| severity.as_str()),
                })
                .collect(),
            onset: allergy.onset,
            status: allergy.status.as_str(),
            notes: allergy.notes,
            recorded_by: entry.recorded_by.as_uuid(),
            version: entry.version.get(),
            created_at: entry.created_at,
            updated_at: entry.updated_at,
            lock: None,
        }
    }
}

entry_body!(AllergyBody, Allergy);

/// Add an allergy or intolerance to a patient's list.
#[utoipa::path(
    tag = "allergies",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "The patient's id"),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry return the first answer instead of writing twice"),
    ),
    request_body = AllergyRequest,
    responses(
        (status = 201, description = "Recorded; an active allergy withdraws the patient's \"no known allergies\" statement", body = AllergyBody, headers(("ETag" = String), ("Location" = String))),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a clinician", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such patient", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The patient is archived (`patient_archived`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields: a code that does not fit its system, an onset in the future", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/patients/{id}/allergies")]
pub async fn record_allergy(
    caller: Caller,
    id: web::Path<PatientId>,
    body: web::Json<AllergyRequest>,
    entries: web::Data<ChartEntries>,
) -> Result<HttpResponse, ApiError> {
    common::record::<AllergyBody>(&caller, id.into_inner(), body.into_inner().into(), &entries)
        .await
}

/// A patient's allergies and intolerances, oldest first, entries entered in error
/// included (marked). Whether the patient has none is
/// `GET /api/v1/patients/{id}/allergies/none`.
#[utoipa::path(
    tag = "allergies",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The patient's id"), PageQuery),
    responses(
        (status = 200, description = "A page of allergies", body = PageBody<AllergyBody>),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a clinician", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such patient", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/patients/{id}/allergies")]
pub async fn list_allergies(
    caller: Caller,
    id: web::Path<PatientId>,
    query: web::Query<PageQuery>,
    entries: web::Data<ChartEntries>,
) -> Result<web::Json<PageBody<AllergyBody>>, ApiError> {
    let query = EntryQuery {
        page: query.parse()?,
        since: None,
    };
    common::list(&caller, id.into_inner(), query, &entries).await
}

/// One allergy with its `ETag`.
#[utoipa::path(
    tag = "allergies",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The allergy's id")),
    responses(
        (status = 200, description = "The allergy", body = AllergyBody, headers(("ETag" = String))),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a clinician", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such allergy", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/allergies/{id}")]
pub async fn get_allergy(
    caller: Caller,
    id: web::Path<ChartEntryId>,
    entries: web::Data<ChartEntries>,
    locks: web::Data<LockGate>,
) -> Result<HttpResponse, ApiError> {
    common::get::<AllergyBody>(&caller, id.into_inner(), &entries, &locks).await
}

/// Replace what is stated about an allergy, at the version in `If-Match`: a status
/// change, or `entered_in_error` for an entry made by mistake.
#[utoipa::path(
    tag = "allergies",
    security(("bearer" = [])),
    params(
        ("Lock-Token" = Option<uuid::Uuid>, Header, description = "The caller's lock on the record, for a write under a lock (`POST /api/v1/locks`)"),
        ("id" = Uuid, Path, description = "The allergy's id"),
        ("If-Match" = String, Header, description = "The ETag the change is based on", pattern = "^\"[1-9][0-9]{0,17}\"$"),
    ),
    request_body = AllergyRequest,
    responses(
        (status = 200, description = "Revised", body = AllergyBody, headers(("ETag" = String))),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a clinician", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such allergy", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The entry was marked entered in error and no longer changes (`invalid_transition`)", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Changed since", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
        (status = 423, description = "Another session holds the record's lock (`locked`, naming the holder), or the caller's lock expired or passed to another (`lock_lost`); nothing was written", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is missing", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[put("/allergies/{id}")]
pub async fn revise_allergy(
    caller: Caller,
    id: web::Path<ChartEntryId>,
    IfMatch(version): IfMatch,
    PresentedLock(lock): PresentedLock,
    body: web::Json<AllergyRequest>,
    entries: web::Data<ChartEntries>,
) -> Result<HttpResponse, ApiError> {
    common::revise::<AllergyBody>(
        &caller,
        id.into_inner(),
        version,
        lock,
        body.into_inner().into(),
        &entries,
    )
    .await
}
