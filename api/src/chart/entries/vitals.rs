//! Vital signs: `/api/v1/patients/{id}/vitals` (newest first, `?since=` for a graph)
//! and `/api/v1/vitals/{id}`.

use actix_web::{get, post, put, web, HttpResponse};
use chrono::{DateTime, Utc};
use domain::chart::entries::{
    ChartEntries, ChartEntry, ChartEntryId, EntryInput, EntryQuery, VitalSigns, VitalsInput,
};
use domain::locks::LockGate;
use domain::patients::PatientId;
use domain::PageRequest;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::common::{self, entry_body};
use crate::error::{ApiError, Problem};
use crate::http::{Caller, Cursor, IfMatch, PageBody, PresentedLock};
use crate::locks::dto::LockBody;

/// One set of vital signs, taken at one time. Each measurement is optional (at least
/// one is given) and refused outside its range, the unit in its name; a blood pressure
/// gives both values, the diastolic below the systolic.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct VitalsRequest {
    /// When the set was taken; not in the future. A patient has one set per time.
    pub taken_at: DateTime<Utc>,
    /// Height in centimetres, 20 to 275.
    #[schema(minimum = 20, maximum = 275, example = 172.5)]
    pub height_cm: Option<f64>,
    /// Weight in kilograms, 0.2 to 650.
    #[schema(minimum = 0.2, maximum = 650, example = 70.2)]
    pub weight_kg: Option<f64>,
    /// Body temperature in degrees Celsius, 25 to 45.
    #[schema(minimum = 25, maximum = 45, example = 36.8)]
    pub temperature_c: Option<f64>,
    /// Pulse in beats per minute, 20 to 300.
    #[schema(minimum = 20, maximum = 300, example = 72)]
    pub pulse_per_min: Option<i64>,
    /// Respiratory rate in breaths per minute, 2 to 100.
    #[schema(minimum = 2, maximum = 100, example = 14)]
    pub respiratory_rate_per_min: Option<i64>,
    /// Systolic blood pressure in mmHg, 40 to 300.
    #[schema(minimum = 40, maximum = 300, example = 120)]
    pub systolic_mmhg: Option<i64>,
    /// Diastolic blood pressure in mmHg, 20 to 200, below the systolic.
    #[schema(minimum = 20, maximum = 200, example = 80)]
    pub diastolic_mmhg: Option<i64>,
    /// Oxygen saturation (SpO2) in percent, 50 to 100.
    #[schema(minimum = 50, maximum = 100, example = 98)]
    pub spo2_percent: Option<i64>,
    /// Pain on the 0 (none) to 10 (worst) scale.
    #[schema(minimum = 0, maximum = 10, example = 2)]
    pub pain_score: Option<i64>,
    #[schema(schema_with = crate::http::text_fields::vitals_status)]
    pub status: Option<String>,
}

impl From<VitalsRequest> for EntryInput {
    fn from(request: VitalsRequest) -> Self {
        EntryInput::Vitals(VitalsInput {
            taken_at: request.taken_at.to_rfc3339(),
            height_cm: request.height_cm,
            weight_kg: request.weight_kg,
            temperature_c: request.temperature_c,
            pulse_per_min: request.pulse_per_min,
            respiratory_rate_per_min: request.respiratory_rate_per_min,
            systolic_mmhg: request.systolic_mmhg,
            diastolic_mmhg: request.diastolic_mmhg,
            spo2_percent: request.spo2_percent,
            pain_score: request.pain_score,
            status: request.status,
        })
    }
}

/// A set of vital signs, as recorded, with its body mass index.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct VitalsBody {
    pub id: Uuid,
    pub patient_id: Uuid,
    pub taken_at: DateTime<Utc>,
    /// Centimetres.
    pub height_cm: Option<f64>,
    /// Kilograms.
    pub weight_kg: Option<f64>,
    /// Degrees Celsius.
    pub temperature_c: Option<f64>,
    /// Beats per minute.
    pub pulse_per_min: Option<u16>,
    /// Breaths per minute.
    pub respiratory_rate_per_min: Option<u16>,
    /// mmHg.
    pub systolic_mmhg: Option<u16>,
    /// mmHg.
    pub diastolic_mmhg: Option<u16>,
    /// Percent.
    pub spo2_percent: Option<u16>,
    /// 0 to 10.
    pub pain_score: Option<u16>,
    /// Body mass index in kg/m², one decimal: derived when the set has height and
    /// weight.
    pub bmi: Option<f64>,
    /// `final` or `entered_in_error`.
    pub status: &'static str,
    pub recorded_by: Uuid,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Who is editing the record, when someone holds its lock (only on a single record's `GET`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lock: Option<LockBody>,
}

impl VitalsBody {
    pub fn new(entry: &ChartEntry, vitals: VitalSigns) -> Self {
        Self {
            id: entry.id.as_uuid(),
            patient_id: entry.patient_id.as_uuid(),
            taken_at: vitals.taken_at,
            height_cm: vitals.height_cm,
            weight_kg: vitals.weight_kg,
            temperature_c: vitals.temperature_c,
            pulse_per_min: vitals.pulse_per_min,
            respiratory_rate_per_min: vitals.respiratory_rate_per_min,
            systolic_mmhg: vitals.systolic_mmhg,
            diastolic_mmhg: vitals.diastolic_mmhg,
            spo2_percent: vitals.spo2_percent,
            pain_score: vitals.pain_score,
            bmi: vitals.bmi(),
            status: vitals.status.as_str(),
            recorded_by: entry.recorded_by.as_uuid(),
            version: entry.version.get(),
            created_at: entry.created_at,
            updated_at: entry.updated_at,
            lock: None,
        }
    }
}

entry_body!(VitalsBody, Vitals);

/// `?since=&limit=&cursor=` of the vitals series.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct VitalsQuery {
    /// Only sets taken at or after this instant (RFC 3339): the span of a graph.
    pub since: Option<DateTime<Utc>>,
    /// Items per page, 1 to 200; 50 when absent.
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
    /// `nextCursor` of the previous page; absent for the first page.
    #[param(pattern = "^[A-Za-z0-9_-]{21}[AQgw]$")]
    pub cursor: Option<String>,
}

/// Record a set of vital signs.
#[utoipa::path(
    tag = "vitals",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "The patient's id"),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry return the first answer instead of writing twice"),
    ),
    request_body = VitalsRequest,
    responses(
        (status = 201, description = "Recorded", body = VitalsBody, headers(("ETag" = String), ("Location" = String))),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a clinician", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such patient", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A set taken at that time is already recorded (`vitals_already_recorded`), or the patient is archived (`patient_archived`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, each named with its range; a time in the future; no measurement; half a blood pressure", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/patients/{id}/vitals")]
pub async fn record_vitals(
    caller: Caller,
    id: web::Path<PatientId>,
    body: web::Json<VitalsRequest>,
    entries: web::Data<ChartEntries>,
) -> Result<HttpResponse, ApiError> {
    common::record::<VitalsBody>(&caller, id.into_inner(), body.into_inner().into(), &entries).await
}

/// A patient's vital signs, newest first by when they were taken, sets entered in
/// error included (marked).
#[utoipa::path(
    tag = "vitals",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The patient's id"), VitalsQuery),
    responses(
        (status = 200, description = "A page of vitals sets", body = PageBody<VitalsBody>),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a clinician", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such patient", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/patients/{id}/vitals")]
pub async fn list_vitals(
    caller: Caller,
    id: web::Path<PatientId>,
    query: web::Query<VitalsQuery>,
    entries: web::Data<ChartEntries>,
) -> Result<web::Json<PageBody<VitalsBody>>, ApiError> {
    let after = query.cursor.as_deref().map(Cursor::decode).transpose()?;
    let query = EntryQuery {
        page: PageRequest::new(query.limit, after)?,
        since: query.since,
    };
    common::list(&caller, id.into_inner(), query, &entries).await
}

/// One vitals set with its `ETag`.
#[utoipa::path(
    tag = "vitals",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The vitals set's id")),
    responses(
        (status = 200, description = "The vitals set", body = VitalsBody, headers(("ETag" = String))),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a clinician", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such vitals set", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/vitals/{id}")]
pub async fn get_vitals(
    caller: Caller,
    id: web::Path<ChartEntryId>,
    entries: web::Data<ChartEntries>,
    locks: web::Data<LockGate>,
) -> Result<HttpResponse, ApiError> {
    common::get::<VitalsBody>(&caller, id.into_inner(), &entries, &locks).await
}

/// Replace a vitals set, at the version in `If-Match`: a correction, or
/// `entered_in_error` for a set taken by mistake.
#[utoipa::path(
    tag = "vitals",
    security(("bearer" = [])),
    params(
        ("Lock-Token" = Option<uuid::Uuid>, Header, description = "The caller's lock on the record, for a write under a lock (`POST /api/v1/locks`)"),
        ("id" = Uuid, Path, description = "The vitals set's id"),
        ("If-Match" = String, Header, description = "The ETag the change is based on", pattern = "^\"[1-9][0-9]{0,17}\"$"),
    ),
    request_body = VitalsRequest,
    responses(
        (status = 200, description = "Revised", body = VitalsBody, headers(("ETag" = String))),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a clinician", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such vitals set", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The set was marked entered in error and no longer changes (`invalid_transition`), or another set was taken at the new time (`vitals_already_recorded`)", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Changed since", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, each named with its range", body = Problem, content_type = "application/problem+json"),
        (status = 423, description = "Another session holds the record's lock (`locked`, naming the holder), or the caller's lock expired or passed to another (`lock_lost`); nothing was written", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is missing", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[put("/vitals/{id}")]
pub async fn revise_vitals(
    caller: Caller,
    id: web::Path<ChartEntryId>,
    IfMatch(version): IfMatch,
    PresentedLock(lock): PresentedLock,
    body: web::Json<VitalsRequest>,
    entries: web::Data<ChartEntries>,
) -> Result<HttpResponse, ApiError> {
    common::revise::<VitalsBody>(
        &caller,
        id.into_inner(),
        version,
        lock,
        body.into_inner().into(),
        &entries,
    )
    .await
}
