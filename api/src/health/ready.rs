use actix_web::{get, web};
use domain::health::{CheckOutcome, ComponentCheck, Readiness};
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::{ApiError, ComponentStatus, Problem};

#[derive(Serialize, ToSchema)]
pub struct ReadinessBody {
    /// Always `ready` in a 200 answer.
    #[schema(example = "ready")]
    status: &'static str,
    components: Vec<ComponentStatus>,
}

/// Can this node serve requests? Every dependency (the database, and Redis when
/// configured) must answer within the readiness time-out.
#[utoipa::path(
    tag = "health",
    responses(
        (status = 200, description = "Every dependency answers", body = ReadinessBody),
        (status = 503, description = "A dependency is down or slow",
         body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/health/ready")]
pub async fn ready(readiness: web::Data<Readiness>) -> Result<web::Json<ReadinessBody>, ApiError> {
    let report = readiness.check().await;
    for check in &report.components {
        match &check.outcome {
            CheckOutcome::Up => {}
            CheckOutcome::Down(cause) => tracing::warn!(
                component = check.component,
                error = format!("{cause:#}"),
                "readiness check failed"
            ),
            CheckOutcome::TimedOut => {
                tracing::warn!(component = check.component, "readiness check timed out")
            }
        }
    }
    let components: Vec<ComponentStatus> = report.components.iter().map(component_status).collect();
    if report.is_ready() {
        Ok(web::Json(ReadinessBody {
            status: "ready",
            components,
        }))
    } else {
        Err(ApiError::NotReady(components))
    }
}

fn component_status(check: &ComponentCheck) -> ComponentStatus {
    let status = match check.outcome {
        CheckOutcome::Up => "up",
        CheckOutcome::Down(_) => "down",
        CheckOutcome::TimedOut => "timed_out",
    };
    ComponentStatus {
        name: check.component.to_owned(),
        status: status.to_owned(),
        latency_ms: u64::try_from(check.elapsed.as_millis()).unwrap_or(u64::MAX),
    }
}
