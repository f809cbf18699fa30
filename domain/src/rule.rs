//! How a domain rule reaches the store's transaction.

use chrono::{DateTime, Utc};

use crate::DomainError;

/// A domain rule a repository applies inside its unit of work: it gets what the store
/// loaded (the record, or facts about the records it depends on) and the database's
/// clock, and returns the value to write or the reason for refusing. The store may run
/// it more than once (SQLite retries a busy transaction), so it must not have effects.
pub type Rule<'a, Loaded, Decided> =
    &'a (dyn Fn(Loaded, DateTime<Utc>) -> Result<Decided, DomainError> + Send + Sync);
