use std::future::{ready, Ready};

use actix_web::dev::Payload;
use actix_web::http::header::IF_MATCH;
use actix_web::{FromRequest, HttpRequest};
use domain::Version;

use crate::error::ApiError;

/// The strong ETag of a record at `version`: `"7"`.
pub fn etag(version: Version) -> String {
    format!("\"{version}\"")
}

/// A `200` with `body` and the `ETag` of `version`.
pub fn versioned_ok(version: Version, body: impl serde::Serialize) -> actix_web::HttpResponse {
    actix_web::HttpResponse::Ok()
        .insert_header((actix_web::http::header::ETAG, etag(version)))
        .json(body)
}

/// The version a write is conditional on, from `If-Match`. Missing is `428`: every
/// change of a record must say which version it changes.
#[derive(Debug, Clone, Copy)]
pub struct IfMatch(pub Version);

impl FromRequest for IfMatch {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        let Some(value) = request.headers().get(IF_MATCH) else {
            return ready(Err(ApiError::PreconditionRequired));
        };
        let version = value
            .to_str()
            .ok()
            .and_then(|text| {
                text.trim()
                    .strip_prefix('"')?
                    .strip_suffix('"')?
                    .parse::<i64>()
                    .ok()
            })
            .and_then(Version::new);
        ready(version.map(IfMatch).ok_or(ApiError::BadRequest {
            part: "If-Match header",
            message: "expected a strong ETag such as \"3\"".to_owned(),
        }))
    }
}
