//! Accounts, roles and permissions, and sessions that live in a shared store so that
//! every node accepts them and any node can end them.

mod accounts;
mod credentials;
mod hashing;
mod ids;
mod login_attempts;
mod principal;
mod roles;
mod service;
mod session;
mod session_store;
mod signing_keys;
mod throttle;
mod tokens;
mod user;
mod user_repository;

pub use accounts::{Accounts, BootstrapAdmin};
pub use credentials::{DisplayName, Password, Specialty, Username};
pub use hashing::{PasswordHash, PasswordHasher};
pub use ids::{SessionId, UserId};
pub use login_attempts::{Attempt, AttemptId, FailureWindow, LoginAttempts};
pub use principal::Principal;
pub use roles::{Permission, Role, Roles};
pub use service::{AuthConfig, AuthService, AuthStores, ClientInfo, TokenPair};
pub use session::{
    NewSession, RefreshMatch, RevocationReason, Session, SessionLookup, TokenHash, TouchedSession,
};
pub use session_store::SessionStore;
pub use signing_keys::{SigningKey, SigningKeyStore, SigningKeys, RETIRED_KEY_GRACE};
pub use throttle::{CountedAttempt, PasswordThrottle, ThrottleLimits};
pub use tokens::{AccessClaims, TokenSettings};
pub use user::{NewUser, User, UserChanges, UserRecord};
pub use user_repository::UserRepository;

#[cfg(feature = "conformance")]
pub mod conformance {
    pub use super::login_attempts::conformance as login_attempts;
    pub use super::session_store::conformance as session_store;
}
