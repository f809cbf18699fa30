use actix_web::{post, web, HttpResponse};
use chrono::{DateTime, Utc};
use domain::jobs::{JobName, Jobs};
use domain::DomainError;
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::{ApiError, Problem};
use crate::http::Caller;

/// A run asked for.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RunRequested {
    #[schema(example = "idempotency-purge")]
    pub job: String,
    /// When the standing request was made: its run's `scheduledFor`.
    pub requested_at: DateTime<Utc>,
}

/// Ask for one run of a job now. Whichever node holds the job's lease runs it, once, at
/// its next tick; asking again before then changes nothing.
#[utoipa::path(
    tag = "jobs",
    security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retry return the first answer instead of asking twice"), ("name" = String, Path, description = "The job, e.g. `lock-reaper`")),
    responses(
        (status = 202, description = "Asked for; see its run under `/runs`", body = RunRequested),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such job", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/jobs/{name}/run")]
pub async fn run_now(
    caller: Caller,
    name: web::Path<String>,
    jobs: web::Data<Jobs>,
) -> Result<HttpResponse, ApiError> {
    let job = JobName::parse(&name).ok_or(DomainError::NotFound { resource: "job" })?;
    let requested_at = jobs.run_now(&caller.principal, &caller.audit, job).await?;
    Ok(HttpResponse::Accepted().json(RunRequested {
        job: job.as_str().to_owned(),
        requested_at,
    }))
}
