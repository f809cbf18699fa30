//! The one error type every domain service returns.

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

    /// A backend failed in a way the caller cannot fix. The cause is for the log only.
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
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
