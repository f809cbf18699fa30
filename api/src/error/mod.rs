//! `ApiError`: every way a request can fail, and the one place that turns each into an
//! RFC 9457 `application/problem+json` answer.
//!
//! Policy: a client sees what it can act on. An internal failure answers an opaque 500
//! whose body says nothing of the cause (no SQL, no stack, no patient data); the cause
//! chain goes to the log, inside the request's span, so it carries the request id.

mod extractors;
mod fallback;
mod problem;

use actix_web::http::header::{ETAG, RETRY_AFTER, WWW_AUTHENTICATE};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use domain::error::AuthFailure;
use domain::{DomainError, ErrorCode};

pub use extractors::{json_config, path_config, query_config};
pub use fallback::{not_found, problem_for_bare_errors};
pub use problem::{
    ComponentStatus, ConflictingAllergyBody, FieldErrorBody, LockHolderBody, Problem,
    PROBLEM_CONTENT_TYPE,
};

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error(transparent)]
    Domain(#[from] DomainError),

    #[error("no route matches this path")]
    RouteNotFound,

    #[error("the request body is not valid JSON (line {line}, column {column})")]
    MalformedJson { line: usize, column: usize },

    #[error("the request body does not fit the expected shape: {0}")]
    UnprocessableBody(String),

    #[error("the request's {part} is invalid: {message}")]
    BadRequest { part: &'static str, message: String },

    #[error("expected a body of type {expected}")]
    UnsupportedMediaType { expected: &'static str },

    #[error("the request body is larger than the limit of {limit} bytes")]
    PayloadTooLarge { limit: usize },

    #[error("one or more dependencies are unavailable")]
    NotReady(Vec<ComponentStatus>),

    #[error("this change must name the version it is based on in If-Match")]
    PreconditionRequired,

    #[error("a request with this Idempotency-Key is still being processed; retry later")]
    IdempotencyKeyInUse,

    #[error("this Idempotency-Key was used for a different request")]
    IdempotencyKeyReused,

    #[error("the range lies outside the {size} bytes of the content")]
    RangeNotSatisfiable { size: u64 },

    #[error("{0} is not accepted here, or the content is not what that type says")]
    MediaTypeRefused(String),

    #[error("the content does not match its Content-Digest")]
    DigestMismatch,

    /// A framework answer with no body of ours (405 from a resource, for example).
    #[error("{}", .0.canonical_reason().unwrap_or("HTTP error"))]
    Http(StatusCode),

    #[error("a request handler panicked")]
    Panicked,

    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

impl ApiError {
    /// The stable, snake_case code clients may switch on. Never change one once published.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Domain(DomainError::NotFound { .. }) => ErrorCode::NotFound,
            Self::Domain(DomainError::Invalid(_)) => ErrorCode::ValidationFailed,
            Self::Domain(DomainError::Conflict { code, .. }) => *code,
            Self::Domain(DomainError::PreconditionFailed { .. }) => ErrorCode::PreconditionFailed,
            Self::Domain(DomainError::SlotTaken { .. }) => ErrorCode::AppointmentConflict,
            Self::Domain(DomainError::AllergyConflict { .. }) => ErrorCode::AllergyConflict,
            Self::Domain(DomainError::Unauthenticated(AuthFailure::InvalidCredentials)) => {
                ErrorCode::InvalidCredentials
            }
            Self::Domain(DomainError::Unauthenticated(_)) => ErrorCode::Unauthenticated,
            Self::Domain(DomainError::Forbidden) => ErrorCode::Forbidden,
            Self::Domain(DomainError::PasswordChangeRequired) => ErrorCode::PasswordChangeRequired,
            Self::Domain(DomainError::TooManyAttempts { .. }) => ErrorCode::TooManyAttempts,
            Self::Domain(DomainError::Locked { .. }) => ErrorCode::Locked,
            Self::Domain(DomainError::LockLost) => ErrorCode::LockLost,
            Self::Domain(DomainError::Unavailable(_)) => ErrorCode::ServiceUnavailable,
            Self::PreconditionRequired => ErrorCode::PreconditionRequired,
            Self::IdempotencyKeyInUse => ErrorCode::IdempotencyKeyInUse,
            Self::IdempotencyKeyReused => ErrorCode::IdempotencyKeyReused,
            Self::RangeNotSatisfiable { .. } => ErrorCode::RangeNotSatisfiable,
            Self::MediaTypeRefused(_) => ErrorCode::UnsupportedMediaType,
            Self::DigestMismatch => ErrorCode::DigestMismatch,
            Self::Domain(DomainError::Internal(_)) | Self::Internal(_) | Self::Panicked => {
                ErrorCode::InternalError
            }
            Self::RouteNotFound => ErrorCode::RouteNotFound,
            Self::MalformedJson { .. } => ErrorCode::MalformedJson,
            Self::UnprocessableBody(_) => ErrorCode::InvalidBody,
            Self::BadRequest { .. } => ErrorCode::BadRequest,
            Self::UnsupportedMediaType { .. } => ErrorCode::UnsupportedMediaType,
            Self::PayloadTooLarge { .. } => ErrorCode::PayloadTooLarge,
            Self::NotReady(_) => ErrorCode::NotReady,
            Self::Http(status) => fallback::code_for_status(*status),
        }
    }

    fn title(&self) -> &'static str {
        match self {
            Self::Domain(DomainError::NotFound { .. }) => "Resource not found",
            Self::Domain(DomainError::Invalid(_)) => "Validation failed",
            Self::Domain(DomainError::Conflict { .. }) => "Conflict",
            Self::Domain(DomainError::PreconditionFailed { .. }) => "Precondition failed",
            Self::Domain(DomainError::SlotTaken { .. }) => "Appointment conflict",
            Self::Domain(DomainError::AllergyConflict { .. }) => "Allergy conflict",
            Self::Domain(DomainError::Unauthenticated(_)) => "Unauthenticated",
            Self::Domain(DomainError::Forbidden) => "Forbidden",
            Self::Domain(DomainError::PasswordChangeRequired) => "Password change required",
            Self::Domain(DomainError::TooManyAttempts { .. }) => "Too many attempts",
            Self::Domain(DomainError::Locked { .. }) => "Locked",
            Self::Domain(DomainError::LockLost) => "Lock lost",
            Self::Domain(DomainError::Unavailable(_)) => "Service unavailable",
            Self::PreconditionRequired => "Precondition required",
            Self::IdempotencyKeyInUse => "Request in progress",
            Self::IdempotencyKeyReused => "Idempotency key reused",
            Self::RangeNotSatisfiable { .. } => "Range not satisfiable",
            Self::MediaTypeRefused(_) => "Unsupported media type",
            Self::DigestMismatch => "Digest mismatch",
            Self::RouteNotFound => "Route not found",
            Self::MalformedJson { .. } => "Malformed JSON",
            Self::UnprocessableBody(_) => "Invalid request body",
            Self::BadRequest { .. } => "Bad request",
            Self::UnsupportedMediaType { .. } => "Unsupported media type",
            Self::PayloadTooLarge { .. } => "Payload too large",
            Self::NotReady(_) => "Not ready",
            Self::Http(status) => status.canonical_reason().unwrap_or("HTTP error"),
            Self::Domain(DomainError::Internal(_)) | Self::Internal(_) | Self::Panicked => {
                "Internal server error"
            }
        }
    }

    fn is_internal(&self) -> bool {
        matches!(
            self,
            Self::Domain(DomainError::Internal(_)) | Self::Internal(_) | Self::Panicked
        )
    }

    fn log_cause(&self) {
        let cause = match self {
            Self::Domain(DomainError::Internal(cause)) | Self::Internal(cause) => cause,
            // why: the panic hook has already logged the panic with its location.
            _ => return,
        };
        tracing::error!(
            error = format!("{cause:#}"),
            "request failed with an internal error"
        );
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::Domain(DomainError::NotFound { .. }) | Self::RouteNotFound => {
                StatusCode::NOT_FOUND
            }
            Self::Domain(DomainError::Invalid(_)) | Self::UnprocessableBody(_) => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            Self::MalformedJson { .. } | Self::BadRequest { .. } => StatusCode::BAD_REQUEST,
            Self::UnsupportedMediaType { .. } => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::NotReady(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Domain(
                DomainError::Conflict { .. }
                | DomainError::SlotTaken { .. }
                | DomainError::AllergyConflict { .. },
            ) => StatusCode::CONFLICT,
            Self::Domain(DomainError::PreconditionFailed { .. }) => StatusCode::PRECONDITION_FAILED,
            Self::Domain(DomainError::Unauthenticated(_)) => StatusCode::UNAUTHORIZED,
            Self::Domain(DomainError::Forbidden | DomainError::PasswordChangeRequired) => {
                StatusCode::FORBIDDEN
            }
            Self::Domain(DomainError::TooManyAttempts { .. }) => StatusCode::TOO_MANY_REQUESTS,
            Self::Domain(DomainError::Locked { .. } | DomainError::LockLost) => StatusCode::LOCKED,
            Self::Domain(DomainError::Unavailable(_)) => StatusCode::SERVICE_UNAVAILABLE,
            Self::PreconditionRequired => StatusCode::PRECONDITION_REQUIRED,
            Self::IdempotencyKeyInUse => StatusCode::CONFLICT,
            Self::IdempotencyKeyReused => StatusCode::UNPROCESSABLE_ENTITY,
            Self::RangeNotSatisfiable { .. } => StatusCode::RANGE_NOT_SATISFIABLE,
            Self::MediaTypeRefused(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::DigestMismatch => StatusCode::BAD_REQUEST,
            Self::Http(status) => *status,
            Self::Domain(DomainError::Internal(_)) | Self::Internal(_) | Self::Panicked => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        let detail = match self {
            _ if self.is_internal() => {
                self.log_cause();
                "The server failed to answer this request. Quote the X-Request-Id header when reporting it.".to_owned()
            }
            Self::Domain(DomainError::Unavailable(cause)) => {
                tracing::warn!(error = format!("{cause:#}"), "a backend is unavailable");
                "A backend this request needs is unavailable; nothing was changed. Try again shortly.".to_owned()
            }
            Self::Domain(DomainError::Unauthenticated(failure)) => {
                // why: the precise reason (unknown user, reused token...) stays in the
                // log; telling a client would help an attacker more than a user.
                tracing::info!(reason = %failure, "authentication refused");
                unauthenticated_detail(*failure).to_owned()
            }
            _ => self.to_string(),
        };
        let mut problem = Problem::new(status, self.code(), self.title(), detail);
        match self {
            Self::Domain(DomainError::Invalid(errors)) => {
                problem.errors = Some(errors.iter().map(FieldErrorBody::from).collect());
            }
            Self::Domain(DomainError::PreconditionFailed { current }) => {
                problem.current_version = Some(current.get());
            }
            Self::Domain(DomainError::SlotTaken { conflicting }) => {
                problem.conflicting_appointment_id = Some(*conflicting);
            }
            Self::Domain(DomainError::AllergyConflict { allergies }) => {
                problem.conflicting_allergies = Some(
                    allergies
                        .iter()
                        .map(|(id, substance)| ConflictingAllergyBody {
                            id: *id,
                            substance: substance.clone(),
                        })
                        .collect(),
                );
            }
            Self::Domain(DomainError::Locked { holder, since }) => {
                problem.holder = Some(holder.into());
                problem.locked_since = Some(*since);
            }
            Self::NotReady(components) => problem.components = Some(components.clone()),
            _ => {}
        }
        let mut response = problem.into_response();
        let headers = response.headers_mut();
        match self {
            Self::Domain(DomainError::Unauthenticated(failure)) => {
                let challenge = match failure {
                    AuthFailure::MissingToken | AuthFailure::InvalidCredentials => {
                        "Bearer realm=\"practica\""
                    }
                    _ => "Bearer realm=\"practica\", error=\"invalid_token\"",
                };
                headers.insert(
                    WWW_AUTHENTICATE,
                    actix_web::http::header::HeaderValue::from_static(challenge),
                );
            }
            Self::Domain(DomainError::TooManyAttempts { retry_after }) => {
                headers.insert(RETRY_AFTER, retry_after.as_secs().max(1).into());
            }
            Self::Domain(DomainError::Unavailable(_)) => {
                headers.insert(RETRY_AFTER, 5_u64.into());
            }
            Self::Domain(DomainError::PreconditionFailed { current }) => {
                if let Ok(value) = crate::http::etag(*current).try_into() {
                    headers.insert(ETAG, value);
                }
            }
            Self::RangeNotSatisfiable { size } => {
                if let Ok(value) = format!("bytes */{size}").try_into() {
                    headers.insert(actix_web::http::header::CONTENT_RANGE, value);
                }
            }
            _ => {}
        }
        response
    }
}

impl From<domain::documents::DocumentError> for ApiError {
    fn from(error: domain::documents::DocumentError) -> Self {
        use domain::documents::{DocumentError, UploadError};
        match error {
            DocumentError::UnsupportedMediaType(media_type) => Self::MediaTypeRefused(media_type),
            DocumentError::ForeignMarkup(refused) => {
                Self::MediaTypeRefused(format!("CDA with other markup ({refused})"))
            }
            DocumentError::Upload(UploadError::TooLarge { limit }) => Self::PayloadTooLarge {
                limit: usize::try_from(limit).unwrap_or(usize::MAX),
            },
            DocumentError::Upload(UploadError::DigestMismatch) => Self::DigestMismatch,
            DocumentError::Upload(UploadError::Failed(error)) | DocumentError::Domain(error) => {
                Self::Domain(error)
            }
        }
    }
}

fn unauthenticated_detail(failure: AuthFailure) -> &'static str {
    match failure {
        AuthFailure::MissingToken => "This endpoint needs `Authorization: Bearer <access token>`.",
        AuthFailure::InvalidCredentials => "Invalid username or password.",
        AuthFailure::UnknownRefreshToken | AuthFailure::RefreshTokenReused => {
            "The refresh token is not valid; sign in again."
        }
        _ => "The access token is invalid or expired, or its session has ended; refresh it or sign in again.",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::body::to_bytes;

    async fn body_of(error: ApiError) -> (StatusCode, serde_json::Value, Option<String>) {
        let response = error.error_response();
        let status = response.status();
        let content_type = response
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_owned());
        let bytes = to_bytes(response.into_body()).await.unwrap();
        (
            status,
            serde_json::from_slice(&bytes).unwrap(),
            content_type,
        )
    }

    #[actix_web::test]
    async fn an_internal_error_says_nothing_of_its_cause() {
        let cause = anyhow::anyhow!("relation \"patients\" does not exist; SELECT * FROM patients WHERE family_name = 'Doe'");
        let (status, body, content_type) = body_of(ApiError::Internal(cause)).await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(content_type.as_deref(), Some(PROBLEM_CONTENT_TYPE));
        assert_eq!(body["code"], "internal_error");
        let text = body.to_string();
        assert!(!text.contains("SELECT") && !text.contains("Doe") && !text.contains("patients"));
    }

    #[actix_web::test]
    async fn a_domain_validation_error_lists_each_field() {
        let error = DomainError::Invalid(vec![
            domain::FieldError::new("birthDate", "must not be in the future"),
            domain::FieldError::new("familyName", "must not be empty"),
        ]);
        let (status, body, _) = body_of(error.into()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(body["code"], "validation_failed");
        assert_eq!(body["errors"][0]["field"], "birthDate");
        assert_eq!(body["errors"][1]["message"], "must not be empty");
    }

    #[actix_web::test]
    async fn not_found_is_a_404_with_a_stable_code() {
        let error = DomainError::NotFound {
            resource: "patient",
        };
        let (status, body, _) = body_of(error.into()).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(body["code"], "not_found");
        assert_eq!(body["status"], 404);
        assert_eq!(body["detail"], "patient not found");
    }
}
