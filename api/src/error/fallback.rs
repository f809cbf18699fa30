//! Problems for the answers no handler wrote: unknown routes, and bare framework errors.

use actix_web::body::{BoxBody, EitherBody, MessageBody};
use actix_web::dev::ServiceResponse;
use std::collections::HashMap;
use std::sync::LazyLock;

use actix_web::http::header::{HeaderValue, ALLOW, CONTENT_TYPE};
use actix_web::http::StatusCode;
use actix_web::middleware::ErrorHandlerResponse;
use actix_web::{HttpRequest, HttpResponse, ResponseError};

use domain::ErrorCode;

use super::{ApiError, PROBLEM_CONTENT_TYPE};

/// The default service: a path no route matches (404), or a route asked with a method
/// it does not serve (405: actix tries the next route when a method guard refuses).
pub async fn not_found(request: HttpRequest) -> Result<HttpResponse, ApiError> {
    let Some(pattern) = request.match_pattern() else {
        return Err(ApiError::RouteNotFound);
    };
    let mut refused = ApiError::Http(StatusCode::METHOD_NOT_ALLOWED).error_response();
    // why: RFC 9110 asks a 405 to say which methods the resource does answer.
    if let Some(methods) = ALLOWED_METHODS.get(&pattern) {
        if let Ok(value) = HeaderValue::from_str(methods) {
            refused.headers_mut().insert(ALLOW, value);
        }
    }
    Ok(refused)
}

/// The methods each route answers (`GET, PUT`), by its pattern, as the contract lists
/// them: the contract is built from the same registration as the router.
static ALLOWED_METHODS: LazyLock<HashMap<String, String>> = LazyLock::new(|| {
    crate::openapi::document()
        .paths
        .paths
        .into_iter()
        .map(|(path, item)| {
            let methods = [
                ("GET", item.get.is_some()),
                ("PUT", item.put.is_some()),
                ("POST", item.post.is_some()),
                ("DELETE", item.delete.is_some()),
                ("PATCH", item.patch.is_some()),
            ];
            let allowed: Vec<&str> = methods
                .into_iter()
                .filter_map(|(method, served)| served.then_some(method))
                .collect();
            (path, allowed.join(", "))
        })
        .collect()
});

/// For `ErrorHandlers`: an error answer without a problem body (a 405 from a resource, a
/// 400 from actix's header parsing) gets one, keeping its status and headers (`Allow`).
pub fn problem_for_bare_errors<B: MessageBody + 'static>(
    response: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let is_problem = response.headers().get(CONTENT_TYPE).is_some_and(|value| {
        value
            .as_bytes()
            .starts_with(PROBLEM_CONTENT_TYPE.as_bytes())
    });
    if is_problem {
        return Ok(ErrorHandlerResponse::Response(
            response.map_into_left_body(),
        ));
    }
    let status = response.status();
    let (request, original) = response.into_parts();
    let mut problem = ApiError::Http(status).error_response();
    for (name, value) in original.headers() {
        if name != CONTENT_TYPE && !problem.headers().contains_key(name) {
            problem.headers_mut().insert(name.clone(), value.clone());
        }
    }
    let response: ServiceResponse<EitherBody<B, BoxBody>> =
        ServiceResponse::new(request, problem).map_into_right_body();
    Ok(ErrorHandlerResponse::Response(response))
}

pub(super) fn code_for_status(status: StatusCode) -> ErrorCode {
    match status {
        StatusCode::BAD_REQUEST => ErrorCode::BadRequest,
        StatusCode::UNAUTHORIZED => ErrorCode::Unauthorized,
        StatusCode::FORBIDDEN => ErrorCode::Forbidden,
        StatusCode::NOT_FOUND => ErrorCode::NotFound,
        StatusCode::METHOD_NOT_ALLOWED => ErrorCode::MethodNotAllowed,
        StatusCode::NOT_ACCEPTABLE => ErrorCode::NotAcceptable,
        StatusCode::REQUEST_TIMEOUT => ErrorCode::RequestTimeout,
        StatusCode::PAYLOAD_TOO_LARGE => ErrorCode::PayloadTooLarge,
        StatusCode::URI_TOO_LONG => ErrorCode::UriTooLong,
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ErrorCode::UnsupportedMediaType,
        StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE => ErrorCode::HeadersTooLarge,
        StatusCode::SERVICE_UNAVAILABLE => ErrorCode::ServiceUnavailable,
        status if status.is_server_error() => ErrorCode::InternalError,
        _ => ErrorCode::HttpError,
    }
}
