//! What one request may spend on the database and Redis: one budget for waiting for
//! connections, and a bound on each piece of database work.
//!
//! Each pool bounds one wait, but a request takes several connections in turn: during a
//! database restart the first wait can end just as the server returns and the next one
//! wait again, so the caller hears nothing for the sum of them. A request runs inside
//! [`within_request_limits`]; every connection it waits for spends from one budget, and
//! once the budget is spent the next wait fails at once. What counts is the time taken
//! to get each connection (with `BEGIN`, a round trip), and for a read outside a unit
//! of work the read itself, which cannot be told apart from its wait: a long upload
//! whose chunks each find a connection at once spends milliseconds of it in all, while
//! a request that keeps meeting a busy pool or a dead database ends with a 503.
//!
//! A connection that died without a close (a network partition: packets dropped, no
//! reset) would hold a statement until TCP gives up, many minutes later, and neither
//! sqlx nor PostgreSQL's own `statement_timeout` bounds that. So each unit of work and
//! each statement of a request is bounded too; past the bound the request answers 503,
//! and, as with any connection lost mid-commit, whether a commit in flight landed is
//! unknown (a keyed retry finds out).
//!
//! Work outside a request (the scheduler's jobs) has no such limits: each pool bounds
//! its waits, and a job's lease bounds its run.

use std::cell::Cell;
use std::future::Future;
use std::time::Duration;

use tokio::time::Instant;

/// The limits of one request.
#[derive(Debug, Clone, Copy)]
pub struct RequestLimits {
    /// How long the request may wait, in all, for connections.
    pub connection_wait: Duration,
    /// How long one unit of work (a transaction) or statement may take.
    pub database_work: Duration,
}

struct Spent {
    wait_left: Cell<Duration>,
    database_work: Duration,
}

tokio::task_local! {
    static LIMITS: Spent;
}

/// Runs `work` within `limits`.
pub async fn within_request_limits<F: Future>(limits: RequestLimits, work: F) -> F::Output {
    let spent = Spent {
        wait_left: Cell::new(limits.connection_wait),
        database_work: limits.database_work,
    };
    LIMITS
        .scope(spent, crate::held_connection::holding(work))
        .await
}

/// `work`, to run in a task of its own, under what is left of the running request's
/// limits (none outside a request).
pub(crate) fn carried_over<F: Future>(work: F) -> impl Future<Output = F::Output> {
    let limits = LIMITS
        .try_with(|limits| RequestLimits {
            connection_wait: limits.wait_left.get(),
            database_work: limits.database_work,
        })
        .ok();
    async move {
        match limits {
            Some(limits) => within_request_limits(limits, work).await,
            None => work.await,
        }
    }
}

/// Whether the running task is a request's, with limits.
pub(crate) fn applies() -> bool {
    LIMITS.try_with(|_| ()).is_ok()
}

/// Waits for `connection` within what is left of the budget, and spends what the wait
/// took. `None` when the budget ran out first (a connection at hand is still taken);
/// outside a request, simply waits.
pub(crate) async fn wait_for<T>(connection: impl Future<Output = T>) -> Option<T> {
    let Ok(left) = LIMITS.try_with(|limits| limits.wait_left.get()) else {
        return Some(connection.await);
    };
    let started = Instant::now();
    let outcome = tokio::time::timeout(left, connection).await.ok();
    let _ = LIMITS.try_with(|limits| limits.wait_left.set(left.saturating_sub(started.elapsed())));
    outcome
}

/// Runs `work` (a unit of work or a statement) within the request's bound on database
/// work. `None` when the bound passed first; outside a request, simply runs it.
pub(crate) async fn bounded_work<T>(work: impl Future<Output = T>) -> Option<T> {
    let Ok(limit) = LIMITS.try_with(|limits| limits.database_work) else {
        return Some(work.await);
    };
    tokio::time::timeout(limit, work).await.ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn waits_spend_one_budget_and_a_spent_budget_fails_at_once() {
        let limits = RequestLimits {
            connection_wait: Duration::from_secs(2),
            database_work: Duration::from_secs(10),
        };
        let outcome = within_request_limits(limits, async {
            let first = wait_for(tokio::time::sleep(Duration::from_millis(1500))).await;
            let started = Instant::now();
            let second = wait_for(tokio::time::sleep(Duration::from_secs(1))).await;
            let third = wait_for(async {}).await;
            (first, second, started.elapsed(), third)
        })
        .await;
        assert_eq!(outcome.0, Some(()));
        assert_eq!(outcome.1, None, "the second wait had only 0.5 s left");
        assert_eq!(outcome.2, Duration::from_millis(500));
        assert_eq!(outcome.3, Some(()), "a connection at hand needs no wait");
    }

    #[tokio::test(start_paused = true)]
    async fn database_work_past_its_bound_is_abandoned() {
        let limits = RequestLimits {
            connection_wait: Duration::from_secs(2),
            database_work: Duration::from_secs(10),
        };
        let outcome = within_request_limits(limits, async {
            let quick = bounded_work(tokio::time::sleep(Duration::from_secs(9))).await;
            let hung = bounded_work(tokio::time::sleep(Duration::from_secs(600))).await;
            (quick, hung)
        })
        .await;
        assert_eq!(
            outcome,
            (Some(()), None),
            "each piece of work has its own bound"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn outside_a_request_nothing_is_bounded() {
        assert!(!applies());
        let waited = wait_for(tokio::time::sleep(Duration::from_secs(60))).await;
        let worked = bounded_work(tokio::time::sleep(Duration::from_secs(600))).await;
        assert_eq!((waited, worked), (Some(()), Some(())));
    }
}
