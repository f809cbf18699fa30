//! The auth services on the configured backends.

use std::sync::Arc;

use anyhow::Context;
use domain::audit::AuditLog;
use domain::auth::{
    Accounts, AuthService, AuthStores, BootstrapAdmin, LoginAttempts, Password, PasswordHasher,
    PasswordThrottle, SessionStore, SigningKeys, UserRepository,
};
use domain::locks::LockManager;
use persistence::audit::SqlAuditLog;
use persistence::auth::{SqlLoginAttempts, SqlSessionStore, SqlSigningKeyStore, SqlUserRepository};
use persistence::{Database, Redis};

use crate::settings::{SessionBackend, Settings};

/// The auth services on the configured backends, with a signing key and a first admin
/// in place.
pub(super) async fn build_auth(
    settings: &Settings,
    database: &Database,
    redis: Option<&Redis>,
    locks: Arc<dyn LockManager>,
) -> anyhow::Result<(AuthService, Accounts)> {
    let connection = database.connection().clone();
    let users: Arc<dyn UserRepository> = Arc::new(SqlUserRepository::new(connection.clone()));
    let sessions: Arc<dyn SessionStore> = match (settings.auth.session_backend, redis) {
        (SessionBackend::Sql, _) => Arc::new(SqlSessionStore::new(connection.clone())),
        (SessionBackend::Redis, Some(redis)) => Arc::new(redis.session_store()),
        (SessionBackend::Redis, None) => anyhow::bail!("session_backend = redis needs redis_url"),
    };
    let attempts: Arc<dyn LoginAttempts> = Arc::new(SqlLoginAttempts::new(connection.clone()));
    let audit: Arc<dyn AuditLog> = Arc::new(SqlAuditLog::new(connection.clone()));
    let keys = match &settings.auth.jwt_secret {
        Some(secret) => SigningKeys::pinned(secret.expose()),
        None => SigningKeys::from_store(Arc::new(SqlSigningKeyStore::new(connection))),
    };
    keys.ensure_signing_key()
        .await
        .context("preparing the token signing key")?;
    let hasher = tokio::task::spawn_blocking(PasswordHasher::owasp)
        .await
        .context("preparing the password hasher")??;

    let auth_config = settings.auth_config();
    let throttle = PasswordThrottle::new(attempts, auth_config.throttle);
    let accounts = Accounts::new(
        users.clone(),
        audit.clone(),
        sessions.clone(),
        hasher.clone(),
        throttle.clone(),
        locks.clone(),
    );
    let configured = match &settings.auth.admin_password {
        Some(secret) => {
            Some(Password::parse(secret.expose().to_owned()).map_err(anyhow::Error::msg)?)
        }
        None => None,
    };
    match accounts.bootstrap_admin(configured).await? {
        BootstrapAdmin::NotNeeded => {}
        BootstrapAdmin::Created => tracing::info!("created the first admin account `admin`"),
        BootstrapAdmin::CreatedWithPassword(password) => tracing::warn!(
            password = password.expose(),
            "created the first admin account `admin` with this random password, shown once: \
             it must be changed at the first sign-in (PUT /api/v1/me/password), before it \
             can do anything else; or set PRACTICA_ADMIN_PASSWORD before the first start"
        ),
    }
    let stores = AuthStores {
        users,
        sessions,
        audit,
        locks,
    };
    let auth = AuthService::new(stores, throttle, Arc::new(keys), hasher, auth_config);
    Ok((auth, accounts))
}
