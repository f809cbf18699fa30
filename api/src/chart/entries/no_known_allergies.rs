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

/// A clinician's statement that the patient has no known allergies.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NoKnownAllergiesBody {
    pub patient_id: Uuid,
    /// Who stated it.
    pub recorded_by: Uuid,
    /// When.
    pub recorded_at: DateTime<Utc>,
}

impl From<NoKnownAllergies> for NoKnownAllergiesBody {
    fn from(statement: NoKnownAllergies) -> Self {
        Self {
            patient_id: statement.patient_id.as_uuid(),
            recorded_by: statement.recorded_by.as_uuid(),
            recorded_at: statement.recorded_at,
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

/// The patient's "no known allergies" statement, when one stands.
#[utoipa::path(
    tag = "allergies",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The patient's id")),
    responses(
        (status = 200, description = "The statement", body = NoKnownAllergiesBody),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a clinician", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such patient, or no statement stands (none was made, or an active allergy withdrew it)", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/patients/{id}/allergies/none")]
pub async fn get_no_known_allergies(
    caller: Caller,
    id: web::Path<PatientId>,
    entries: web::Data<ChartEntries>,
) -> Result<web::Json<NoKnownAllergiesBody>, ApiError> {
    let statement = entries
        .no_known_allergies(&caller.principal, &caller.audit, id.into_inner())
        .await?
        .ok_or(domain::DomainError::NotFound {
            resource: "no known allergies statement",
        })?;
    Ok(web::Json(statement.into()))
}
