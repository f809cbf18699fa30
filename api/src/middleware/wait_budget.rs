use std::time::Duration;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::web;

/// How long one request may wait, in all, for database and Redis connections: the
/// readiness timeout.
#[derive(Debug, Clone, Copy)]
pub struct WaitBudget(pub Duration);

/// Runs the request, idempotency claims included, on one wait budget, so that an
/// unreachable backend answers 503 within the readiness timeout however many
/// connections the request would have taken.
pub async fn wait_budget(
    budget: web::Data<WaitBudget>,
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    persistence::with_wait_budget(budget.0, next.call(request)).await
}
