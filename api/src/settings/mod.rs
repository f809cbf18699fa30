//! Configuration: defaults < optional TOML file < `PRACTICA_*` environment < command line.
//!
//! Operators write one flat list of keys ([`SettingsFile`]); the node reads them grouped
//! by concern, with durations as [`Duration`]s, once they have been checked.

pub mod catalog;
mod file;
mod validation;
// why: figment's Jail closures return its own large error type; not ours to box.
#[allow(clippy::result_large_err)]
#[cfg(test)]
mod tests;

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::time::Duration;

pub use file::{
    ConfigError, FileBackend, LockBackend, LogFormat, Overrides, Secret, SessionBackend,
    SettingsFile,
};

/// Everything a node needs to know to start.
#[derive(Debug, Clone)]
pub struct Settings {
    pub http: HttpSettings,
    pub database: DatabaseSettings,
    /// `redis://HOST:PORT` when the Redis backends are wanted; `None` means none.
    pub redis_url: Option<String>,
    /// Whether `redis_url` names a Redis Cluster's nodes.
    pub redis_cluster: bool,
    pub log: LogSettings,
    pub auth: AuthSettings,
    pub files: FileSettings,
    /// Where record locks live: the database or Redis.
    pub lock_backend: LockBackend,
    /// How long one record lock may be held in all, unless an admin extends it.
    pub lock_max_hold: Duration,
    pub jobs: JobSettings,
    /// This node's name in audit events; `None` means a random one at each start.
    pub node_id: Option<String>,
}

#[derive(Debug, Clone)]
pub struct HttpSettings {
    /// Address the server binds; port 0 picks a free port.
    pub listen: SocketAddr,
    /// Where `/metrics` is served instead, when set.
    pub metrics_listen: Option<SocketAddr>,
    /// Largest JSON request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// Worker threads; `None` means one per CPU core.
    pub workers: Option<usize>,
    /// How long in-flight requests may run after SIGTERM or Ctrl-C.
    pub shutdown_timeout: Duration,
    /// Upper bound of one readiness check of each dependency, and of the time one
    /// request may wait, in all, for database and Redis connections.
    pub readiness_timeout: Duration,
    /// Load balancers whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<IpAddr>,
    /// Browser origins granted cross-origin calls (CORS).
    pub cors_allowed_origins: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct DatabaseSettings {
    /// `sqlite://FILE` (embedded default) or `postgres://USER@HOST/DB`.
    pub url: String,
    /// Connections this node may hold open.
    pub max_connections: u32,
    /// The database itself, for migrations, when `url` goes through a pooler.
    pub migration_url: Option<String>,
    /// Bound on each transaction or statement a request runs.
    pub statement_timeout: Duration,
}

#[derive(Debug, Clone)]
pub struct LogSettings {
    pub format: LogFormat,
    /// A tracing filter (`RUST_LOG` wins when set).
    pub level: String,
}

#[derive(Debug, Clone)]
pub struct AuthSettings {
    pub session_backend: SessionBackend,
    /// The first admin's password, used only when the database has no user yet.
    pub admin_password: Option<Secret>,
    /// Pins the access-token key instead of keys kept in the database.
    pub jwt_secret: Option<Secret>,
    pub access_token_ttl: Duration,
    pub session_idle_timeout: Duration,
    pub session_absolute_timeout: Duration,
    pub max_failures_per_account: u32,
    pub max_failures_per_account_total: u32,
    pub max_failures_per_address: u32,
    pub failure_window: Duration,
}

#[derive(Debug, Clone)]
pub struct JobSettings {
    /// Whether this node runs jobs at all (an API-only node need not).
    pub enabled: bool,
    pub lease: Duration,
    pub tick: Duration,
    /// Every job's interval, when set; otherwise each job's own.
    pub every: Option<Duration>,
    /// Intervals set for single jobs.
    pub intervals: std::collections::HashMap<domain::jobs::JobName, Duration>,
}

#[derive(Debug, Clone)]
pub struct FileSettings {
    pub backend: FileBackend,
    /// The folder of the `directory` backend.
    pub directory: PathBuf,
    /// Largest document upload, in bytes; checked while it streams.
    pub max_upload_bytes: u64,
    /// Media types accepted for documents (their content is sniffed as well).
    pub allowed_media_types: Vec<String>,
}

impl Settings {
    /// Reads every source in order and checks the result; an error names the key.
    pub fn load(config_file: Option<&Path>, overrides: &Overrides) -> Result<Self, ConfigError> {
        SettingsFile::load(config_file, overrides).map(Settings::from)
    }

    pub fn job_schedule(&self) -> domain::jobs::JobSchedule {
        domain::jobs::JobSchedule {
            lease: self.jobs.lease,
            tick: self.jobs.tick,
            every: self.jobs.every,
            intervals: self.jobs.intervals.clone(),
            login_failure_retention: self.auth.failure_window,
            ended_session_retention: Duration::from_secs(7 * 24 * 3600),
            signing_key_max_age: Duration::from_secs(30 * 24 * 3600),
            reminder_window: Duration::from_secs(24 * 3600),
        }
    }

    pub fn auth_config(&self) -> domain::auth::AuthConfig {
        let auth = &self.auth;
        domain::auth::AuthConfig {
            tokens: domain::auth::TokenSettings {
                issuer: "practica".to_owned(),
                audience: "practica-api".to_owned(),
                access_token_ttl: auth.access_token_ttl,
            },
            idle_timeout: auth.session_idle_timeout,
            absolute_timeout: auth.session_absolute_timeout,
            refresh_grace: Duration::from_secs(10),
            throttle: domain::auth::ThrottleLimits {
                per_account_from_address: auth.max_failures_per_account,
                per_account: auth.max_failures_per_account_total,
                per_address: auth.max_failures_per_address,
                window: auth.failure_window,
            },
        }
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings::from(SettingsFile::default())
    }
}

impl From<SettingsFile> for Settings {
    fn from(file: SettingsFile) -> Self {
        Settings {
            http: HttpSettings {
                listen: file.listen,
                metrics_listen: file.metrics_listen,
                max_body_bytes: file.max_body_bytes,
                workers: file.workers,
                shutdown_timeout: Duration::from_secs(file.shutdown_timeout_secs),
                readiness_timeout: Duration::from_millis(file.readiness_timeout_ms),
                trusted_proxies: file.trusted_proxies,
                cors_allowed_origins: file.cors_allowed_origins,
            },
            database: DatabaseSettings {
                url: file.database_url,
                max_connections: file.database_max_connections,
                migration_url: file.database_migration_url,
                statement_timeout: Duration::from_millis(file.database_statement_timeout_ms),
            },
            redis_url: file.redis_url.filter(|url| !url.is_empty()),
            redis_cluster: file.redis_cluster,
            log: LogSettings {
                format: file.log_format,
                level: file.log_level,
            },
            auth: AuthSettings {
                session_backend: file.session_backend,
                admin_password: file.admin_password,
                jwt_secret: file.jwt_secret,
                access_token_ttl: Duration::from_secs(file.access_token_ttl_secs),
                session_idle_timeout: Duration::from_secs(file.session_idle_timeout_secs),
                session_absolute_timeout: Duration::from_secs(file.session_absolute_timeout_secs),
                max_failures_per_account: file.login_max_failures_per_account,
                max_failures_per_account_total: file.login_max_failures_per_account_total,
                max_failures_per_address: file.login_max_failures_per_address,
                failure_window: Duration::from_secs(file.login_failure_window_secs),
            },
            files: FileSettings {
                backend: file.file_backend,
                directory: file.file_directory,
                max_upload_bytes: file.max_upload_bytes,
                allowed_media_types: file.allowed_media_types,
            },
            lock_backend: file.lock_backend,
            lock_max_hold: Duration::from_secs(file.lock_max_hold_secs),
            jobs: JobSettings {
                enabled: file.run_jobs,
                lease: Duration::from_secs(file.job_lease_seconds),
                tick: Duration::from_secs(file.job_tick_seconds),
                every: file.job_interval_seconds.map(Duration::from_secs),
                intervals: file
                    .job_intervals
                    .iter()
                    .filter_map(|(name, seconds)| {
                        Some((
                            domain::jobs::JobName::parse(name)?,
                            Duration::from_secs(*seconds),
                        ))
                    })
                    .collect(),
            },
            node_id: file.node_id,
        }
    }
}
