//! The settings as operators write them: one flat list of keys, the same in the TOML
//! file and (upper-cased, with `PRACTICA_`) in the environment. Checked here, then
//! grouped by concern into [`Settings`](super::Settings).

use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::path::Path;

use figment::providers::{Env, Format, Serialized, Toml};
use figment::Figment;
use serde::{Deserialize, Serialize};

/// Everything a node needs to know to start, keyed as documented in the README.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SettingsFile {
    /// Address the HTTP server binds; port 0 picks a free port.
    pub listen: SocketAddr,
    /// A second address that serves `/metrics` alone (then not served on `listen`), so
    /// that the metrics need not face the clients; unset: `/metrics` on `listen`.
    pub metrics_listen: Option<SocketAddr>,
    /// `sqlite://FILE` (embedded default) or `postgres://USER@HOST/DB`.
    pub database_url: String,
    /// Connections this node may hold open to the database.
    pub database_max_connections: u32,
    /// Where migrations run when `database_url` goes through a pooler that cannot keep
    /// a session (PgBouncer in transaction pooling): the database itself. Unset: there.
    pub database_migration_url: Option<String>,
    /// Bound on each transaction or statement a request runs; past it the request
    /// answers 503. It ends a request stuck on a connection that died without a close.
    pub database_statement_timeout_ms: u64,
    /// `redis://HOST:PORT` when the Redis backends are wanted; unset means none. With
    /// `redis_cluster`, the comma-separated URLs of some of a Redis Cluster's nodes.
    pub redis_url: Option<String>,
    /// Whether `redis_url` names a Redis Cluster rather than one server.
    pub redis_cluster: bool,
    /// `text` for people, `json` for log collectors.
    pub log_format: LogFormat,
    /// A tracing filter: `info`, `practica=debug,sqlx=warn`, ... (`RUST_LOG` wins when set).
    pub log_level: String,
    /// Largest JSON request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// HTTP worker threads; unset means one per CPU core.
    pub workers: Option<usize>,
    /// How long in-flight requests may run after SIGTERM or Ctrl-C before the node exits.
    pub shutdown_timeout_secs: u64,
    /// Upper bound of one readiness check of each dependency.
    pub readiness_timeout_ms: u64,
    /// Where sessions live: `sql` (the database) or `redis` (needs `redis_url`).
    pub session_backend: SessionBackend,
    /// The first admin's password, used only when the database has no user yet.
    pub admin_password: Option<Secret>,
    /// Pins the access-token signing key (at least 32 bytes) instead of keys kept in
    /// the database. Every node must then have the same value.
    pub jwt_secret: Option<Secret>,
    /// Lifetime of an access token.
    pub access_token_ttl_secs: u64,
    /// A session unused this long ends.
    pub session_idle_timeout_secs: u64,
    /// A session ends this long after login, however busy.
    pub session_absolute_timeout_secs: u64,
    /// Failed logins of one account from one client address within the window before
    /// that address is throttled for that account.
    pub login_max_failures_per_account: u32,
    /// Failed logins of one account from all addresses within the window before the
    /// account is throttled everywhere: high, so that no one address can lock a user out.
    pub login_max_failures_per_account_total: u32,
    /// Failed logins from one client address within the window before it is throttled.
    pub login_max_failures_per_address: u32,
    pub login_failure_window_secs: u64,
    /// Load balancers whose `X-Forwarded-For` is believed, e.g. `["10.0.0.2"]`.
    pub trusted_proxies: Vec<IpAddr>,
    /// Origins of browser apps allowed to call the API from another origin (CORS), e.g.
    /// `["https://app.example.org"]`; none by default.
    pub cors_allowed_origins: Vec<String>,
    /// This node's name in audit events; unset means a random one at each start.
    pub node_id: Option<String>,
    /// Largest document upload, in bytes; checked while the upload streams.
    pub max_upload_bytes: u64,
    /// Media types accepted for documents (their content is sniffed as well).
    pub allowed_media_types: Vec<String>,
    /// Where document content lives: `sql` (the database) or `directory`.
    pub file_backend: FileBackend,
    /// The directory of the `directory` file backend.
    pub file_directory: std::path::PathBuf,
    /// Where record locks live: `sql` (the database) or `redis` (needs `redis_url`).
    pub lock_backend: LockBackend,
    /// How long one record lock may be held in all, its renewals included, unless an
    /// admin extends it: a lock no one lets go of ends.
    pub lock_max_hold_secs: u64,
    /// How long a node's lease on a cluster job lasts unless renewed.
    pub job_lease_seconds: u64,
    /// How often each node's job scheduler wakes.
    pub job_tick_seconds: u64,
    /// Runs every job this often instead of at its own interval (for tests and drills).
    pub job_interval_seconds: Option<u64>,
    /// Each named job's interval in seconds, e.g. `{ lock-reaper = 300 }`.
    pub job_intervals: std::collections::BTreeMap<String, u64>,
    /// Whether this node takes part in running cluster jobs.
    pub run_jobs: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LockBackend {
    Sql,
    Redis,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FileBackend {
    Sql,
    Directory,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SessionBackend {
    Sql,
    Redis,
}

/// A configured secret: readable by the code that needs it, never by `Debug`, and
/// never quoted in an error. An environment variable's value may look like a number
/// (`PRACTICA_ADMIN_PASSWORD=123456789012`), which the configuration reads as one: any
/// scalar is taken as the text it was, rather than refused with its value in the message.
#[derive(Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Secret(String);

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct SecretText;

        impl serde::de::Visitor<'_> for SecretText {
            type Value = Secret;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a secret (text)")
            }

            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Secret, E> {
                Ok(Secret(text.to_owned()))
            }

            fn visit_u64<E: serde::de::Error>(self, number: u64) -> Result<Secret, E> {
                Ok(Secret(number.to_string()))
            }

            fn visit_i64<E: serde::de::Error>(self, number: i64) -> Result<Secret, E> {
                Ok(Secret(number.to_string()))
            }

            fn visit_u128<E: serde::de::Error>(self, number: u128) -> Result<Secret, E> {
                Ok(Secret(number.to_string()))
            }

            fn visit_f64<E: serde::de::Error>(self, number: f64) -> Result<Secret, E> {
                Ok(Secret(number.to_string()))
            }

            fn visit_bool<E: serde::de::Error>(self, value: bool) -> Result<Secret, E> {
                Ok(Secret(value.to_string()))
            }
        }

        deserializer.deserialize_any(SecretText)
    }
}

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

/// One line naming the offending key, for the operator who set it.
#[derive(Debug, thiserror::Error)]
#[error("invalid configuration: {key}: {message}")]
pub struct ConfigError {
    pub key: String,
    pub message: String,
}

/// Values given on the command line, which win over every other source.
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    pub listen: Option<SocketAddr>,
}

const ENV_PREFIX: &str = "PRACTICA_";

impl Default for SettingsFile {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            metrics_listen: None,
            database_url: "sqlite://practica.db".to_owned(),
            database_max_connections: 10,
            database_migration_url: None,
            database_statement_timeout_ms: 10_000,
            redis_url: None,
            redis_cluster: false,
            log_format: LogFormat::Text,
            log_level: "info".to_owned(),
            max_body_bytes: 256 * 1024,
            workers: None,
            shutdown_timeout_secs: 30,
            readiness_timeout_ms: 2_000,
            session_backend: SessionBackend::Sql,
            admin_password: None,
            jwt_secret: None,
            access_token_ttl_secs: 15 * 60,
            session_idle_timeout_secs: 30 * 60,
            session_absolute_timeout_secs: 12 * 3600,
            login_max_failures_per_account: 5,
            login_max_failures_per_account_total: 100,
            login_max_failures_per_address: 50,
            login_failure_window_secs: 15 * 60,
            trusted_proxies: Vec::new(),
            cors_allowed_origins: Vec::new(),
            node_id: None,
            max_upload_bytes: 100 * 1024 * 1024,
            allowed_media_types: domain::documents::media::DEFAULT_ALLOWED
                .iter()
                .map(|media_type| (*media_type).to_owned())
                .collect(),
            file_backend: FileBackend::Sql,
            file_directory: std::path::PathBuf::from("practica-files"),
            lock_backend: LockBackend::Sql,
            lock_max_hold_secs: 4 * 3600,
            job_lease_seconds: 30,
            job_tick_seconds: 5,
            job_interval_seconds: None,
            job_intervals: std::collections::BTreeMap::new(),
            run_jobs: true,
        }
    }
}

impl SettingsFile {
    pub fn load(config_file: Option<&Path>, overrides: &Overrides) -> Result<Self, ConfigError> {
        let mut figment = Figment::from(Serialized::defaults(SettingsFile::default()));
        if let Some(path) = config_file {
            if !path.is_file() {
                return Err(ConfigError {
                    key: "--config".to_owned(),
                    message: format!("no such file: {}", path.display()),
                });
            }
            figment = figment.merge(Toml::file_exact(path));
        }
        // why: `only` keeps unrelated PRACTICA_* variables (the test suite's, the
        // config-file path) from being taken for misspelt settings.
        figment = figment.merge(Env::prefixed(ENV_PREFIX).only(&super::catalog::keys()));
        if let Some(listen) = overrides.listen {
            figment = figment.merge(Serialized::default("listen", listen));
        }
        let settings: SettingsFile = figment.extract().map_err(ConfigError::from_figment)?;
        settings.validated()
    }
}

impl ConfigError {
    pub(super) fn new(key: &str, message: impl Into<String>) -> Self {
        Self {
            key: key.to_owned(),
            message: message.into(),
        }
    }

    fn from_figment(error: figment::Error) -> Self {
        let path = error.path.join(".");
        let source = error
            .metadata
            .as_ref()
            .and_then(|metadata| metadata.source.as_ref());
        // Names the key as its source spells it: PRACTICA_LISTEN, or `listen` in a file.
        let key = match source {
            _ if path.is_empty() => "configuration".to_owned(),
            Some(figment::Source::File(file)) => format!("{path} (in {})", file.display()),
            _ if error
                .metadata
                .as_ref()
                .is_some_and(|m| m.name.contains("environment")) =>
            {
                format!("{ENV_PREFIX}{}", path.to_uppercase())
            }
            _ => path,
        };
        Self {
            key,
            message: error.kind.to_string(),
        }
    }
}
