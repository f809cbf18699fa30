use async_trait::async_trait;
use domain::health::HealthProbe;

/// Probes Redis with `PING` on a pooled connection.
pub struct RedisProbe {
    pool: crate::redis::RedisPool,
}

impl RedisProbe {
    pub fn new(pool: crate::redis::RedisPool) -> Self {
        Self { pool }
    }
}

#[async_trait]
impl HealthProbe for RedisProbe {
    fn component(&self) -> &'static str {
        "redis"
    }

    async fn check(&self) -> anyhow::Result<()> {
        let mut connection = self.pool.get().await?;
        let reply: String = redis::cmd("PING").query_async(&mut connection).await?;
        anyhow::ensure!(reply == "PONG", "unexpected PING reply");
        Ok(())
    }
}
