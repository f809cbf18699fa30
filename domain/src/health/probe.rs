use async_trait::async_trait;

/// A dependency a node needs in order to serve requests: the database, Redis.
///
/// Contract for every backend:
/// - `check` returns `Ok(())` only after a real round trip to the dependency succeeded
///   (a cached "it was up a minute ago" is not an answer);
/// - it returns `Err` with the cause when the dependency refuses, is unreachable or is
///   closed. The cause goes to the log, never to a client.
/// - it may take as long as the backend's own time-outs; [`Readiness`](super::Readiness)
///   bounds the wait, so a probe need not.
#[async_trait]
pub trait HealthProbe: Send + Sync {
    /// A short, stable component name shown in readiness reports: `database`, `redis`.
    fn component(&self) -> &'static str;

    /// One round trip to the dependency.
    async fn check(&self) -> anyhow::Result<()>;
}

/// The conformance suite every [`HealthProbe`] backend passes.
#[cfg(feature = "conformance")]
#[allow(clippy::unwrap_used, clippy::expect_used)]
pub mod conformance {
    use super::HealthProbe;

    /// A probe of a dependency that is up reports it up, again and again.
    pub async fn reports_up_when_reachable(probe: &dyn HealthProbe) {
        for attempt in 0..3 {
            if let Err(cause) = probe.check().await {
                panic!(
                    "{} probe failed on attempt {attempt} against a reachable backend: {cause:#}",
                    probe.component()
                );
            }
        }
    }

    /// A probe of a dependency that cannot be reached reports an error, not success.
    pub async fn reports_down_when_unreachable(probe: &dyn HealthProbe) {
        assert!(
            probe.check().await.is_err(),
            "{} probe reported an unreachable backend as up",
            probe.component()
        );
    }
}
