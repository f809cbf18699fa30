//! Every setting's key and meaning, in one table: the environment filter, `--help` and
//! the tests that hold [`SettingsFile`] to it all read this, so none can leave a
//! setting out.

use super::SettingsFile;

/// One setting as an operator reads of it.
pub struct SettingHelp {
    /// The key in the TOML file; upper-cased with `PRACTICA_`, the environment variable.
    pub key: &'static str,
    pub meaning: &'static str,
}

const fn setting(key: &'static str, meaning: &'static str) -> SettingHelp {
    SettingHelp { key, meaning }
}

/// Every key of [`SettingsFile`], in the order `--help` lists them.
pub const CATALOG: &[SettingHelp] = &[
    setting("listen", "address to bind; port 0 picks a free one"),
    setting("metrics_listen", "a second address serving /metrics alone (then not on listen)"),
    setting("database_url", "sqlite://FILE or postgres://USER:PASS@HOST:PORT/DB"),
    setting("database_max_connections", "pool size of each node"),
    setting("database_migration_url", "the database itself, for migrations behind a pooler (PgBouncer); unset: database_url"),
    setting("database_statement_timeout_ms", "bound on each transaction or statement a request runs; past it, 503"),
    setting("redis_url", "redis://HOST:PORT for the Redis backends (with redis_cluster, several, comma-separated)"),
    setting("redis_cluster", "true when redis_url names a Redis Cluster"),
    setting("log_format", "text or json"),
    setting("log_level", "a tracing filter, e.g. info,sqlx=warn; RUST_LOG wins when set"),
    setting("max_body_bytes", "largest JSON request body"),
    setting("workers", "HTTP worker threads; unset: one per core"),
    setting("shutdown_timeout_secs", "grace for in-flight requests after SIGTERM or Ctrl-C"),
    setting("readiness_timeout_ms", "bound of each readiness check, and of a request's wait for connections"),
    setting("session_backend", "where sessions live: sql or redis (needs redis_url)"),
    setting("admin_password", "the first admin's password, used on the first start only; unset: random, logged once, changed at first sign-in"),
    setting("jwt_secret", "pins the access-token key (32+ bytes, the same on every node); unset: keys in the database"),
    setting("access_token_ttl_secs", "access-token lifetime"),
    setting("session_idle_timeout_secs", "a session unused this long ends"),
    setting("session_absolute_timeout_secs", "a session ends this long after login, however busy"),
    setting("login_max_failures_per_account", "failed logins of one account from one address per window before 429"),
    setting("login_max_failures_per_account_total", "failed logins of one account from all addresses per window before 429 everywhere"),
    setting("login_max_failures_per_address", "failed logins from one address per window before 429"),
    setting("login_failure_window_secs", "the throttling window"),
    setting("trusted_proxies", "proxies whose X-Forwarded-For is believed, e.g. [\"10.0.0.2\"]"),
    setting("cors_allowed_origins", "browser origins allowed cross-origin calls, e.g. [\"https://app.example.org\"]"),
    setting("node_id", "this node's name in audit events; unset: random at each start"),
    setting("max_upload_bytes", "largest document upload, checked while it streams"),
    setting("allowed_media_types", "accepted document types (the content is sniffed too)"),
    setting("file_backend", "where document content lives: sql or directory"),
    setting("file_directory", "the directory backend's folder"),
    setting("lock_backend", "where record locks and job leases live: sql or redis (needs redis_url)"),
    setting("lock_max_hold_secs", "how long one lock may be held in all, renewals included, unless an admin extends it"),
    setting("job_lease_seconds", "how long a node's lease on a cluster job lasts unless renewed"),
    setting("job_tick_seconds", "how often each node's job scheduler wakes"),
    setting("job_interval_seconds", "runs every job this often instead of at its own interval"),
    setting("job_intervals", "single jobs' intervals in seconds, e.g. {lock-reaper=300}"),
    setting("run_jobs", "whether this node takes part in running cluster jobs"),
];

/// Every key, for the environment filter.
pub fn keys() -> Vec<&'static str> {
    CATALOG.iter().map(|setting| setting.key).collect()
}

/// The configuration part of `--help`: every setting, its variable and its default,
/// the defaults read from [`SettingsFile::default`] itself.
pub fn configuration_help() -> String {
    let defaults = serde_json::to_value(SettingsFile::default()).unwrap_or_default();
    let mut help =
        String::from("Configuration (defaults < --config FILE < environment < command line):\n");
    for setting in CATALOG {
        let default = defaults.get(setting.key).map_or_else(String::new, shown);
        help.push_str(&format!(
            "  PRACTICA_{}  [{default}]\n      {}\n",
            setting.key.to_uppercase(),
            setting.meaning
        ));
    }
    help.push_str(
        "The TOML file uses the same keys in lower case without the prefix (listen = \"...\").\n\
         An invalid value prints one line naming the key and exits with status 2.",
    );
    help
}

fn shown(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::Null => "unset".to_owned(),
        serde_json::Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}
