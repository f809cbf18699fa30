//! Extractor configurations whose failures answer as problems, not as actix's plain text.

use actix_web::error::{JsonPayloadError, PathError, PayloadError, QueryPayloadError};
use actix_web::web::{JsonConfig, PathConfig, QueryConfig};

use super::ApiError;

/// JSON bodies: the size limit, and problem answers for every way a body can be wrong.
pub fn json_config(limit: usize) -> JsonConfig {
    JsonConfig::default()
        .limit(limit)
        .error_handler(move |error, _request| json_error(error, limit).into())
}

pub fn path_config() -> PathConfig {
    PathConfig::default().error_handler(|error, _request| match error {
        PathError::Deserialize(cause) => ApiError::BadRequest {
            part: "path",
            message: cause.to_string(),
        }
        .into(),
        other => ApiError::BadRequest {
            part: "path",
            message: other.to_string(),
        }
        .into(),
    })
}

pub fn query_config() -> QueryConfig {
    QueryConfig::default().error_handler(|error, _request| match error {
        QueryPayloadError::Deserialize(cause) => ApiError::BadRequest {
            part: "query string",
            message: cause.to_string(),
        }
        .into(),
        other => ApiError::BadRequest {
            part: "query string",
            message: other.to_string(),
        }
        .into(),
    })
}

fn json_error(error: JsonPayloadError, limit: usize) -> ApiError {
    match error {
        JsonPayloadError::OverflowKnownLength { limit, .. }
        | JsonPayloadError::Overflow { limit } => ApiError::PayloadTooLarge { limit },
        JsonPayloadError::Payload(PayloadError::Overflow) => ApiError::PayloadTooLarge { limit },
        JsonPayloadError::ContentType => ApiError::UnsupportedMediaType {
            expected: "application/json",
        },
        JsonPayloadError::Deserialize(cause) if cause.is_data() => {
            ApiError::UnprocessableBody(cause.to_string())
        }
        JsonPayloadError::Deserialize(cause) => ApiError::MalformedJson {
            line: cause.line(),
            column: cause.column(),
        },
        JsonPayloadError::Payload(cause) => ApiError::BadRequest {
            part: "body",
            message: cause.to_string(),
        },
        JsonPayloadError::Serialize(cause) => ApiError::Internal(cause.into()),
        other => ApiError::BadRequest {
            part: "body",
            message: other.to_string(),
        },
    }
}
