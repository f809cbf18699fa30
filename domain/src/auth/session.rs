use std::fmt;
use std::time::Duration;

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use super::{SessionId, UserId};

/// SHA-256 (lower-case hex) of a refresh token: all a store ever keeps of one, so that a
/// copy of the store yields no usable token.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct TokenHash(String);

impl TokenHash {
    pub fn of(token: &str) -> Self {
        Self(hex::encode(Sha256::digest(token.as_bytes())))
    }

    pub fn from_stored(hex: String) -> Self {
        Self(hex)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for TokenHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TokenHash({}…)", &self.0[..self.0.len().min(8)])
    }
}

/// One signed-in client: a row in the shared store, valid on every node.
#[derive(Debug, Clone)]
pub struct Session {
    pub id: SessionId,
    pub user_id: UserId,
    pub refresh_token_hash: TokenHash,
    pub previous_refresh_token_hash: Option<TokenHash>,
    /// The secret each next refresh token is derived from (see `AuthService::refresh`).
    pub refresh_key: String,
    pub generation: i64,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub rotated_at: Option<DateTime<Utc>>,
    pub idle_expires_at: DateTime<Utc>,
    pub absolute_expires_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub revoked_reason: Option<RevocationReason>,
    pub client_ip: Option<String>,
    pub user_agent: Option<String>,
}

impl Session {
    /// Live at `now` (the store's clock): not revoked, and neither expiry has passed.
    pub fn is_live_at(&self, now: DateTime<Utc>) -> bool {
        self.revoked_at.is_none() && now < self.idle_expires_at && now < self.absolute_expires_at
    }
}

/// What a store needs to open a session.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub id: SessionId,
    pub user_id: UserId,
    pub refresh_token_hash: TokenHash,
    pub refresh_key: String,
    pub idle_timeout: Duration,
    pub absolute_timeout: Duration,
    pub client_ip: Option<String>,
    pub user_agent: Option<String>,
}

/// Why a session was ended before it expired.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RevocationReason {
    Logout,
    RevokedByUser,
    RevokedByAdmin,
    PasswordChanged,
    AccountChanged,
    RefreshTokenReused,
}

impl RevocationReason {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Logout => "logout",
            Self::RevokedByUser => "revoked_by_user",
            Self::RevokedByAdmin => "revoked_by_admin",
            Self::PasswordChanged => "password_changed",
            Self::AccountChanged => "account_changed",
            Self::RefreshTokenReused => "refresh_token_reused",
        }
    }

    pub fn parse(stored: &str) -> Option<Self> {
        [
            Self::Logout,
            Self::RevokedByUser,
            Self::RevokedByAdmin,
            Self::PasswordChanged,
            Self::AccountChanged,
            Self::RefreshTokenReused,
        ]
        .into_iter()
        .find(|reason| reason.as_str() == stored)
    }
}

/// Which of a session's refresh hashes a presented token matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefreshMatch {
    /// The token the session expects next.
    Current,
    /// A token the session already spent: the last one or any older one.
    Previous,
}

/// A live session as the store found it on a request, with the store's clock at that
/// moment: the clock an access token's expiry is judged by, so that a node whose own
/// clock runs ahead or behind ends no session early and keeps none late.
#[derive(Debug, Clone)]
pub struct TouchedSession {
    pub session: Session,
    pub now: DateTime<Utc>,
}

/// A session found by refresh-token hash, with the store's clock at the time of reading.
#[derive(Debug, Clone)]
pub struct SessionLookup {
    pub session: Session,
    pub matched: RefreshMatch,
    pub now: DateTime<Utc>,
}
