//! Each port's conformance suite, run against every backend.

mod health_probe;
mod login_attempts;
mod session_store;
