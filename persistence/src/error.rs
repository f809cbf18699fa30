//! Backend failures into domain errors, at this crate's edge.

use domain::DomainError;

pub fn internal(cause: impl Into<anyhow::Error>) -> DomainError {
    DomainError::Internal(cause.into())
}

/// The answer to a write at a version that is no longer current: the record's actual
/// version, read from the row the write missed.
pub fn stale(stored_version: i64) -> DomainError {
    match domain::Version::new(stored_version) {
        Some(current) => DomainError::PreconditionFailed { current },
        None => internal(anyhow::anyhow!(
            "a stored version of {stored_version} is impossible"
        )),
    }
}
