use actix_web::http::StatusCode;
use actix_web::{post, web, HttpResponse};
use domain::patients::Patients;

use super::dto::{patient_response, PatientBody, PatientInput};
use crate::error::{ApiError, Problem};
use crate::http::Caller;

/// Register a patient; the record gets a fresh MRN.
#[utoipa::path(
    tag = "patients",
    security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retry return the first answer instead of registering twice")),
    request_body = PatientInput,
    responses(
        (status = 201, description = "Registered", body = PatientBody, headers(("ETag" = String), ("Location" = String))),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not register patients", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The same Idempotency-Key is still in progress", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, listed in `errors`; or an Idempotency-Key reused for another request", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("")]
pub async fn create_patient(
    caller: Caller,
    body: web::Json<PatientInput>,
    patients: web::Data<Patients>,
) -> Result<HttpResponse, ApiError> {
    let details = body.into_inner().parse(chrono::Utc::now().date_naive())?;
    let patient = patients
        .register(&caller.principal, &caller.audit, details)
        .await?;
    Ok(patient_response(StatusCode::CREATED, patient))
}
