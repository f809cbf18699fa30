use actix_web::{get, web, HttpResponse};
use domain::chart::problems::{ProblemId, Problems};
use domain::locks::{LockGate, LockedResource};

use super::dto::ProblemBody;
use crate::error::{ApiError, Problem};
use crate::http::{versioned_ok, Caller};
use crate::locks::dto::shown_to;

/// One problem with its `ETag`.
#[utoipa::path(
    tag = "problems",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The problem's id")),
    responses(
        (status = 200, description = "The problem", body = ProblemBody, headers(("ETag" = String))),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither a clinician nor billing", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such problem", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/{id}")]
pub async fn get_problem(
    caller: Caller,
    id: web::Path<ProblemId>,
    problems: web::Data<Problems>,
    locks: web::Data<LockGate>,
) -> Result<HttpResponse, ApiError> {
    let problem = problems
        .get(&caller.principal, &caller.audit, id.into_inner())
        .await?;
    let lock = locks
        .shown_holder(LockedResource::Problem(problem.id))
        .await?;
    let version = problem.version;
    let mut body = ProblemBody::from(problem);
    body.lock = shown_to(lock, caller.principal.session_id);
    Ok(versioned_ok(version, body))
}
