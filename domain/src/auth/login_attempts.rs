use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::DomainError;

/// Failed logins for one subject within a window, judged by the store's clock.
#[derive(Debug, Clone, Copy)]
pub struct FailureWindow {
    pub count: u32,
    pub oldest: Option<DateTime<Utc>>,
    pub now: DateTime<Utc>,
}

/// Counts failed logins per subject (`account:{name}`, `address:{ip}`) in a store all
/// nodes share, so a limit holds across the cluster.
#[async_trait]
pub trait LoginAttempts: Send + Sync {
    async fn record_failure(&self, subject: &str) -> Result<(), DomainError>;

    async fn recent_failures(
        &self,
        subject: &str,
        window: Duration,
    ) -> Result<FailureWindow, DomainError>;

    /// Forgets a subject's failures (after a successful login).
    async fn clear(&self, subject: &str) -> Result<(), DomainError>;
}

impl FailureWindow {
    /// How long until the oldest failure leaves the window: the `Retry-After`.
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
    use super::*;

    pub async fn failures_are_counted_per_subject_and_cleared(store: &dyn LoginAttempts) {
        let subject = format!("account:conformance-{}", uuid::Uuid::now_v7());
        let other = format!("{subject}-other");
        let window = Duration::from_secs(900);
        assert_eq!(
            store.recent_failures(&subject, window).await.unwrap().count,
            0
        );
        for _ in 0..3 {
            store.record_failure(&subject).await.unwrap();
        }
        let seen = store.recent_failures(&subject, window).await.unwrap();
        assert_eq!(seen.count, 3);
        assert!(seen.oldest.is_some_and(|oldest| oldest <= seen.now));
        assert_eq!(
            store.recent_failures(&other, window).await.unwrap().count,
            0
        );
        store.clear(&subject).await.unwrap();
        assert_eq!(
            store.recent_failures(&subject, window).await.unwrap().count,
            0
        );
    }

    pub async fn failures_leave_the_window(store: &dyn LoginAttempts) {
        let subject = format!("address:conformance-{}", uuid::Uuid::now_v7());
        store.record_failure(&subject).await.unwrap();
        tokio::time::sleep(Duration::from_millis(400)).await;
        let seen = store
            .recent_failures(&subject, Duration::from_millis(200))
            .await
            .unwrap();
        assert_eq!(seen.count, 0);
    }
}
