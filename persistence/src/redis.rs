//! Redis, for the backends that may live there (sessions, locks) in a cluster.

use std::sync::Arc;
use std::time::Duration;

use deadpool_redis::{Config, PoolConfig, Runtime, Timeouts};
use domain::health::HealthProbe;

use crate::health::RedisProbe;

/// The node's pool of Redis connections. Connections open lazily, on first use.
#[derive(Clone)]
pub struct Redis {
    pool: deadpool_redis::Pool,
}

#[derive(Debug, thiserror::Error)]
pub enum RedisError {
    #[error("invalid Redis URL: expected `redis://` or `rediss://`")]
    InvalidUrl,
    #[error("could not build the Redis pool")]
    Pool(#[source] deadpool_redis::CreatePoolError),
}

impl Redis {
    pub fn connect(url: &str, max_connections: usize) -> Result<Self, RedisError> {
        if !(url.starts_with("redis://") || url.starts_with("rediss://")) {
            return Err(RedisError::InvalidUrl);
        }
        let mut config = Config::from_url(url);
        // why: without a create time-out a connect to a black-holed address waits for
        // the kernel's TCP time-out, minutes; requests should fail within seconds.
        config.pool = Some(PoolConfig {
            max_size: max_connections,
            timeouts: Timeouts {
                wait: Some(Duration::from_secs(5)),
                create: Some(Duration::from_secs(2)),
                recycle: Some(Duration::from_secs(2)),
            },
            ..PoolConfig::default()
        });
        let pool = config
            .create_pool(Some(Runtime::Tokio1))
            .map_err(RedisError::Pool)?;
        Ok(Self { pool })
    }

    pub fn pool(&self) -> &deadpool_redis::Pool {
        &self.pool
    }

    pub fn session_store(&self) -> crate::auth::RedisSessionStore {
        crate::auth::RedisSessionStore::new(self.pool.clone())
    }

    pub fn lock_manager(&self) -> crate::locks::RedisLockManager {
        crate::locks::RedisLockManager::new(self.pool.clone())
    }

    pub fn health_probe(&self) -> Arc<dyn HealthProbe> {
        Arc::new(RedisProbe::new(self.pool.clone()))
    }
}
