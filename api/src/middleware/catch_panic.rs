use std::panic::AssertUnwindSafe;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use futures_util::FutureExt;

use crate::error::ApiError;

/// Turns a panic inside a handler into a 500 problem instead of a dropped connection.
/// The panic itself is logged once, by the panic hook, inside the request's span.
///
/// It answers with an error rather than a response: building a response needs the
/// request, and a clone of the request taken before routing would make routing panic.
pub async fn catch_panic(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    // why: AssertUnwindSafe is sound here because nothing the handler touched is used
    // after a panic; the answer is built afresh from `ApiError::Panicked`.
    match AssertUnwindSafe(next.call(request)).catch_unwind().await {
        Ok(result) => result,
        Err(_panic) => Err(ApiError::Panicked.into()),
    }
}
