//! The SQL (and Redis) backends of the auth ports.

pub(crate) mod entities;
mod redis_scripts;
mod redis_sessions;
mod sql_login_attempts;
mod sql_sessions;
mod sql_signing_keys;
mod sql_users;

pub use redis_sessions::RedisSessionStore;
pub use sql_login_attempts::SqlLoginAttempts;
pub use sql_sessions::SqlSessionStore;
pub use sql_signing_keys::SqlSigningKeyStore;
pub use sql_users::SqlUserRepository;
