//! The "no known allergies" statement: `/api/v1/patients/{id}/allergies/none`.

use actix_web::{get, put, web, HttpResponse};
use chrono::{DateTime, Utc};
use domain::chart::entries::{ChartEntries, NoKnownAllergies};
use domain::patients::PatientId;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::error::{ApiError, Problem};
use crate::http::Caller;

/// Whether a clinician's statement that the patient has no known allergies stands, and
/// who made it when.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NoKnownAllergiesBody {
    pub patient_id: Uuid,
    /// `false` when none was made, or an active allergy withdrew it.
    pub stated: bool,
    /// Who stated it.
    pub recorded_by: Option<Uuid>,
    /// When.
    pub recorded_at: Option<DateTime<Utc>>,
}

impl From<NoKnownAllergies> for NoKnownAllergiesBody {
    fn from(statement: NoKnownAllergies) -> Self {
        Self {
            patient_id: statement.patient_id.as_uuid(),
            stated: true,
            recorded_by: Some(statement.recorded_by.as_uuid()),
            recorded_at: Some(statement.recorded_at),
        }
    }
}

/// State that the patient has no known allergies (again: who and when are renewed).
/// Refused while an active allergy is on the list; recording an active allergy later
/// withdraws the statement.
#[utoipa::path(
    tag = "allergies",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The patient's id")),
    responses(
        (status = 200, description = "Stated", body = NoKnownAllergiesBody),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a clinician", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such patient", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The patient has active allergies (`allergies_recorded`, naming them), or is archived (`patient_archived`)", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[put("/patients/{id}/allergies/none")]
pub async fn state_no_known_allergies(
    caller: Caller,
    id: web::Path<PatientId>,
    entries: web::Data<ChartEntries>,
) -> Result<HttpResponse, ApiError> {
    let statement = entries
        .state_no_known_allergies(&caller.principal, &caller.audit, id.into_inner())
        .await?;
    Ok(HttpResponse::Ok().json(NoKnownAllergiesBody::from(statement)))
}

/// Whether the patient's "no known allergies" statement stands.
#[utoipa::path(
    tag = "allergies",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The patient's id")),
    responses(
        (status = 200, description = "The statement, or `stated: false`", body = NoKnownAllergiesBody),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a clinician", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such patient", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/patients/{id}/allergies/none")]
pub async fn get_no_known_allergies(
    caller: Caller,
    id: web::Path<PatientId>,
    entries: web::Data<ChartEntries>,
) -> Result<web::Json<NoKnownAllergiesBody>, ApiError> {
    let patient = id.into_inner();
    let statement = entries
        .no_known_allergies(&caller.principal, &caller.audit, patient)
        .await?;
    Ok(web::Json(statement.map_or(
        NoKnownAllergiesBody {
            patient_id: patient.as_uuid(),
            stated: false,
            recorded_by: None,
            recorded_at: None,
        },
        NoKnownAllergiesBody::from,
    )))
}
