//! The one error type every domain service and port returns.

use std::time::Duration;

use crate::{ErrorCode, Version};

/// Why a domain operation did not happen.
///
/// The `api` crate maps each variant to an HTTP answer in exactly one place; backends
/// translate their own failures into these variants at their edge.
#[derive(Debug, thiserror::Error)]
pub enum DomainError {
    /// The named resource does not exist (or the caller may not know that it does).
    #[error("{resource} not found")]
    NotFound { resource: &'static str },

    /// The input was understood but breaks the domain's rules; one entry per field.
    #[error("invalid input: {} field error(s)", .0.len())]
    Invalid(Vec<FieldError>),

    /// The change contradicts the current state (a username taken, a transition not
    /// allowed); `code` says which rule.
    #[error("{message}")]
    Conflict { code: ErrorCode, message: String },

    /// The provider already has an appointment overlapping the requested time.
    #[error("the provider is already booked at that time")]
    SlotTaken { conflicting: uuid::Uuid },

    /// An active allergy of the patient warns against the medication: each is named,
    /// by id and substance. The clinician may override it, with a reason.
    #[error(
        "the patient has an active allergy to {}; to record the medication anyway, send override.reason",
        .allergies.iter().map(|(id, substance)| format!("{substance} (allergy {id})")).collect::<Vec<_>>().join(", ")
    )]
    AllergyConflict {
        allergies: Vec<(uuid::Uuid, String)>,
    },

    /// Another session holds the record's lock.
    #[error("the record is locked by {} since {since}", holder.display_name)]
    Locked {
        holder: crate::locks::LockHolder,
        since: chrono::DateTime<chrono::Utc>,
    },

    /// The caller wrote under a lock that expired, was broken, or passed to another
    /// holder; nothing was written.
    #[error("the lock this change was made under is no longer held")]
    LockLost,

    /// A backend this operation cannot do without is unreachable; try again later.
    #[error("a backend is unavailable")]
    Unavailable(#[source] anyhow::Error),

    /// The caller's version of the record is not the current one.
    #[error("the record has changed since it was read (now at version {current})")]
    PreconditionFailed { current: Version },

    /// The caller is not (or no longer) authenticated. The reason is for the log only:
    /// clients all see the same answer.
    #[error("not authenticated: {0}")]
    Unauthenticated(AuthFailure),

    /// The caller is authenticated but may not do this.
    #[error("not allowed")]
    Forbidden,

    /// The caller's password was made for the account; it must choose its own
    /// (`PUT /api/v1/me/password`) before anything else.
    #[error("choose your own password first (PUT /api/v1/me/password), then refresh")]
    PasswordChangeRequired,

    /// Too many failed attempts; try again after the given time.
    #[error("too many attempts; retry after {} s", .retry_after.as_secs())]
    TooManyAttempts { retry_after: Duration },

    /// A backend failed in a way the caller cannot fix. The cause is for the log only.
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

/// Why authentication failed: for logs and tests, never shown to a client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthFailure {
    MissingToken,
    MalformedToken,
    InvalidToken,
    ExpiredToken,
    SessionEnded,
    InvalidCredentials,
    UnknownRefreshToken,
    RefreshTokenReused,
}

impl std::fmt::Display for AuthFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let text = match self {
            Self::MissingToken => "no bearer token",
            Self::MalformedToken => "malformed bearer token",
            Self::InvalidToken => "invalid token",
            Self::ExpiredToken => "expired token",
            Self::SessionEnded => "the session has ended",
            Self::InvalidCredentials => "invalid username or password",
            Self::UnknownRefreshToken => "unknown refresh token",
            Self::RefreshTokenReused => "refresh token reused; session revoked",
        };
        f.write_str(text)
    }
}

impl DomainError {
    pub fn internal(cause: impl Into<anyhow::Error>) -> Self {
        Self::Internal(cause.into())
    }

    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Self::Invalid(vec![FieldError::new(field, message)])
    }

    pub fn conflict(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::Conflict {
            code,
            message: message.into(),
        }
    }
}

/// One rejected input field: its JSON path in the caller's terms and a message a person can act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// Collects field errors while parsing several fields, so the caller hears of all at once.
#[derive(Debug, Default)]
pub struct FieldErrors(Vec<FieldError>);

impl FieldErrors {
    /// Keeps the value, or records the error under `field` and returns `None`.
    pub fn take<T>(&mut self, field: &str, parsed: Result<T, String>) -> Option<T> {
        match parsed {
            Ok(value) => Some(value),
            Err(message) => {
                self.0.push(FieldError::new(field, message));
                None
            }
        }
    }

    pub fn into_result(self) -> Result<(), DomainError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(DomainError::Invalid(self.0))
        }
    }
}
