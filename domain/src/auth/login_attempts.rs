use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::DomainError;

/// Attempts for one subject within a window, judged by the store's clock.
#[derive(Debug, Clone, Copy)]
pub struct FailureWindow {
    pub count: u32,
    pub oldest: Option<DateTime<Utc>>,
    pub now: DateTime<Utc>,
}

crate::id_type!(
    /// One counted attempt, which can be taken back once it succeeded.
    AttemptId
);

/// What counting an attempt came to.
#[derive(Debug, Clone, Copy)]
pub enum Attempt {
    /// Counted; the attempt may go ahead.
    Counted(AttemptId),
    /// The subject already has its limit of attempts in the window; nothing was
    /// counted, and the attempt must not go ahead.
    Refused(FailureWindow),
}

/// Counts attempts (at a password) per subject (an account, an address, an account
/// from an address) in a store all nodes share, so that a limit holds across the
/// cluster.
#[async_trait]
pub trait LoginAttempts: Send + Sync {
    /// Counts an attempt for `subject` if fewer than `limit` are in the last `window`,
    /// atomically: attempts made at once, on any nodes, never overrun the limit. The
    /// attempt is counted before the password is checked, so that checking it (which
    /// takes a while) leaves no gap to race through.
    async fn try_count(
        &self,
        subject: &str,
        limit: u32,
        window: Duration,
    ) -> Result<Attempt, DomainError>;

    /// Takes back an attempt that succeeded: it counts against no limit.
    async fn withdraw(&self, subject: &str, attempt: AttemptId) -> Result<(), DomainError>;

    /// Forgets a subject's attempts (after a successful login).
    async fn clear(&self, subject: &str) -> Result<(), DomainError>;
}

impl FailureWindow {
    /// How long until the oldest attempt leaves the window: the `Retry-After`.
    pub fn retry_after(&self, window: Duration) -> Duration {
        let Some(oldest) = self.oldest else {
            return Duration::from_secs(1);
        };
        let window = chrono::Duration::from_std(window).unwrap_or(chrono::Duration::zero());
        (oldest + window - self.now)
            .to_std()
            .unwrap_or(Duration::ZERO)
            .max(Duration::from_secs(1))
    }
}

#[cfg(feature = "conformance")]
#[allow(clippy::unwrap_used, clippy::expect_used)]
pub mod conformance {
    use std::sync::Arc;

    use super::*;

    fn subject(kind: &str) -> String {
        format!("{kind}:conformance-{}", uuid::Uuid::now_v7())
    }

    pub async fn attempts_are_counted_up_to_the_limit_per_subject(store: &dyn LoginAttempts) {
        let subject = subject("account");
        let other = format!("{subject}-other");
        let window = Duration::from_secs(900);
        for _ in 0..3 {
            assert!(matches!(
                store.try_count(&subject, 3, window).await.unwrap(),
                Attempt::Counted(_)
            ));
        }
        let Attempt::Refused(seen) = store.try_count(&subject, 3, window).await.unwrap() else {
            panic!("a fourth attempt within the limit of 3");
        };
        assert_eq!(seen.count, 3, "the refused attempt is not counted");
        assert!(seen.oldest.is_some_and(|oldest| oldest <= seen.now));
        assert!(seen.retry_after(window) > Duration::from_secs(800));
        assert!(matches!(
            store.try_count(&other, 3, window).await.unwrap(),
            Attempt::Counted(_)
        ));
        store.clear(&subject).await.unwrap();
        assert!(matches!(
            store.try_count(&subject, 3, window).await.unwrap(),
            Attempt::Counted(_)
        ));
    }

    pub async fn a_withdrawn_attempt_counts_no_more(store: &dyn LoginAttempts) {
        let subject = subject("address");
        let window = Duration::from_secs(900);
        let Attempt::Counted(first) = store.try_count(&subject, 1, window).await.unwrap() else {
            panic!("the first attempt is refused");
        };
        assert!(matches!(
            store.try_count(&subject, 1, window).await.unwrap(),
            Attempt::Refused(_)
        ));
        store.withdraw(&subject, first).await.unwrap();
        assert!(matches!(
            store.try_count(&subject, 1, window).await.unwrap(),
            Attempt::Counted(_)
        ));
    }

    pub async fn attempts_at_once_never_overrun_the_limit(store: Arc<dyn LoginAttempts>) {
        let subject = subject("account");
        let attempts = (0..12).map(|_| {
            let store = store.clone();
            let subject = subject.clone();
            tokio::spawn(async move {
                store
                    .try_count(&subject, 5, Duration::from_secs(900))
                    .await
                    .unwrap()
            })
        });
        let mut counted = 0;
        for attempt in futures_util::future::join_all(attempts).await {
            if matches!(attempt.unwrap(), Attempt::Counted(_)) {
                counted += 1;
            }
        }
        assert_eq!(counted, 5, "12 attempts at once against a limit of 5");
    }

    pub async fn attempts_leave_the_window(store: &dyn LoginAttempts) {
        let subject = subject("address");
        let window = Duration::from_millis(300);
        store.try_count(&subject, 1, window).await.unwrap();
        assert!(matches!(
            store.try_count(&subject, 1, window).await.unwrap(),
            Attempt::Refused(_)
        ));
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert!(matches!(
            store.try_count(&subject, 1, window).await.unwrap(),
            Attempt::Counted(_)
        ));
    }
}
