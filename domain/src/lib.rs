//! practica's domain: the rules of a clustered EMR, spoken in its own types.
//!
//! This crate knows nothing of HTTP, SQL or Redis. Backends implement its ports
//! (traits), and the `api` crate wires them in at start-up.

pub mod audit;
pub mod auth;
pub mod chart;
pub mod documents;
pub mod error;
pub mod error_code;
pub mod health;
pub mod id;
pub mod idempotency;
pub mod jobs;
pub mod locks;
pub mod notes;
pub mod notifications;
pub mod page;
pub mod patients;
pub mod rule;
pub mod schedule;
pub mod text;
pub mod version;

pub use error::{DomainError, FieldError};
pub use error_code::ErrorCode;
pub use page::{Page, PageRequest};
pub use rule::Rule;
pub use version::Version;
