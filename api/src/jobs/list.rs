use actix_web::{get, web, HttpResponse};
use domain::jobs::Jobs;

use super::dto::{JobBody, JobList};
use crate::error::{ApiError, Problem};
use crate::http::Caller;

/// The cluster's jobs: interval, the node holding each, and each one's last run.
#[utoipa::path(
    tag = "jobs",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Every job", body = JobList),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/jobs")]
pub async fn list_jobs(caller: Caller, jobs: web::Data<Jobs>) -> Result<HttpResponse, ApiError> {
    let statuses = jobs.overview(&caller.principal).await?;
    Ok(HttpResponse::Ok().json(JobList {
        items: statuses.into_iter().map(JobBody::from).collect(),
    }))
}
