//! The SQL backend of the idempotency store.

pub(crate) mod entity;
pub(crate) mod sql_idempotency;

pub use sql_idempotency::SqlIdempotencyStore;
