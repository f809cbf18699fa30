//! The checks a loaded settings file must pass: one line naming the first key that
//! fails, and the value it should have.

use super::file::{ConfigError, LockBackend, SessionBackend, SettingsFile};

impl SettingsFile {
    pub(super) fn validated(mut self) -> Result<Self, ConfigError> {
        let scheme_ok = ["sqlite:", "postgres:", "postgresql:"]
            .iter()
            .any(|scheme| self.database_url.starts_with(scheme));
        if !scheme_ok {
            return Err(ConfigError::new(
                "database_url",
                "must start with sqlite:, postgres: or postgresql:",
            ));
        }
        if self
            .database_migration_url
            .as_deref()
            .is_some_and(str::is_empty)
        {
            self.database_migration_url = None;
        }
        if let Some(url) = &self.database_migration_url {
            if !(url.starts_with("postgres:") || url.starts_with("postgresql:")) {
                return Err(ConfigError::new(
                    "database_migration_url",
                    "must start with postgres: or postgresql:",
                ));
            }
        }
        if self.redis_url.as_deref().is_some_and(str::is_empty) {
            self.redis_url = None;
        }
        if let Some(urls) = &self.redis_url {
            let urls: Vec<&str> = urls.split(',').map(str::trim).collect();
            if !urls
                .iter()
                .all(|url| url.starts_with("redis://") || url.starts_with("rediss://"))
            {
                return Err(ConfigError::new(
                    "redis_url",
                    "must start with redis:// or rediss://",
                ));
            }
            if urls.len() > 1 && !self.redis_cluster {
                return Err(ConfigError::new(
                    "redis_url",
                    "several URLs name a Redis Cluster: set redis_cluster = true",
                ));
            }
        }
        if self.database_max_connections == 0 {
            return Err(ConfigError::new(
                "database_max_connections",
                "must be at least 1",
            ));
        }
        if self.max_body_bytes == 0 {
            return Err(ConfigError::new("max_body_bytes", "must be at least 1"));
        }
        if self.workers == Some(0) {
            return Err(ConfigError::new("workers", "must be at least 1"));
        }
        if let Some(origin) = self
            .cors_allowed_origins
            .iter()
            .find(|origin| !is_origin(origin))
        {
            return Err(ConfigError::new(
                "cors_allowed_origins",
                format!("{origin:?} is not an origin: expected scheme://host[:port], no path"),
            ));
        }
        if self.database_statement_timeout_ms == 0 {
            return Err(ConfigError::new(
                "database_statement_timeout_ms",
                "must be at least 1",
            ));
        }
        if self.readiness_timeout_ms == 0 {
            return Err(ConfigError::new(
                "readiness_timeout_ms",
                "must be at least 1",
            ));
        }
        if let Err(error) = tracing_subscriber::EnvFilter::try_new(&self.log_level) {
            return Err(ConfigError::new("log_level", error.to_string()));
        }
        if self.node_id.as_deref().is_some_and(|id| {
            id.is_empty() || id.len() > 64 || !id.bytes().all(|b| b.is_ascii_graphic())
        }) {
            return Err(ConfigError::new(
                "node_id",
                "must be 1 to 64 visible ASCII characters",
            ));
        }
        if self.session_backend == SessionBackend::Redis && self.redis_url.is_none() {
            return Err(ConfigError::new(
                "session_backend",
                "`redis` needs redis_url",
            ));
        }
        if self.job_tick_seconds == 0 || self.job_tick_seconds > 3600 {
            return Err(ConfigError::new("job_tick_seconds", "must be 1 to 3600"));
        }
        for (name, seconds) in &self.job_intervals {
            if domain::jobs::JobName::parse(name).is_none() {
                return Err(ConfigError::new(
                    "job_intervals",
                    format!("there is no job `{name}`"),
                ));
            }
            if *seconds == 0 {
                return Err(ConfigError::new("job_intervals", "each must be at least 1"));
            }
        }
        if self.job_interval_seconds == Some(0) {
            return Err(ConfigError::new(
                "job_interval_seconds",
                "must be at least 1",
            ));
        }
        if self.job_lease_seconds > 24 * 3600 {
            return Err(ConfigError::new(
                "job_lease_seconds",
                "must be at most a day",
            ));
        }
        if self.job_lease_seconds < 3 * self.job_tick_seconds {
            return Err(ConfigError::new(
                "job_lease_seconds",
                "must be at least three ticks (job_tick_seconds), so a holder renews in time",
            ));
        }
        if !(60..=7 * 24 * 3600).contains(&self.lock_max_hold_secs) {
            return Err(ConfigError::new(
                "lock_max_hold_secs",
                "must be a minute to a week",
            ));
        }
        if self.lock_backend == LockBackend::Redis && self.redis_url.is_none() {
            return Err(ConfigError::new("lock_backend", "`redis` needs redis_url"));
        }
        if let Some(password) = &self.admin_password {
            let refuse = |message| ConfigError::new("admin_password", message);
            let admin = domain::auth::Username::parse("admin").map_err(refuse)?;
            domain::auth::Password::parse(password.expose().to_owned())
                .and_then(|password| password.check_strength(&admin))
                .map_err(refuse)?;
        }
        if self
            .jwt_secret
            .as_ref()
            .is_some_and(|secret| secret.expose().len() < 32)
        {
            return Err(ConfigError::new("jwt_secret", "must be at least 32 bytes"));
        }
        for (key, value) in [
            ("access_token_ttl_secs", self.access_token_ttl_secs),
            ("session_idle_timeout_secs", self.session_idle_timeout_secs),
            (
                "session_absolute_timeout_secs",
                self.session_absolute_timeout_secs,
            ),
            ("login_failure_window_secs", self.login_failure_window_secs),
        ] {
            if value == 0 {
                return Err(ConfigError::new(key, "must be at least 1"));
            }
        }
        Ok(self)
    }
}

/// Whether `origin` is an origin as browsers send it: `http(s)://host[:port]` in lower
/// case (an IPv6 host in brackets), nothing after, and no wildcard: an allow-list names
/// each origin, and a browser's `Origin` is compared with it as it is.
fn is_origin(origin: &str) -> bool {
    let Some(authority) = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"))
    else {
        return false;
    };
    let (host, port) = match authority.strip_prefix('[') {
        Some(bracketed) => match bracketed.split_once(']') {
            Some((host, "")) if host.contains(':') => (host, None),
            Some((host, rest)) if host.contains(':') => match rest.strip_prefix(':') {
                Some(port) => (host, Some(port)),
                None => return false,
            },
            _ => return false,
        },
        None => match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        },
    };
    let host_is_plain = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '-' | ':'));
    host_is_plain && port.is_none_or(|port| port.parse::<u16>().is_ok())
}
