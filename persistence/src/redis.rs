//! Redis, for the backends that may live there (sessions, locks) in a cluster: one
//! server or a Redis Cluster, behind one pool type, so the stores do not care which.

use std::sync::Arc;
use std::time::Duration;

use deadpool_redis::{cluster, Config, PoolConfig, PoolError, Runtime, Timeouts};
use domain::health::HealthProbe;
use redis::aio::ConnectionLike;
use redis::{Cmd, Pipeline, RedisFuture, Value};

use crate::health::RedisProbe;

/// The node's pool of Redis connections. Connections open lazily, on first use.
#[derive(Clone)]
pub struct Redis {
    pool: RedisPool,
}

#[derive(Debug, thiserror::Error)]
pub enum RedisError {
    #[error("invalid Redis URL: expected `redis://` or `rediss://`")]
    InvalidUrl,
    #[error("could not build the Redis pool")]
    Pool(#[source] deadpool_redis::CreatePoolError),
    #[error("could not build the Redis Cluster pool")]
    ClusterPool(#[source] deadpool_redis::cluster::CreatePoolError),
}

/// A pool of connections to one Redis server or to a Redis Cluster.
#[derive(Clone)]
pub enum RedisPool {
    Server(deadpool_redis::Pool),
    Cluster(cluster::Pool),
}

/// A pooled connection of either kind; commands on a cluster go to the node that owns
/// their keys' slot (every script's keys share one hash tag, so one slot).
pub enum RedisConnection {
    Server(deadpool_redis::Connection),
    Cluster(cluster::Connection),
}

/// How long handing out a connection may take in all: waiting for a free one, checking
/// an idle one (PING) and opening a new one. A Redis that hangs (paused, black-holed)
/// should cost a request about a second before its 503, not the sum of every step.
const CONNECTION_WAIT: Duration = Duration::from_millis(1500);

impl RedisPool {
    pub async fn get(&self) -> Result<RedisConnection, PoolError> {
        let connection = async {
            Ok(match self {
                Self::Server(pool) => RedisConnection::Server(pool.get().await?),
                Self::Cluster(pool) => RedisConnection::Cluster(pool.get().await?),
            })
        };
        crate::request_limits::wait_for(tokio::time::timeout(CONNECTION_WAIT, connection))
            .await
            .and_then(Result::ok)
            .ok_or(PoolError::Timeout(deadpool_redis::TimeoutType::Wait))?
    }
}

/// How long one command (or pipeline) may take, retries included. Neither client bounds
/// it by itself: a black-holed server, or a Redis Cluster retrying towards a dead
/// master with growing pauses, would hold a request for minutes.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(2);

fn bounded<'a, T: Send + 'a>(reply: RedisFuture<'a, T>) -> RedisFuture<'a, T> {
    Box::pin(async move {
        tokio::time::timeout(COMMAND_TIMEOUT, reply)
            .await
            .map_err(|_| {
                redis::RedisError::from(std::io::Error::new(
                    std::io::ErrorKind::TimedOut,
                    "Redis did not answer in time",
                ))
            })?
    })
}

impl ConnectionLike for RedisConnection {
    fn req_packed_command<'a>(&'a mut self, cmd: &'a Cmd) -> RedisFuture<'a, Value> {
        match self {
            Self::Server(connection) => bounded(connection.req_packed_command(cmd)),
            Self::Cluster(connection) => bounded(connection.req_packed_command(cmd)),
        }
    }

    fn req_packed_commands<'a>(
        &'a mut self,
        pipeline: &'a Pipeline,
        offset: usize,
        count: usize,
    ) -> RedisFuture<'a, Vec<Value>> {
        match self {
            Self::Server(connection) => {
                bounded(connection.req_packed_commands(pipeline, offset, count))
            }
            Self::Cluster(connection) => {
                bounded(connection.req_packed_commands(pipeline, offset, count))
            }
        }
    }

    fn get_db(&self) -> i64 {
        match self {
            Self::Server(connection) => connection.get_db(),
            Self::Cluster(connection) => connection.get_db(),
        }
    }
}

impl Redis {
    /// A pool on `urls`: one server's URL, or with `cluster` the URLs (comma-separated)
    /// of any of a Redis Cluster's nodes, from which it learns the rest.
    pub fn connect(urls: &str, cluster: bool, max_connections: usize) -> Result<Self, RedisError> {
        let urls: Vec<String> = urls
            .split(',')
            .map(str::trim)
            .filter(|url| !url.is_empty())
            .map(str::to_owned)
            .collect();
        let valid = |url: &String| url.starts_with("redis://") || url.starts_with("rediss://");
        if urls.is_empty() || !urls.iter().all(valid) || (!cluster && urls.len() > 1) {
            return Err(RedisError::InvalidUrl);
        }
        // why: without a create time-out a connect to a black-holed address waits for
        // the kernel's TCP time-out, minutes; requests should fail within seconds.
        let pool_config = PoolConfig {
            max_size: max_connections,
            timeouts: Timeouts {
                wait: Some(Duration::from_secs(5)),
                create: Some(Duration::from_secs(2)),
                recycle: Some(Duration::from_secs(2)),
            },
            ..PoolConfig::default()
        };
        let pool = if cluster {
            let mut config = cluster::Config::from_urls(urls);
            config.pool = Some(pool_config);
            RedisPool::Cluster(
                config
                    .create_pool(Some(Runtime::Tokio1))
                    .map_err(RedisError::ClusterPool)?,
            )
        } else {
            let mut config = Config::from_url(urls[0].clone());
            config.pool = Some(pool_config);
            RedisPool::Server(
                config
                    .create_pool(Some(Runtime::Tokio1))
                    .map_err(RedisError::Pool)?,
            )
        };
        Ok(Self { pool })
    }

    pub fn pool(&self) -> &RedisPool {
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
