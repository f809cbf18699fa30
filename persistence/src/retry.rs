//! SQLite lets one writer at a time; a transaction that read first and then finds the
//! database changed (`SQLITE_BUSY`) cannot wait its turn and must start over. These
//! helpers run a whole transaction again when that happens. PostgreSQL never answers
//! "database is locked", so there the work runs once.

use std::future::Future;
use std::time::Duration;

use domain::DomainError;
use rand::Rng;

/// Attempts before the busy error is passed on.
const ATTEMPTS: u32 = 40;

/// Runs `work` (one whole transaction) until it does not fail with SQLite's busy error.
pub(crate) async fn retry_when_busy<T, F, Fut>(mut work: F) -> Result<T, DomainError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, DomainError>>,
{
    let mut attempt = 0;
    loop {
        match work().await {
            Err(DomainError::Internal(cause)) if attempt + 1 < ATTEMPTS && is_busy(&cause) => {
                attempt += 1;
                // why: jittered, growing pauses keep competing writers from colliding
                // again in lockstep.
                let ceiling = 2_u64.saturating_pow(attempt.min(6));
                let pause = rand::thread_rng().gen_range(1..=ceiling);
                tokio::time::sleep(Duration::from_millis(pause)).await;
            }
            other => return other,
        }
    }
}

fn is_busy(cause: &anyhow::Error) -> bool {
    cause
        .chain()
        .any(|error| error.to_string().contains("database is locked"))
}
