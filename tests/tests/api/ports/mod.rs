//! Each port's conformance suite, run against every backend.

mod file_store;
mod health_probe;
mod lock_manager;
mod login_attempts;
mod session_store;
