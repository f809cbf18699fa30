use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::error::InternalError;
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::middleware::Next;
use actix_web::{web, HttpMessage, HttpResponse};
use tracing::Instrument;
use uuid::Uuid;

use crate::metrics::Metrics;

pub const REQUEST_ID_HEADER: HeaderName = HeaderName::from_static("x-request-id");

/// The ids of the request being served, stored in its extensions for handlers: the
/// server's own (a fresh UUIDv7, which the audit trail and every log line carry), and
/// the caller's `X-Request-Id` when it sent a sane one (kept beside it, never instead
/// of it, so that a client cannot forge the trail's correlation).
#[derive(Debug, Clone)]
pub struct RequestId {
    pub server: String,
    pub client: Option<String>,
}

/// Gives each request an id and a span carrying it (so every log line of the request
/// names it), echoes the id in the response, logs one line when the request completes
/// and records it in the metrics.
///
/// Logs and labels name the route pattern, never the path or query string: those can
/// hold patient names (`?q=doe`) and ids, which stay out of logs and metrics.
pub async fn observe(
    metrics: web::Data<Metrics>,
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let client_request_id = request
        .headers()
        .get(&REQUEST_ID_HEADER)
        .and_then(|value| value.to_str().ok())
        .filter(|value| is_acceptable_request_id(value))
        .map(str::to_owned);
    let request_id = Uuid::now_v7().to_string();
    request.extensions_mut().insert(RequestId {
        server: request_id.clone(),
        client: client_request_id.clone(),
    });
    let method = method_label(request.method());
    let span = tracing::info_span!(
        "request",
        request_id = %request_id,
        client_request_id = client_request_id.as_deref().unwrap_or_default(),
        method = %method,
        route = tracing::field::Empty,
        user_id = tracing::field::Empty,
    );
    // why: the caller's own id comes back to it, for its correlation; otherwise the
    // server's, to quote when reporting a problem.
    let header_value =
        HeaderValue::from_str(client_request_id.as_deref().unwrap_or(&request_id)).ok();
    let started = Instant::now();

    let outcome = next.call(request).instrument(span.clone()).await;

    let (status, route) = match &outcome {
        Ok(response) => (
            response.status(),
            response
                .request()
                .match_pattern()
                .unwrap_or_else(|| "<unmatched>".to_owned()),
        ),
        // The request is gone with the error; only a panic takes this way.
        Err(error) => (
            error.as_response_error().status_code(),
            "<unknown>".to_owned(),
        ),
    };
    let elapsed = started.elapsed();
    span.record("route", route.as_str());
    span.in_scope(|| {
        tracing::info!(
            status = status.as_u16(),
            elapsed_ms = u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX),
            "request completed"
        );
    });
    metrics.observe(method, &route, status.as_u16(), elapsed);

    match outcome {
        Ok(mut response) => {
            if let Some(value) = header_value {
                response.headers_mut().insert(REQUEST_ID_HEADER, value);
            }
            Ok(response)
        }
        Err(error) => {
            // why: an error is rendered after every middleware has run; rendering it here
            // instead lets its answer carry the request id like every other answer.
            let mut response: HttpResponse = error.error_response();
            if let Some(value) = header_value {
                response.headers_mut().insert(REQUEST_ID_HEADER, value);
            }
            debug_assert!(response.status() != StatusCode::OK);
            Err(InternalError::from_response(error, response).into())
        }
    }
}

/// The method as logs and metrics name it: one of HTTP's own, or `OTHER`, since a client
/// may send any token as a method and each new label would be a new metric series.
fn method_label(method: &actix_web::http::Method) -> &'static str {
    use actix_web::http::Method;
    const KNOWN: [(Method, &str); 7] = [
        (Method::GET, "GET"),
        (Method::HEAD, "HEAD"),
        (Method::POST, "POST"),
        (Method::PUT, "PUT"),
        (Method::PATCH, "PATCH"),
        (Method::DELETE, "DELETE"),
        (Method::OPTIONS, "OPTIONS"),
    ];
    KNOWN
        .iter()
        .find(|(known, _)| known == method)
        .map_or("OTHER", |(_, label)| label)
}

/// Accepts ids that are safe to log and echo: 1 to 128 visible characters from a small
/// alphabet. Anything else (control characters, a megabyte of text) is replaced.
fn is_acceptable_request_id(value: &str) -> bool {
    (1..=128).contains(&value.len())
        && value
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || b"-_.:".contains(&byte))
}

#[cfg(test)]
mod tests {
    use super::is_acceptable_request_id;

    #[test]
    fn sane_ids_are_kept_and_others_replaced() {
        assert!(is_acceptable_request_id(
            "0192f3a4-7b1c-7def-8123-456789abcdef"
        ));
        assert!(is_acceptable_request_id("lb:abc_123.4"));
        assert!(!is_acceptable_request_id(""));
        assert!(!is_acceptable_request_id("two words"));
        assert!(!is_acceptable_request_id("line\nbreak"));
        assert!(!is_acceptable_request_id(&"x".repeat(129)));
    }
}
