use actix_web::http::StatusCode;
use actix_web::{put, web, HttpResponse};
use domain::chart::problems::{ProblemId, Problems};

use super::dto::{problem_response, ProblemBody, ProblemRequest};
use crate::error::{ApiError, Problem};
use crate::http::{Caller, IfMatch, PresentedLock};

/// Replace what is stated about a problem, at the version in `If-Match`: a status
/// change, its resolution, or `entered_in_error` for an entry made by mistake.
#[utoipa::path(
    tag = "problems",
    security(("bearer" = [])),
    params(
        ("Lock-Token" = Option<uuid::Uuid>, Header, description = "The caller's lock on the record, for a write under a lock (`POST /api/v1/locks`)"),
        ("id" = Uuid, Path, description = "The problem's id"),
        ("If-Match" = String, Header, description = "The ETag the change is based on", pattern = "^\"[1-9][0-9]{0,17}\"$"),
    ),
    request_body = ProblemRequest,
    responses(
        (status = 200, description = "Revised", body = ProblemBody, headers(("ETag" = String))),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a clinician", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such problem", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The entry was marked entered in error and no longer changes (`invalid_transition`)", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Changed since", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
        (status = 423, description = "Another session holds the record's lock (`locked`, naming the holder), or the caller's lock expired or passed to another (`lock_lost`); nothing was written", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is missing", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[put("/{id}")]
pub async fn revise_problem(
    caller: Caller,
    id: web::Path<ProblemId>,
    IfMatch(version): IfMatch,
    PresentedLock(lock): PresentedLock,
    body: web::Json<ProblemRequest>,
    problems: web::Data<Problems>,
) -> Result<HttpResponse, ApiError> {
    let problem = problems
        .revise(
            &caller.principal,
            &caller.audit,
            id.into_inner(),
            version,
            lock,
            body.into_inner().into(),
        )
        .await?;
    Ok(problem_response(StatusCode::OK, problem))
}
