//! Is this node fit to serve? The probes of its dependencies and the readiness verdict.

mod probe;
mod readiness;

#[cfg(feature = "conformance")]
pub use probe::conformance;
pub use probe::HealthProbe;
pub use readiness::{CheckOutcome, ComponentCheck, Readiness, ReadinessReport};
