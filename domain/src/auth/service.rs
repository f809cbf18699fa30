//! Signing in, staying signed in, and signing out.

use crate::locks::{release_locks_of_session, release_locks_of_user, LockManager};
use std::sync::Arc;
use std::time::Duration;

use chrono::DateTime;

use uuid::Uuid;

use super::tokens::{
    kid_of, next_refresh_token, random_refresh_key, random_refresh_token, sign_access_token,
    verify_access_token,
};
use super::{
    NewSession, Password, PasswordHasher, PasswordThrottle, Permission, Principal, RefreshMatch,
    RevocationReason, Roles, Session, SessionId, SessionStore, SigningKeys, ThrottleLimits,
    TokenHash, TokenSettings, User, UserId, UserRepository, Username,
};
use crate::audit::{security_event, AuditAction, AuditContext, AuditLog, RequestOrigin};
use crate::error::AuthFailure;
use crate::DomainError;

/// The knobs of authentication; the defaults are the documented ones.
#[derive(Debug, Clone)]
pub struct AuthConfig {
    pub tokens: TokenSettings,
    pub idle_timeout: Duration,
    pub absolute_timeout: Duration,
    /// How long after a rotation the previous refresh token still gets the same pair.
    pub refresh_grace: Duration,
    /// The limits on guessing passwords.
    pub throttle: ThrottleLimits,
}

/// Where a login comes from, as far as the node can tell.
#[derive(Debug, Clone, Default)]
pub struct ClientInfo {
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

/// An access token and the refresh token that renews it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenPair {
    pub access_token: String,
    pub refresh_token: String,
    pub expires_in: u64,
    pub session_id: SessionId,
    /// The account must choose its own password before anything else.
    pub password_change_required: bool,
}

pub struct AuthService {
    users: Arc<dyn UserRepository>,
    audit: Arc<dyn AuditLog>,
    sessions: Arc<dyn SessionStore>,
    throttle: PasswordThrottle,
    keys: Arc<SigningKeys>,
    hasher: PasswordHasher,
    config: AuthConfig,
    locks: Arc<dyn LockManager>,
}

/// The stores authentication works with.
pub struct AuthStores {
    pub users: Arc<dyn UserRepository>,
    pub sessions: Arc<dyn SessionStore>,
    pub audit: Arc<dyn AuditLog>,
    pub locks: Arc<dyn LockManager>,
}

impl AuthService {
    pub fn new(
        stores: AuthStores,
        throttle: PasswordThrottle,
        keys: Arc<SigningKeys>,
        hasher: PasswordHasher,
        config: AuthConfig,
    ) -> Self {
        Self {
            users: stores.users,
            audit: stores.audit,
            sessions: stores.sessions,
            throttle,
            keys,
            hasher,
            config,
            locks: stores.locks,
        }
    }

    /// Checks credentials and opens a session.
    ///
    /// Each attempt is counted before the password is checked ([`PasswordThrottle`]):
    /// past a limit the answer is `TooManyAttempts`, whatever the password. An unknown
    /// user, a wrong password and a deactivated account all fail alike, in like time.
    /// Every sign-in is audited, whether it succeeds (the session it opens) or fails
    /// (the account tried, when there is one), with the client's address and agent.
    pub async fn login(
        &self,
        username: &str,
        password: Password,
        origin: RequestOrigin,
    ) -> Result<TokenPair, DomainError> {
        // why: an attempt refused by the throttle checked no password, and is not
        // audited: anyone could otherwise fill the append-only trail at no cost.
        let attempt = self
            .throttle
            .admit(username, origin.client_ip.as_deref())
            .await?;
        let record = match Username::parse(username) {
            Ok(username) => self.users.find_by_username(&username).await?,
            Err(_) => None,
        };
        let matches = self
            .hasher
            .verify(&password, record.as_ref().map(|r| &r.password_hash))
            .await?;
        let user = match record {
            Some(record) if matches && record.user.active => record.user,
            tried => {
                self.audit_failed_sign_in(origin, tried.map(|record| record.user.id))
                    .await?;
                return Err(DomainError::Unauthenticated(
                    AuthFailure::InvalidCredentials,
                ));
            }
        };
        self.throttle.succeeded(attempt).await?;

        let refresh_token = random_refresh_token();
        let session = self
            .sessions
            .create(NewSession {
                id: SessionId::generate(),
                user_id: user.id,
                refresh_token_hash: TokenHash::of(&refresh_token),
                refresh_key: random_refresh_key(),
                idle_timeout: self.config.idle_timeout,
                absolute_timeout: self.config.absolute_timeout,
                client_ip: origin.client_ip.clone(),
                user_agent: origin.user_agent.clone(),
            })
            .await?;
        let context = AuditContext {
            actor: user.id,
            session: session.id,
            origin,
        };
        self.audit
            .record(
                &context,
                security_event(AuditAction::SignIn, "session", session.id.as_uuid()),
            )
            .await?;
        self.pair(&session, &user, refresh_token).await
    }

    /// Rotates a refresh token (RFC 9700): the presented token is spent and a new pair
    /// returned. A spent token presented again ends the whole session, except within
    /// the grace period after its rotation, when it gets the same pair again (the
    /// client lost the first answer).
    pub async fn refresh(&self, presented: &str) -> Result<TokenPair, DomainError> {
        let presented_hash = TokenHash::of(presented);
        // why: two passes at most; a rotation that loses a race to a concurrent one
        // looks again and finds the token now previous, within the grace period.
        for _ in 0..2 {
            let Some(lookup) = self.sessions.find_by_refresh_hash(&presented_hash).await? else {
                return Err(DomainError::Unauthenticated(
                    AuthFailure::UnknownRefreshToken,
                ));
            };
            let session = lookup.session;
            if !session.is_live_at(lookup.now) {
                return Err(DomainError::Unauthenticated(AuthFailure::SessionEnded));
            }
            let next = next_refresh_token(&session, presented)?;
            let next_hash = TokenHash::of(&next);
            match lookup.matched {
                RefreshMatch::Current => {
                    let rotated = self
                        .sessions
                        .rotate(
                            session.id,
                            &presented_hash,
                            &next_hash,
                            self.config.idle_timeout,
                        )
                        .await?;
                    if let Some(rotated) = rotated {
                        let user = self.live_user(rotated.user_id).await?;
                        return self.pair(&rotated, &user, next).await;
                    }
                }
                RefreshMatch::Previous => {
                    let grace = chrono::Duration::from_std(self.config.refresh_grace)
                        .map_err(DomainError::internal)?;
                    let within_grace = session
                        .rotated_at
                        .is_some_and(|rotated_at| lookup.now <= rotated_at + grace);
                    if within_grace && session.refresh_token_hash == next_hash {
                        let user = self.live_user(session.user_id).await?;
                        return self.pair(&session, &user, next).await;
                    }
                    self.sessions
                        .revoke(session.id, RevocationReason::RefreshTokenReused)
                        .await?;
                    release_locks_of_session(self.locks.as_ref(), session.id).await;
                    tracing::warn!(session_id = %session.id, "refresh token reused; session revoked");
                    return Err(DomainError::Unauthenticated(
                        AuthFailure::RefreshTokenReused,
                    ));
                }
            }
        }
        Err(DomainError::Unauthenticated(
            AuthFailure::UnknownRefreshToken,
        ))
    }

    /// Who presents this access token: signature, algorithm, expiry, issuer and
    /// audience, then the session itself, which must be live in the shared store.
    pub async fn authenticate(&self, access_token: &str) -> Result<Principal, DomainError> {
        let kid = kid_of(access_token)?;
        let key = self
            .keys
            .find(&kid)
            .await?
            .ok_or(DomainError::Unauthenticated(AuthFailure::InvalidToken))?;
        let claims = verify_access_token(&self.config.tokens, &key, access_token)?;
        let invalid = || DomainError::Unauthenticated(AuthFailure::InvalidToken);
        let user_id = Uuid::parse_str(&claims.sub)
            .map(UserId::from_uuid)
            .map_err(|_| invalid())?;
        let session_id = Uuid::parse_str(&claims.sid)
            .map(SessionId::from_uuid)
            .map_err(|_| invalid())?;
        let roles = Roles::parse(&claims.roles).map_err(|_| invalid())?;
        let touched = self
            .sessions
            .touch(
                session_id,
                self.config.idle_timeout,
                DateTime::from_timestamp(claims.exp, 0).ok_or_else(invalid)?,
            )
            .await?
            .ok_or(DomainError::Unauthenticated(AuthFailure::SessionEnded))?;
        if touched.session.user_id != user_id {
            return Err(invalid());
        }
        // why: by the store's clock, which every node shares; this node's may run ahead
        // or behind.
        if touched.now.timestamp() >= claims.exp {
            return Err(DomainError::Unauthenticated(AuthFailure::ExpiredToken));
        }
        Ok(Principal {
            user_id,
            session_id,
            roles,
            password_change_required: claims.pcr,
        })
    }

    pub async fn logout(
        &self,
        principal: &Principal,
        context: &AuditContext,
    ) -> Result<(), DomainError> {
        self.sessions
            .revoke(principal.session_id, RevocationReason::Logout)
            .await?;
        self.audit
            .record(
                context,
                security_event(
                    AuditAction::SignOut,
                    "session",
                    principal.session_id.as_uuid(),
                ),
            )
            .await?;
        release_locks_of_session(self.locks.as_ref(), principal.session_id).await;
        Ok(())
    }

    pub async fn sessions_of(&self, principal: &Principal) -> Result<Vec<Session>, DomainError> {
        self.sessions.list_live_for_user(principal.user_id).await
    }

    /// Ends one session: the caller's own, or anyone's for an admin. Someone else's
    /// session is `NotFound` to a non-admin, so its existence does not leak.
    pub async fn revoke_session(
        &self,
        principal: &Principal,
        context: &AuditContext,
        id: SessionId,
    ) -> Result<(), DomainError> {
        let not_found = || DomainError::NotFound {
            resource: "session",
        };
        let session = self.sessions.get(id).await?.ok_or_else(not_found)?;
        let is_admin = principal.require(Permission::ManageUsers).is_ok();
        let reason = if session.user_id == principal.user_id {
            RevocationReason::RevokedByUser
        } else if is_admin {
            RevocationReason::RevokedByAdmin
        } else {
            return Err(not_found());
        };
        self.sessions.revoke(id, reason).await?;
        self.audit
            .record(
                context,
                security_event(AuditAction::EndSession, "session", id.as_uuid()),
            )
            .await?;
        release_locks_of_session(self.locks.as_ref(), id).await;
        Ok(())
    }

    /// Ends every session of `user` (admin).
    pub async fn revoke_all_sessions(
        &self,
        principal: &Principal,
        context: &AuditContext,
        user: UserId,
    ) -> Result<u64, DomainError> {
        principal.require(Permission::ManageUsers)?;
        self.users
            .get(user)
            .await?
            .ok_or(DomainError::NotFound { resource: "user" })?;
        let ended = self
            .sessions
            .revoke_all_for_user(user, None, RevocationReason::RevokedByAdmin)
            .await?;
        self.audit
            .record(
                context,
                security_event(AuditAction::EndSessions, "user", user.as_uuid()),
            )
            .await?;
        release_locks_of_user(self.locks.as_ref(), user, None).await;
        Ok(ended)
    }

    async fn audit_failed_sign_in(
        &self,
        origin: RequestOrigin,
        tried: Option<UserId>,
    ) -> Result<(), DomainError> {
        let account = tried.map_or(Uuid::nil(), UserId::as_uuid);
        self.audit
            .record(
                &AuditContext::anonymous(origin),
                security_event(AuditAction::SignInFailed, "user", account),
            )
            .await
    }

    /// The account as it now is: a refresh gives the current roles, and the current
    /// need to change the password.
    async fn live_user(&self, user: UserId) -> Result<User, DomainError> {
        match self.users.get(user).await? {
            Some(user) if user.active => Ok(user),
            _ => Err(DomainError::Unauthenticated(AuthFailure::SessionEnded)),
        }
    }

    async fn pair(
        &self,
        session: &Session,
        user: &User,
        refresh_token: String,
    ) -> Result<TokenPair, DomainError> {
        let key = self.keys.current().await?;
        let (access_token, expires_in) = sign_access_token(
            &self.config.tokens,
            &key,
            session,
            &user.roles,
            user.password_change_required,
        )?;
        Ok(TokenPair {
            access_token,
            refresh_token,
            expires_in,
            session_id: session.id,
            password_change_required: user.password_change_required,
        })
    }
}
