use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::error::InternalError;
use actix_web::http::header::{
    HeaderMap, HeaderName, HeaderValue, CACHE_CONTROL, CONTENT_SECURITY_POLICY, REFERRER_POLICY,
    X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use actix_web::middleware::Next;

/// An API answer is data, never a page: it may load nothing and be framed by no one.
const API_POLICY: &str = "default-src 'none'; frame-ancestors 'none'";
/// Swagger UI's page loads its own scripts, styles and images, and calls the API on this
/// origin; its bundled page styles and starts itself inline.
const DOCS_POLICY: &str = "default-src 'none'; script-src 'self' 'unsafe-inline'; \
     style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; \
     frame-ancestors 'none'";

/// The headers a hospital's security review asks of every answer (OWASP ASVS V14.4):
/// no content sniffing, no referrer, a restrictive Content-Security-Policy, no framing,
/// and no caching of anything under `/api` (patient data must not sit in a browser's or
/// a proxy's cache). A handler that sets a header itself (a download's `sandbox` policy)
/// keeps its own.
pub async fn security_headers(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    // why: the path as the router reads it, decoded (`/%61pi/` is `/api/`).
    let path = request.match_info().as_str();
    let is_api = path.starts_with("/api/");
    let is_docs = path.starts_with("/docs");
    let policy = if is_docs { DOCS_POLICY } else { API_POLICY };
    match next.call(request).await {
        Ok(mut response) => {
            add_headers(response.headers_mut(), policy, is_api);
            Ok(response.map_into_boxed_body())
        }
        // why: an error that reaches this far is rendered by actix-web from what it
        // carries; rendering it here lets its answer carry the headers too.
        Err(error) => {
            let mut response = error.error_response();
            add_headers(response.headers_mut(), policy, is_api);
            Err(InternalError::from_response(error, response).into())
        }
    }
}

fn add_headers(headers: &mut HeaderMap, policy: &'static str, is_api: bool) {
    let mut keep_or_set = |name: HeaderName, value: &'static str| {
        if !headers.contains_key(&name) {
            headers.insert(name, HeaderValue::from_static(value));
        }
    };
    keep_or_set(X_CONTENT_TYPE_OPTIONS, "nosniff");
    keep_or_set(REFERRER_POLICY, "no-referrer");
    keep_or_set(X_FRAME_OPTIONS, "DENY");
    keep_or_set(CONTENT_SECURITY_POLICY, policy);
    if is_api {
        keep_or_set(CACHE_CONTROL, "no-store");
    }
}
