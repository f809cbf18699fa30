//! Backend failures into domain errors, at this crate's edge.

use domain::DomainError;

pub fn internal(cause: impl Into<anyhow::Error>) -> DomainError {
    DomainError::Internal(cause.into())
}
