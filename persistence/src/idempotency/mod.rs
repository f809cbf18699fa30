//! The SQL backend of the idempotency store.

mod entity;
mod sql_idempotency;

pub use sql_idempotency::SqlIdempotencyStore;
