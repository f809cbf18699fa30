//! The medication list (what the patient takes; not prescribing):
//! `/api/v1/patients/{id}/medications` and `/api/v1/medications/{id}`.

use actix_web::{get, post, put, web, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
use domain::chart::entries::{
    ChartEntries, ChartEntry, ChartEntryId, DoseQuantityInput, DosingScheduleInput, EntryInput,
    EntryQuery, MedicationDetails, MedicationInput, Prescriber,
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

/// A dose as a value and its unit: `500` `mg`.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DoseQuantityBody {
    /// More than 0, at most 1,000,000.
    #[schema(exclusive_minimum = 0, maximum = 1000000, example = 500)]
    pub value: f64,
    #[schema(schema_with = crate::http::text_fields::dose_unit)]
    pub unit: String,
}

/// How often, structured: `times` every `period` `unit`s (3 every 1 day).
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DosingScheduleBody {
    #[schema(minimum = 1, maximum = 48, example = 3)]
    pub times: i64,
    #[schema(minimum = 1, maximum = 365, example = 1)]
    pub period: i64,
    #[schema(schema_with = crate::http::text_fields::period_unit)]
    pub unit: String,
}

/// The clinician's decision to record a medication an active allergy warns against.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OverrideRequest {
    #[schema(schema_with = crate::http::text_fields::override_reason)]
    pub reason: String,
}

/// A medication as a clinician states it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct MedicationRequest {
    #[schema(schema_with = crate::http::text_fields::medication_drug)]
    pub drug: String,
    #[schema(schema_with = crate::http::text_fields::medication_code_system)]
    pub code_system: Option<String>,
    /// An RxNorm concept id (up to 10 digits).
    #[schema(value_type = Option<String>, pattern = "^[0-9]{1,10}$", example = "860975")]
    pub code: Option<String>,
    #[schema(schema_with = crate::http::text_fields::medication_dose)]
    pub dose: Option<String>,
    pub dose_quantity: Option<DoseQuantityBody>,
    #[schema(schema_with = crate::http::text_fields::medication_route)]
    pub route: Option<String>,
    #[schema(schema_with = crate::http::text_fields::medication_frequency)]
    pub frequency: Option<String>,
    pub schedule: Option<DosingScheduleBody>,
    /// Taken when needed (PRN); `false` when absent.
    pub as_needed: Option<bool>,
    #[schema(value_type = Option<String>, format = Date, example = "2026-01-15")]
    pub start: Option<String>,
    /// Not before `start`.
    #[schema(value_type = Option<String>, format = Date, example = "2026-12-31")]
    pub end: Option<String>,
    #[schema(schema_with = crate::http::text_fields::medication_status)]
    pub status: Option<String>,
    /// The practica user who prescribed it; or `prescriberName`, not both.
    pub prescriber_id: Option<Uuid>,
    #[schema(schema_with = crate::http::text_fields::prescriber_name)]
    pub prescriber_name: Option<String>,
    #[schema(schema_with = crate::http::text_fields::medication_notes)]
    pub notes: Option<String>,
    /// Records the medication although an active allergy warns against it
    /// (otherwise `409 allergy_conflict`); the reason is kept and audited.
    #[serde(rename = "override")]
    pub allergy_override: Option<OverrideRequest>,
}

impl From<MedicationRequest> for EntryInput {
    fn from(request: MedicationRequest) -> Self {
        EntryInput::Medication(MedicationInput {
            drug: request.drug,
            code_system: request.code_system,
            code: request.code,
            dose: request.dose,
            dose_quantity: request.dose_quantity.map(|quantity| DoseQuantityInput {
                value: quantity.value,
                unit: quantity.unit,
            }),
            route: request.route,
            frequency: request.frequency,
            schedule: request.schedule.map(|schedule| DosingScheduleInput {
                times: schedule.times,
                period: schedule.period,
                unit: schedule.unit,
            }),
            as_needed: request.as_needed,
            start: request.start,
            end: request.end,
            status: request.status,
            prescriber_id: request.prescriber_id,
            prescriber_name: request.prescriber_name,
            notes: request.notes,
            override_reason: request.allergy_override.map(|decision| decision.reason),
        })
    }
}

/// Why a medication was recorded despite an allergy, and which allergies warned.
#[derive(Debug, Serialize, ToSchema)]
pub struct AllergyOverrideBody {
    pub reason: String,
    pub allergies: Vec<Uuid>,
}

/// A medication on a patient's list.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MedicationBody {
    pub id: Uuid,
    pub patient_id: Uuid,
    pub drug: String,
    pub code: Option<CodeBody>,
    pub dose: String,
    pub dose_quantity: Option<DoseQuantityBody>,
    pub route: String,
    pub frequency: String,
    pub schedule: Option<DosingScheduleBody>,
    pub as_needed: bool,
    pub start: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
    /// `active`, `stopped`, `completed` or `entered_in_error`.
    pub status: &'static str,
    pub prescriber_id: Option<Uuid>,
    pub prescriber_name: Option<String>,
    pub notes: String,
    pub allergy_override: Option<AllergyOverrideBody>,
    pub recorded_by: Uuid,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Who is editing the record, when someone holds its lock (only on a single record's `GET`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lock: Option<LockBody>,
}

impl MedicationBody {
    pub fn new(entry: &ChartEntry, medication: MedicationDetails) -> Self {
        let (prescriber_id, prescriber_name) = match medication.prescriber {
            Some(Prescriber::User(id)) => (Some(id.as_uuid()), None),
            Some(Prescriber::Named(name)) => (None, Some(name)),
            None => (None, None),
        };
        Self {
            id: entry.id.as_uuid(),
            patient_id: entry.patient_id.as_uuid(),
            drug: medication.drug,
            code: medication.code.map(CodeBody::from),
            dose: medication.dose,
            dose_quantity: medication.dose_quantity.map(|quantity| DoseQuantityBody {
                value: quantity.value,
                unit: quantity.unit,
            }),
            route: medication.route,
            frequency: medication.frequency,
            schedule: medication.schedule.map(|schedule| DosingScheduleBody {
                times: i64::from(schedule.times),
                period: i64::from(schedule.period),
                unit: schedule.unit.as_str().to_owned(),
            }),
            as_needed: medication.as_needed,
            start: medication.start,
            end: medication.end,
            status: medication.status.as_str(),
            prescriber_id,
            prescriber_name,
            notes: medication.notes,
            allergy_override: medication
                .allergy_override
                .map(|decision| AllergyOverrideBody {
                    reason: decision.reason,
                    allergies: decision.allergies.iter().map(|id| id.as_uuid()).collect(),
                }),
            recorded_by: entry.recorded_by.as_uuid(),
            version: entry.version.get(),
            created_at: entry.created_at,
            updated_at: entry.updated_at,
            lock: None,
        }
    }
}

entry_body!(MedicationBody, Medication);

/// Add a medication to a patient's list. One an active medication allergy warns
/// against is refused unless `override.reason` says why. An allergy warns by its RxNorm
/// code, or when its substance's words appear among the drug name's: a help, not a
/// drug-interaction database (an allergy to penicillin does not name amoxicillin).
#[utoipa::path(
    tag = "medications",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "The patient's id"),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry return the first answer instead of writing twice"),
    ),
    request_body = MedicationRequest,
    responses(
        (status = 201, description = "Recorded", body = MedicationBody, headers(("ETag" = String), ("Location" = String))),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a clinician", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such patient", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "An active allergy warns against the drug (`allergy_conflict`, naming the allergy); or the patient is archived (`patient_archived`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields: an end before the start, both a prescriber id and name", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/patients/{id}/medications")]
pub async fn record_medication(
    caller: Caller,
    id: web::Path<PatientId>,
    body: web::Json<MedicationRequest>,
    entries: web::Data<ChartEntries>,
) -> Result<HttpResponse, ApiError> {
    common::record::<MedicationBody>(&caller, id.into_inner(), body.into_inner().into(), &entries)
        .await
}

/// A patient's medications, oldest first, entries entered in error included (marked).
#[utoipa::path(
    tag = "medications",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The patient's id"), PageQuery),
    responses(
        (status = 200, description = "A page of medications", body = PageBody<MedicationBody>),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a clinician", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such patient", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/patients/{id}/medications")]
pub async fn list_medications(
    caller: Caller,
    id: web::Path<PatientId>,
    query: web::Query<PageQuery>,
    entries: web::Data<ChartEntries>,
) -> Result<web::Json<PageBody<MedicationBody>>, ApiError> {
    let query = EntryQuery {
        page: query.parse()?,
        since: None,
    };
    common::list(&caller, id.into_inner(), query, &entries).await
}

/// One medication with its `ETag`.
#[utoipa::path(
    tag = "medications",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The medication's id")),
    responses(
        (status = 200, description = "The medication", body = MedicationBody, headers(("ETag" = String))),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a clinician", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such medication", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/medications/{id}")]
pub async fn get_medication(
    caller: Caller,
    id: web::Path<ChartEntryId>,
    entries: web::Data<ChartEntries>,
    locks: web::Data<LockGate>,
) -> Result<HttpResponse, ApiError> {
    common::get::<MedicationBody>(&caller, id.into_inner(), &entries, &locks).await
}

/// Replace what is stated about a medication, at the version in `If-Match`: a dose
/// change, stopping it, or `entered_in_error`. A change of drug is held against the
/// patient's allergies as a new medication is.
#[utoipa::path(
    tag = "medications",
    security(("bearer" = [])),
    params(
        ("Lock-Token" = Option<uuid::Uuid>, Header, description = "The caller's lock on the record, for a write under a lock (`POST /api/v1/locks`)"),
        ("id" = Uuid, Path, description = "The medication's id"),
        ("If-Match" = String, Header, description = "The ETag the change is based on", pattern = "^\"[1-9][0-9]{0,17}\"$"),
    ),
    request_body = MedicationRequest,
    responses(
        (status = 200, description = "Revised", body = MedicationBody, headers(("ETag" = String))),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a clinician", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such medication", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The entry was marked entered in error and no longer changes (`invalid_transition`), or an allergy warns against the new drug (`allergy_conflict`)", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Changed since", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
        (status = 423, description = "Another session holds the record's lock (`locked`, naming the holder), or the caller's lock expired or passed to another (`lock_lost`); nothing was written", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is missing", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[put("/medications/{id}")]
pub async fn revise_medication(
    caller: Caller,
    id: web::Path<ChartEntryId>,
    IfMatch(version): IfMatch,
    PresentedLock(lock): PresentedLock,
    body: web::Json<MedicationRequest>,
    entries: web::Data<ChartEntries>,
) -> Result<HttpResponse, ApiError> {
    common::revise::<MedicationBody>(
        &caller,
        id.into_inner(),
        version,
        lock,
        body.into_inner().into(),
        &entries,
    )
    .await
}
