//! User accounts: created and managed by admins, and each user's own.

use crate::locks::{release_locks_of_user, LockManager};
use std::sync::Arc;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::RngCore;

use super::{
    NewUser, Password, PasswordHasher, PasswordThrottle, Permission, Principal, RevocationReason,
    Role, Roles, SessionStore, User, UserChanges, UserId, UserRepository, Username,
};
use crate::audit::{security_event, AuditAction, AuditContext, AuditLog};
use crate::error::AuthFailure;
use crate::{DomainError, ErrorCode, Page, PageRequest, Version};

pub struct Accounts {
    users: Arc<dyn UserRepository>,
    audit: Arc<dyn AuditLog>,
    sessions: Arc<dyn SessionStore>,
    hasher: PasswordHasher,
    throttle: PasswordThrottle,
    locks: Arc<dyn LockManager>,
}

/// The first admin, made on a first start with no users.
#[derive(Debug)]
pub enum BootstrapAdmin {
    /// Users exist already; nothing was done.
    NotNeeded,
    /// Created with the configured password.
    Created,
    /// Created with this random password, to be shown to the operator once.
    CreatedWithPassword(Password),
}

impl Accounts {
    pub fn new(
        users: Arc<dyn UserRepository>,
        audit: Arc<dyn AuditLog>,
        sessions: Arc<dyn SessionStore>,
        hasher: PasswordHasher,
        throttle: PasswordThrottle,
        locks: Arc<dyn LockManager>,
    ) -> Self {
        Self {
            users,
            audit,
            sessions,
            hasher,
            throttle,
            locks,
        }
    }

    /// Creates `admin` when there is no user at all. Nodes starting together race
    /// safely: the username's unique key lets one win, and the others see a conflict.
    pub async fn bootstrap_admin(
        &self,
        configured: Option<Password>,
    ) -> Result<BootstrapAdmin, DomainError> {
        if self.users.count().await? > 0 {
            return Ok(BootstrapAdmin::NotNeeded);
        }
        let (password, generated) = match configured {
            Some(password) => (password, false),
            None => (random_password(), true),
        };
        let admin = NewUser {
            username: Username::parse("admin")
                .map_err(|e| DomainError::internal(anyhow::anyhow!(e)))?,
            display_name: super::DisplayName::parse("Administrator")
                .map_err(|e| DomainError::internal(anyhow::anyhow!(e)))?,
            roles: Roles::new(vec![Role::Admin])
                .map_err(|e| DomainError::internal(anyhow::anyhow!(e)))?,
            specialty: None,
            password_change_required: generated,
        };
        let hash = self.hasher.hash(&password).await?;
        match self.users.create(admin, hash).await {
            Ok(_) if generated => Ok(BootstrapAdmin::CreatedWithPassword(password)),
            Ok(_) => Ok(BootstrapAdmin::Created),
            Err(DomainError::Conflict { .. }) => Ok(BootstrapAdmin::NotNeeded),
            Err(error) => Err(error),
        }
    }

    pub async fn create(
        &self,
        principal: &Principal,
        context: &AuditContext,
        user: NewUser,
        password: Password,
    ) -> Result<User, DomainError> {
        principal.require(Permission::ManageUsers)?;
        password
            .check_strength(&user.username)
            .map_err(|message| DomainError::invalid("password", message))?;
        let hash = self.hasher.hash(&password).await?;
        let created = self.users.create(user, hash).await?;
        self.audit
            .record(
                context,
                security_event(AuditAction::Create, "user", created.id.as_uuid()),
            )
            .await?;
        Ok(created)
    }

    pub async fn get(&self, principal: &Principal, id: UserId) -> Result<User, DomainError> {
        principal.require(Permission::ManageUsers)?;
        self.users
            .get(id)
            .await?
            .ok_or(DomainError::NotFound { resource: "user" })
    }

    pub async fn list(
        &self,
        principal: &Principal,
        page: PageRequest,
    ) -> Result<Page<User>, DomainError> {
        principal.require(Permission::ManageUsers)?;
        self.users.list(page).await
    }

    /// Changes an account at version `expected`. Deactivating it, or changing its
    /// roles, ends its sessions: access tokens carry roles, so old ones must not live on.
    /// An administrator cannot change their own roles or deactivate their own account:
    /// another administrator must, so that no one locks the practice out by a slip (and
    /// a stolen admin session cannot quietly rewrite its own rights).
    pub async fn update(
        &self,
        principal: &Principal,
        context: &AuditContext,
        id: UserId,
        expected: Version,
        changes: UserChanges,
    ) -> Result<User, DomainError> {
        principal.require(Permission::ManageUsers)?;
        let before = self
            .users
            .get(id)
            .await?
            .ok_or(DomainError::NotFound { resource: "user" })?;
        let ends_sessions = changes.ends_sessions(&before);
        if id == principal.user_id && ends_sessions {
            return Err(DomainError::Conflict {
                code: ErrorCode::OwnAdminRights,
                message: "an administrator cannot change their own roles or deactivate their \
                          own account; another administrator can"
                    .to_owned(),
            });
        }
        let updated = self.users.update(id, expected, changes).await?;
        self.audit
            .record(
                context,
                security_event(AuditAction::Update, "user", id.as_uuid()),
            )
            .await?;
        if ends_sessions {
            self.sessions
                .revoke_all_for_user(id, None, RevocationReason::AccountChanged)
                .await?;
            release_locks_of_user(self.locks.as_ref(), id, None).await;
        }
        Ok(updated)
    }

    pub async fn me(&self, principal: &Principal) -> Result<User, DomainError> {
        self.users
            .get(principal.user_id)
            .await?
            .ok_or(DomainError::Unauthenticated(AuthFailure::SessionEnded))
    }

    /// Changes the caller's password after checking the current one, and ends every
    /// other session of theirs (a stolen session must not outlive the change). The
    /// check is throttled as a sign-in is: a stolen access token must not be a way to
    /// guess the password.
    pub async fn change_password(
        &self,
        principal: &Principal,
        context: &AuditContext,
        current: Password,
        new: Password,
    ) -> Result<(), DomainError> {
        let record = self
            .users
            .get_record(principal.user_id)
            .await?
            .ok_or(DomainError::Unauthenticated(AuthFailure::SessionEnded))?;
        let attempt = self
            .throttle
            .admit(
                record.user.username.as_str(),
                context.origin.client_ip.as_deref(),
            )
            .await?;
        if !self
            .hasher
            .verify(&current, Some(&record.password_hash))
            .await?
        {
            return Err(DomainError::invalid(
                "currentPassword",
                "does not match the current password",
            ));
        }
        self.throttle.succeeded(attempt).await?;
        if new.expose() == current.expose() {
            return Err(DomainError::invalid(
                "newPassword",
                "must differ from the current password",
            ));
        }
        new.check_strength(&record.user.username)
            .map_err(|message| DomainError::invalid("newPassword", message))?;
        let hash = self.hasher.hash(&new).await?;
        let changes = UserChanges {
            password_hash: Some(hash),
            password_change_required: Some(false),
            ..UserChanges::default()
        };
        self.users
            .update(principal.user_id, record.user.version, changes)
            .await?;
        self.audit
            .record(
                context,
                security_event(
                    AuditAction::ChangePassword,
                    "user",
                    principal.user_id.as_uuid(),
                ),
            )
            .await?;
        self.sessions
            .revoke_all_for_user(
                principal.user_id,
                Some(principal.session_id),
                RevocationReason::PasswordChanged,
            )
            .await?;
        release_locks_of_user(
            self.locks.as_ref(),
            principal.user_id,
            Some(principal.session_id),
        )
        .await;
        Ok(())
    }
}

fn random_password() -> Password {
    let mut bytes = [0_u8; 18];
    rand::thread_rng().fill_bytes(&mut bytes);
    Password::presented(URL_SAFE_NO_PAD.encode(bytes))
}
