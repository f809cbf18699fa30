//! This crate's error: what a store operation can fail with before it reaches the domain.
//!
//! `?` turns a sea-orm error into [`StoreError::Database`]; at the crate's edge every
//! `StoreError` becomes a [`DomainError`]. Only named constraints become anything but
//! `Internal`, and only where a repository translates them.

use domain::{DomainError, Version};
use sea_orm::{DbErr, RuntimeErr};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The domain refused, or a constraint was translated into the domain's terms.
    #[error(transparent)]
    Domain(#[from] DomainError),

    #[error("database error")]
    Database(#[from] DbErr),

    /// The backend could not be reached (no connection, a dropped one, a pool that
    /// waited in vain): the caller may try again shortly.
    #[error("a backend is unreachable")]
    Unreachable(#[source] anyhow::Error),

    /// Anything else that went wrong below the domain: a corrupt row, a broken invariant.
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

pub type StoreResult<T> = Result<T, StoreError>;

impl From<StoreError> for DomainError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Domain(error) => error,
            StoreError::Database(error) if is_unreachable(&error) => {
                // A busy pool says nothing of the connections in it.
                if !matches!(error, DbErr::ConnectionAcquire(_)) {
                    crate::database::suspect_connections();
                }
                DomainError::Unavailable(error.into())
            }
            StoreError::Database(error) => DomainError::internal(error),
            StoreError::Unreachable(error) => DomainError::Unavailable(error),
            StoreError::Other(error) => DomainError::Internal(error),
        }
    }
}

impl From<serde_json::Error> for StoreError {
    fn from(error: serde_json::Error) -> Self {
        Self::Other(error.into())
    }
}

impl StoreError {
    /// A broken invariant below the domain, for the log.
    pub fn internal(message: impl std::fmt::Display) -> Self {
        Self::Other(anyhow::anyhow!("{message}"))
    }

    /// SQLite's "another connection holds the lock" (`SQLITE_BUSY`, `SQLITE_LOCKED` and
    /// their extended codes), by its result code.
    pub fn is_busy(&self) -> bool {
        let StoreError::Database(error) = self else {
            return false;
        };
        database_error(error)
            .filter(|error| {
                error
                    .try_downcast_ref::<sqlx::sqlite::SqliteError>()
                    .is_some()
            })
            .and_then(|error| error.code())
            .and_then(|code| code.parse::<i32>().ok())
            .is_some_and(|code| matches!(code & 0xff, SQLITE_BUSY | SQLITE_LOCKED))
    }

    /// The name of the constraint the database refused the write for, if it names one
    /// (PostgreSQL does; SQLite names only the columns of a unique key).
    pub fn violated_constraint(&self) -> Option<&str> {
        match self {
            StoreError::Database(error) => database_error(error)?.constraint(),
            _ => None,
        }
    }

    /// Whether the write broke a unique key.
    pub fn is_unique_violation(&self) -> bool {
        matches!(
            self,
            StoreError::Database(error)
                if matches!(error.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_)))
        )
    }
}

/// Whether the database could not be reached at all, rather than refusing a statement.
fn is_unreachable(error: &DbErr) -> bool {
    let sqlx_error = match error {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => return true,
        DbErr::Exec(RuntimeErr::SqlxError(error)) | DbErr::Query(RuntimeErr::SqlxError(error)) => {
            error
        }
        _ => return false,
    };
    match sqlx_error {
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed => true,
        // why: PostgreSQL's classes 08 (connection exception) and 57P (the server
        // shutting down or ending the session) mean the server went away mid-statement.
        sqlx::Error::Database(error) => error
            .code()
            .is_some_and(|code| code.starts_with("08") || code.starts_with("57P")),
        _ => false,
    }
}

const SQLITE_BUSY: i32 = 5;
const SQLITE_LOCKED: i32 = 6;

fn database_error(error: &DbErr) -> Option<&(dyn sqlx::error::DatabaseError + 'static)> {
    match error {
        DbErr::Conn(RuntimeErr::SqlxError(sqlx::Error::Database(error)))
        | DbErr::Exec(RuntimeErr::SqlxError(sqlx::Error::Database(error)))
        | DbErr::Query(RuntimeErr::SqlxError(sqlx::Error::Database(error))) => Some(error.as_ref()),
        _ => None,
    }
}

/// The answer to a write at a version that is no longer current: the record's actual
/// version, read from the row the write missed.
pub fn stale(stored_version: i64) -> StoreError {
    match Version::new(stored_version) {
        Some(current) => DomainError::PreconditionFailed { current }.into(),
        None => StoreError::internal(format!(
            "a stored version of {stored_version} is impossible"
        )),
    }
}

/// A row that does not convert into its domain type: the database holds what the domain
/// would never have written.
pub fn corrupt(
    resource: &str,
    id: impl std::fmt::Display,
    what: &str,
    why: impl std::fmt::Display,
) -> StoreError {
    StoreError::internal(format!("{resource} {id} has an unreadable {what}: {why}"))
}

/// Runs store code written with `?` on [`StoreError`]s and answers in the domain's terms.
pub async fn domain_result<T>(
    work: impl std::future::Future<Output = StoreResult<T>>,
) -> Result<T, DomainError> {
    Ok(work.await?)
}

impl From<std::io::Error> for StoreError {
    fn from(error: std::io::Error) -> Self {
        Self::Other(error.into())
    }
}

impl From<redis::RedisError> for StoreError {
    fn from(error: redis::RedisError) -> Self {
        let unreachable = error.is_io_error()
            || error.is_connection_refusal()
            || error.is_connection_dropped()
            || error.is_timeout();
        if unreachable {
            Self::Unreachable(error.into())
        } else {
            Self::Other(error.into())
        }
    }
}

impl From<deadpool_redis::PoolError> for StoreError {
    fn from(error: deadpool_redis::PoolError) -> Self {
        // why: the pool fails only when it cannot open or hand out a connection.
        Self::Unreachable(error.into())
    }
}

impl From<std::num::TryFromIntError> for StoreError {
    fn from(error: std::num::TryFromIntError) -> Self {
        Self::Other(error.into())
    }
}

impl From<std::num::ParseIntError> for StoreError {
    fn from(error: std::num::ParseIntError) -> Self {
        Self::Other(error.into())
    }
}

impl From<base64::DecodeError> for StoreError {
    fn from(error: base64::DecodeError) -> Self {
        Self::Other(error.into())
    }
}
