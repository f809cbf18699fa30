use actix_web::http::StatusCode;
use actix_web::{post, web, HttpResponse};
use domain::chart::problems::Problems;
use domain::patients::PatientId;

use super::dto::{problem_response, ProblemBody, ProblemRequest};
use crate::error::{ApiError, Problem};
use crate::http::Caller;

/// Add a problem to a patient's list.
#[utoipa::path(
    tag = "problems",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "The patient's id"),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry return the first answer instead of writing twice"),
    ),
    request_body = ProblemRequest,
    responses(
        (status = 201, description = "Recorded", body = ProblemBody, headers(("ETag" = String), ("Location" = String))),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a clinician", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such patient", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The patient is archived (`patient_archived`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields: a code that does not fit its system, a date in the future, a resolution date without the resolved status or before the onset", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/patients/{id}/problems")]
pub async fn record_problem(
    caller: Caller,
    id: web::Path<PatientId>,
    body: web::Json<ProblemRequest>,
    problems: web::Data<Problems>,
) -> Result<HttpResponse, ApiError> {
    let problem = problems
        .record(
            &caller.principal,
            &caller.audit,
            id.into_inner(),
            body.into_inner().into(),
        )
        .await?;
    Ok(problem_response(StatusCode::CREATED, problem))
}
