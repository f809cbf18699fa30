//! practica's domain: the rules of a clustered EMR, spoken in its own types.
//!
//! This crate knows nothing of HTTP, SQL or Redis. Backends implement its ports
//! (traits), and the `api` crate wires them in at start-up.

pub mod audit;
pub mod auth;
pub mod documents;
pub mod error;
pub mod health;
pub mod idempotency;
pub mod notes;
pub mod page;
pub mod patients;
pub mod schedule;
pub mod version;

pub use error::{DomainError, FieldError};
pub use page::{Page, PageRequest};
pub use version::Version;
