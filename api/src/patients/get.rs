use actix_web::http::StatusCode;
use actix_web::{get, web, HttpResponse};
use domain::patients::{PatientId, Patients};

use super::dto::{patient_response, PatientBody};
use crate::error::{ApiError, Problem};
use crate::http::Caller;

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
) -> Result<HttpResponse, ApiError> {
    let patient = patients
        .get(&caller.principal, &caller.audit, id.into_inner())
        .await?;
    Ok(patient_response(StatusCode::OK, patient))
}
