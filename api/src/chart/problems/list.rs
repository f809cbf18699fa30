use actix_web::{get, web};
use domain::chart::problems::Problems;
use domain::patients::PatientId;

use super::dto::ProblemBody;
use crate::error::{ApiError, Problem};
use crate::http::{Caller, PageBody, PageQuery};

/// A patient's problem list, oldest first, entries entered in error included (marked).
#[utoipa::path(
    tag = "problems",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The patient's id"), PageQuery),
    responses(
        (status = 200, description = "A page of problems", body = PageBody<ProblemBody>),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither a clinician nor billing", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such patient", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/patients/{id}/problems")]
pub async fn list_problems(
    caller: Caller,
    id: web::Path<PatientId>,
    query: web::Query<PageQuery>,
    problems: web::Data<Problems>,
) -> Result<web::Json<PageBody<ProblemBody>>, ApiError> {
    let page = problems
        .list(
            &caller.principal,
            &caller.audit,
            id.into_inner(),
            query.parse()?,
        )
        .await?;
    Ok(web::Json(PageBody::from_page(page, ProblemBody::from)))
}
