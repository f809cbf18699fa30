use chrono::{DateTime, Utc};

use super::{DisplayName, PasswordHash, Roles, Specialty, UserId, Username};
use crate::Version;

/// A user account as the rest of the system sees it (no password hash).
#[derive(Debug, Clone)]
pub struct User {
    pub id: UserId,
    pub username: Username,
    pub display_name: DisplayName,
    pub roles: Roles,
    /// For clinicians, what the front desk sees when booking.
    pub specialty: Option<Specialty>,
    pub active: bool,
    /// The password was made for the account (the first admin's, logged once): it may
    /// do nothing but choose its own.
    pub password_change_required: bool,
    pub version: Version,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A user with its password hash, for checking credentials.
#[derive(Debug, Clone)]
pub struct UserRecord {
    pub user: User,
    pub password_hash: PasswordHash,
}

/// A new account, parsed.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: Username,
    pub display_name: DisplayName,
    pub roles: Roles,
    pub specialty: Option<Specialty>,
    pub password_change_required: bool,
}

/// A partial change to an account; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct UserChanges {
    pub display_name: Option<DisplayName>,
    pub roles: Option<Roles>,
    /// `Some(None)` clears the specialty.
    pub specialty: Option<Option<Specialty>>,
    pub active: Option<bool>,
    pub password_hash: Option<PasswordHash>,
    pub password_change_required: Option<bool>,
}

impl UserChanges {
    /// Whether the change should end the user's sessions: a deactivation, or new roles
    /// (access tokens carry roles, so old tokens would keep the old rights).
    pub fn ends_sessions(&self, before: &User) -> bool {
        self.active == Some(false) && before.active
            || self
                .roles
                .as_ref()
                .is_some_and(|roles| *roles != before.roles)
    }
}
