use actix_web::{get, web, HttpResponse};
use domain::locks::{LockGate, LockedResource};
use domain::patients::{PatientId, Patients};

use super::dto::PatientBody;
use crate::error::{ApiError, Problem};
use crate::http::{versioned_ok, Caller};
use crate::locks::dto::shown_to;

/// One patient, archived or not, with its `ETag`.
#[utoipa::path(
    tag = "patients",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The patient's id")),
    responses(
        (status = 200, description = "The patient", body = PatientBody, headers(("ETag" = String))),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not read patients", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such patient", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/{id}")]
pub async fn get_patient(
    caller: Caller,
    id: web::Path<PatientId>,
    patients: web::Data<Patients>,
    locks: web::Data<LockGate>,
) -> Result<HttpResponse, ApiError> {
    let patient = patients
        .get(&caller.principal, &caller.audit, id.into_inner())
        .await?;
    let lock = locks
        .shown_holder(LockedResource::Patient(patient.id))
        .await?;
    let version = patient.version;
    let mut body = PatientBody::from(patient);
    body.lock = shown_to(lock, caller.principal.session_id);
    Ok(versioned_ok(version, body))
}
