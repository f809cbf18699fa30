use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::future::join_all;

use super::HealthProbe;

/// Decides whether this node is ready to take traffic: every dependency answers in time.
///
/// Probes run concurrently, each bounded by the same time-out, so one hung dependency
/// costs the caller at most that time-out, not the sum of all of them.
pub struct Readiness {
    probes: Vec<Arc<dyn HealthProbe>>,
    timeout: Duration,
}

/// The verdict and each component's part in it.
#[derive(Debug)]
pub struct ReadinessReport {
    pub components: Vec<ComponentCheck>,
}

#[derive(Debug)]
pub struct ComponentCheck {
    pub component: &'static str,
    pub outcome: CheckOutcome,
    pub elapsed: Duration,
}

#[derive(Debug)]
pub enum CheckOutcome {
    Up,
    Down(anyhow::Error),
    TimedOut,
}

impl Readiness {
    pub fn new(probes: Vec<Arc<dyn HealthProbe>>, timeout: Duration) -> Self {
        Self { probes, timeout }
    }

    pub async fn check(&self) -> ReadinessReport {
        let checks = self.probes.iter().map(|probe| async move {
            let started = Instant::now();
            let outcome = match tokio::time::timeout(self.timeout, probe.check()).await {
                Ok(Ok(())) => CheckOutcome::Up,
                Ok(Err(cause)) => CheckOutcome::Down(cause),
                Err(_elapsed) => CheckOutcome::TimedOut,
            };
            ComponentCheck {
                component: probe.component(),
                outcome,
                elapsed: started.elapsed(),
            }
        });
        ReadinessReport {
            components: join_all(checks).await,
        }
    }
}

impl ReadinessReport {
    pub fn is_ready(&self) -> bool {
        self.components
            .iter()
            .all(|check| matches!(check.outcome, CheckOutcome::Up))
    }
}

impl ComponentCheck {
    pub fn is_up(&self) -> bool {
        matches!(self.outcome, CheckOutcome::Up)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_trait::async_trait;

    struct FixedProbe {
        component: &'static str,
        behaviour: Behaviour,
    }

    enum Behaviour {
        Up,
        Down,
        Hang,
    }

    #[async_trait]
    impl HealthProbe for FixedProbe {
        fn component(&self) -> &'static str {
            self.component
        }

        async fn check(&self) -> anyhow::Result<()> {
            match self.behaviour {
                Behaviour::Up => Ok(()),
                Behaviour::Down => Err(anyhow::anyhow!("connection refused")),
                Behaviour::Hang => {
                    std::future::pending::<()>().await;
                    Ok(())
                }
            }
        }
    }

    fn probe(component: &'static str, behaviour: Behaviour) -> Arc<dyn HealthProbe> {
        Arc::new(FixedProbe {
            component,
            behaviour,
        })
    }

    #[tokio::test]
    async fn ready_when_every_component_is_up() {
        let readiness = Readiness::new(
            vec![
                probe("database", Behaviour::Up),
                probe("redis", Behaviour::Up),
            ],
            Duration::from_secs(1),
        );
        let report = readiness.check().await;
        assert!(report.is_ready());
        let names: Vec<_> = report.components.iter().map(|c| c.component).collect();
        assert_eq!(names, ["database", "redis"]);
    }

    #[tokio::test]
    async fn not_ready_when_one_component_is_down() {
        let readiness = Readiness::new(
            vec![
                probe("database", Behaviour::Up),
                probe("redis", Behaviour::Down),
            ],
            Duration::from_secs(1),
        );
        let report = readiness.check().await;
        assert!(!report.is_ready());
        assert!(report.components[0].is_up());
        assert!(matches!(
            report.components[1].outcome,
            CheckOutcome::Down(_)
        ));
    }

    #[tokio::test(start_paused = true)]
    async fn a_hung_component_times_out_without_delaying_the_others() {
        let readiness = Readiness::new(
            vec![
                probe("database", Behaviour::Hang),
                probe("redis", Behaviour::Up),
            ],
            Duration::from_millis(500),
        );
        let report = readiness.check().await;
        assert!(!report.is_ready());
        assert!(matches!(
            report.components[0].outcome,
            CheckOutcome::TimedOut
        ));
        assert!(report.components[1].is_up());
        assert!(report.components[1].elapsed < Duration::from_millis(500));
    }

    #[tokio::test]
    async fn no_dependencies_means_ready() {
        let report = Readiness::new(vec![], Duration::from_secs(1)).check().await;
        assert!(report.is_ready());
    }
}
