use actix_web::{get, web, HttpResponse};
use domain::jobs::{JobName, Jobs};
use domain::DomainError;

use super::dto::JobRunBody;
use crate::error::{ApiError, Problem};
use crate::http::{Caller, PageBody, PageQuery};

/// A job's runs, newest first.
#[utoipa::path(
    tag = "jobs",
    security(("bearer" = [])),
    params(("name" = String, Path, description = "The job, e.g. `lock-reaper`"), PageQuery),
    responses(
        (status = 200, description = "The runs", body = PageBody<JobRunBody>),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such job", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/jobs/{name}/runs")]
pub async fn list_runs(
    caller: Caller,
    name: web::Path<String>,
    page: web::Query<PageQuery>,
    jobs: web::Data<Jobs>,
) -> Result<HttpResponse, ApiError> {
    let job = JobName::parse(&name).ok_or(DomainError::NotFound { resource: "job" })?;
    let runs = jobs.runs(&caller.principal, job, page.parse()?).await?;
    Ok(HttpResponse::Ok().json(PageBody::from_page(runs, JobRunBody::from)))
}
