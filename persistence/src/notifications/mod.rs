//! The notification outbox on the SQL database (the reminder job fills it).

pub(crate) mod entity;
mod sql_outbox;

pub use sql_outbox::SqlOutbox;
