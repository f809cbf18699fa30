use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::web;
use persistence::RequestLimits;

/// Runs the request, idempotency claims included, within its limits on the backends:
/// one budget, the readiness timeout, for every connection it waits for, so that an
/// unreachable backend answers 503 within it however many connections the request
/// would have taken; and a bound on each piece of database work, so that a connection
/// dead without a close (a network partition) cannot hold the request for minutes.
pub async fn request_limits(
    limits: web::Data<RequestLimits>,
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    persistence::within_request_limits(**limits, next.call(request)).await
}
