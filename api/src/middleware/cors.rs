use actix_cors::Cors;
use actix_web::http::header::{
    HeaderName, ACCEPT, ACCEPT_RANGES, AUTHORIZATION, CONTENT_DISPOSITION, CONTENT_RANGE,
    CONTENT_TYPE, ETAG, IF_MATCH, IF_NONE_MATCH, LOCATION, RANGE, RETRY_AFTER, WWW_AUTHENTICATE,
};
use actix_web::http::Method;

use super::{IDEMPOTENCY_KEY_HEADER, REPLAYED_HEADER, REQUEST_ID_HEADER};
use crate::http::LOCK_TOKEN;

const CONTENT_DIGEST: HeaderName = HeaderName::from_static("content-digest");

/// What a browser app on an allowed origin may call: every method and request header the
/// contract uses, and every response header it must read (a browser hides the rest).
///
/// An origin not on the list gets no grant, and so its page cannot read the answer; the
/// request itself is not refused, since a page on the server's own origin (Swagger UI)
/// sends an `Origin` too and needs no grant.
pub fn cors(allowed_origins: &[String]) -> Cors {
    let cors = Cors::default()
        .allowed_methods([
            Method::GET,
            Method::POST,
            Method::PUT,
            Method::PATCH,
            Method::DELETE,
        ])
        .allowed_headers([
            ACCEPT,
            AUTHORIZATION,
            CONTENT_TYPE,
            IF_MATCH,
            IF_NONE_MATCH,
            RANGE,
            IDEMPOTENCY_KEY_HEADER,
            HeaderName::from_static(LOCK_TOKEN),
            REQUEST_ID_HEADER,
            CONTENT_DIGEST,
        ])
        .expose_headers([
            ETAG,
            LOCATION,
            RETRY_AFTER,
            CONTENT_RANGE,
            CONTENT_DISPOSITION,
            ACCEPT_RANGES,
            WWW_AUTHENTICATE,
            REQUEST_ID_HEADER,
            REPLAYED_HEADER,
        ])
        .max_age(600)
        .block_on_origin_mismatch(false);
    allowed_origins
        .iter()
        .fold(cors, |cors, origin| cors.allowed_origin(origin))
}
