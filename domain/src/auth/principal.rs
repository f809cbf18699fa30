//! Who is calling, as an authenticated session says, and what they may do.

use super::{Permission, Roles, SessionId, UserId};
use crate::DomainError;

/// An authenticated caller: whose session, which roles.
#[derive(Debug, Clone)]
pub struct Principal {
    pub user_id: UserId,
    pub session_id: SessionId,
    pub roles: Roles,
    /// Set while the account's password is one made for it: every permission is
    /// refused until the account chooses its own (its own account, sessions and
    /// password stay within reach).
    pub password_change_required: bool,
}

impl Principal {
    pub fn require(&self, permission: Permission) -> Result<(), DomainError> {
        if self.password_change_required {
            return Err(DomainError::PasswordChangeRequired);
        }
        if self.roles.allows(permission) {
            Ok(())
        } else {
            Err(DomainError::Forbidden)
        }
    }

    /// Whether [`Principal::require`] would let the caller do it.
    pub fn may(&self, permission: Permission) -> bool {
        self.require(permission).is_ok()
    }
}
