//! Immunizations: `/api/v1/patients/{id}/immunizations` and `/api/v1/immunizations/{id}`.

use actix_web::{get, post, put, web, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
use domain::chart::entries::{
    ChartEntries, ChartEntry, ChartEntryId, EntryInput, EntryQuery, ImmunizationDetails,
    ImmunizationInput,
};
use domain::locks::LockGate;
use domain::patients::PatientId;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::common::{self, entry_body};
use crate::error::{ApiError, Problem};
use crate::http::{Caller, IfMatch, PageBody, PageQuery, PresentedLock};
use crate::locks::dto::LockBody;

/// A vaccination as a clinician records it: given (`completed`), or not given
/// (`not_done`, with the reason).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ImmunizationRequest {
    #[schema(schema_with = crate::http::text_fields::immunization_vaccine)]
    pub vaccine: String,
    /// The vaccine's CDC CVX code (up to 4 digits).
    #[schema(value_type = Option<String>, pattern = "^[0-9]{1,4}$", example = "141")]
    pub cvx_code: Option<String>,
    /// When it was given (or decided against); not in the future.
    #[schema(value_type = String, format = Date, example = "2026-10-01")]
    pub date: String,
    #[schema(schema_with = crate::http::text_fields::lot_number)]
    pub lot_number: Option<String>,
    #[schema(schema_with = crate::http::text_fields::immunization_site)]
    pub site: Option<String>,
    #[schema(schema_with = crate::http::text_fields::immunization_route)]
    pub route: Option<String>,
    /// Which dose of the series, 1 to 20.
    #[schema(minimum = 1, maximum = 20, example = 1)]
    pub dose_number: Option<i64>,
    #[schema(schema_with = crate::http::text_fields::performer)]
    pub performer: Option<String>,
    #[schema(schema_with = crate::http::text_fields::immunization_status)]
    pub status: Option<String>,
    #[schema(schema_with = crate::http::text_fields::status_reason)]
    pub status_reason: Option<String>,
    #[schema(schema_with = crate::http::text_fields::immunization_notes)]
    pub notes: Option<String>,
}

impl From<ImmunizationRequest> for EntryInput {
    fn from(request: ImmunizationRequest) -> Self {
        EntryInput::Immunization(ImmunizationInput {
            vaccine: request.vaccine,
            cvx_code: request.cvx_code,
            date: request.date,
            lot_number: request.lot_number,
            site: request.site,
            route: request.route,
            dose_number: request.dose_number,
            performer: request.performer,
            status: request.status,
            status_reason: request.status_reason,
            notes: request.notes,
        })
    }
}

/// An immunization on a patient's record.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ImmunizationBody {
    pub id: Uuid,
    pub patient_id: Uuid,
    pub vaccine: String,
    pub cvx_code: Option<String>,
    pub date: NaiveDate,
    pub lot_number: String,
    pub site: String,
    pub route: String,
    pub dose_number: Option<u16>,
    pub performer: String,
    /// `completed`, `not_done` or `entered_in_error`.
    pub status: &'static str,
    pub status_reason: String,
    pub notes: String,
    pub recorded_by: Uuid,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Who is editing the record, when someone holds its lock (only on a single record's `GET`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lock: Option<LockBody>,
}

impl ImmunizationBody {
    pub fn new(entry: &ChartEntry, immunization: ImmunizationDetails) -> Self {
        Self {
            id: entry.id.as_uuid(),
            patient_id: entry.patient_id.as_uuid(),
            vaccine: immunization.vaccine,
            cvx_code: immunization.code.map(|code| code.code().to_owned()),
            date: immunization.date,
            lot_number: immunization.lot_number,
            site: immunization.site,
            route: immunization.route,
            dose_number: immunization.dose_number,
            performer: immunization.performer,
            status: immunization.status.as_str(),
            status_reason: immunization.status_reason,
            notes: immunization.notes,
            recorded_by: entry.recorded_by.as_uuid(),
            version: entry.version.get(),
            created_at: entry.created_at,
            updated_at: entry.updated_at,
            lock: None,
        }
    }
}

entry_body!(ImmunizationBody, Immunization);

/// Record an immunization, given or not.
#[utoipa::path(
    tag = "immunizations",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "The patient's id"),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry return the first answer instead of writing twice"),
    ),
    request_body = ImmunizationRequest,
    responses(
        (status = 201, description = "Recorded", body = ImmunizationBody, headers(("ETag" = String), ("Location" = String))),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a clinician", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such patient", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The patient is archived (`patient_archived`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields: a date in the future, a reason without `not_done` or `not_done` without one", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/patients/{id}/immunizations")]
pub async fn record_immunization(
    caller: Caller,
    id: web::Path<PatientId>,
    body: web::Json<ImmunizationRequest>,
    entries: web::Data<ChartEntries>,
) -> Result<HttpResponse, ApiError> {
    common::record::<ImmunizationBody>(&caller, id.into_inner(), body.into_inner().into(), &entries)
        .await
}

/// A patient's immunizations, the most recently given first, entries entered in error
/// included (marked).
#[utoipa::path(
    tag = "immunizations",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The patient's id"), PageQuery),
    responses(
        (status = 200, description = "A page of immunizations", body = PageBody<ImmunizationBody>),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a clinician", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such patient", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/patients/{id}/immunizations")]
pub async fn list_immunizations(
    caller: Caller,
    id: web::Path<PatientId>,
    query: web::Query<PageQuery>,
    entries: web::Data<ChartEntries>,
) -> Result<web::Json<PageBody<ImmunizationBody>>, ApiError> {
    let query = EntryQuery {
        page: query.parse()?,
        since: None,
    };
    common::list(&caller, id.into_inner(), query, &entries).await
}

/// One immunization with its `ETag`.
#[utoipa::path(
    tag = "immunizations",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The immunization's id")),
    responses(
        (status = 200, description = "The immunization", body = ImmunizationBody, headers(("ETag" = String))),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a clinician", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such immunization", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/immunizations/{id}")]
pub async fn get_immunization(
    caller: Caller,
    id: web::Path<ChartEntryId>,
    entries: web::Data<ChartEntries>,
    locks: web::Data<LockGate>,
) -> Result<HttpResponse, ApiError> {
    common::get::<ImmunizationBody>(&caller, id.into_inner(), &entries, &locks).await
}

/// Replace what is recorded of an immunization, at the version in `If-Match`.
#[utoipa::path(
    tag = "immunizations",
    security(("bearer" = [])),
    params(
        ("Lock-Token" = Option<uuid::Uuid>, Header, description = "The caller's lock on the record, for a write under a lock (`POST /api/v1/locks`)"),
        ("id" = Uuid, Path, description = "The immunization's id"),
        ("If-Match" = String, Header, description = "The ETag the change is based on", pattern = "^\"[1-9][0-9]{0,17}\"$"),
    ),
    request_body = ImmunizationRequest,
    responses(
        (status = 200, description = "Revised", body = ImmunizationBody, headers(("ETag" = String))),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a clinician", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such immunization", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The entry was marked entered in error and no longer changes (`invalid_transition`)", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Changed since", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
        (status = 423, description = "Another session holds the record's lock (`locked`, naming the holder), or the caller's lock expired or passed to another (`lock_lost`); nothing was written", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is missing", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[put("/immunizations/{id}")]
pub async fn revise_immunization(
    caller: Caller,
    id: web::Path<ChartEntryId>,
    IfMatch(version): IfMatch,
    PresentedLock(lock): PresentedLock,
    body: web::Json<ImmunizationRequest>,
    entries: web::Data<ChartEntries>,
) -> Result<HttpResponse, ApiError> {
    common::revise::<ImmunizationBody>(
        &caller,
        id.into_inner(),
        version,
        lock,
        body.into_inner().into(),
        &entries,
    )
    .await
}
