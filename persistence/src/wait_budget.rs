//! How long one request may wait, in all, for backend connections.
//!
//! Each pool bounds one wait, but a request takes several connections in turn: during a
//! database restart the first wait can end just as the server returns and the next one
//! wait again, so the caller hears nothing for the sum of them. A request runs inside
//! [`with_wait_budget`]; every connection it waits for spends from one budget, and once
//! the budget is spent the next wait fails at once. Only the waits count: a long upload
//! whose statements find connections at once never runs out. Work outside a request
//! (the scheduler's jobs) has no budget and waits as long as each pool allows.

use std::cell::Cell;
use std::future::Future;
use std::time::Duration;

use tokio::time::Instant;

tokio::task_local! {
    static LEFT: Cell<Duration>;
}

/// Runs `work` with `budget` to spend on waiting for connections.
pub async fn with_wait_budget<F: Future>(budget: Duration, work: F) -> F::Output {
    LEFT.scope(Cell::new(budget), work).await
}

/// Whether the running task spends from a budget.
pub(crate) fn applies() -> bool {
    LEFT.try_with(|_| ()).is_ok()
}

/// Waits for `connection` within what is left of the budget, and spends what the wait
/// took. `None` when the budget ran out first (a connection at hand is still taken);
/// without a budget, simply waits.
pub(crate) async fn wait_for<T>(connection: impl Future<Output = T>) -> Option<T> {
    let Ok(left) = LEFT.try_with(Cell::get) else {
        return Some(connection.await);
    };
    let started = Instant::now();
    let outcome = tokio::time::timeout(left, connection).await.ok();
    let _ = LEFT.try_with(|cell| cell.set(left.saturating_sub(started.elapsed())));
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn waits_spend_one_budget_and_a_spent_budget_fails_at_once() {
        let outcome = with_wait_budget(Duration::from_secs(2), async {
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
    async fn without_a_budget_a_wait_is_not_bounded() {
        assert!(!applies());
        let waited = wait_for(tokio::time::sleep(Duration::from_secs(60))).await;
        assert_eq!(waited, Some(()));
    }
}
