use chrono::{DateTime, Utc};
use domain::auth::{Session, TokenPair};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    #[schema(example = "admin")]
    pub username: String,
    #[schema(example = "correct horse battery staple", format = Password)]
    pub password: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RefreshRequest {
    pub refresh_token: String,
}

/// A new access token and the single-use refresh token that renews it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TokenPairBody {
    /// A JWT for `Authorization: Bearer ...`.
    pub access_token: String,
    /// Opaque and single-use: present it once to `/auth/refresh`.
    pub refresh_token: String,
    /// Always `Bearer`.
    #[schema(example = "Bearer")]
    pub token_type: &'static str,
    /// Seconds until the access token expires.
    #[schema(example = 900)]
    pub expires_in: u64,
    pub session_id: Uuid,
    /// `true` when the account's password was made for it (the first admin's, logged
    /// once): every other request answers 403 `password_change_required` until
    /// `PUT /api/v1/me/password`, after which a refresh gives an unrestricted token.
    pub password_change_required: bool,
}

impl From<TokenPair> for TokenPairBody {
    fn from(pair: TokenPair) -> Self {
        Self {
            access_token: pair.access_token,
            refresh_token: pair.refresh_token,
            token_type: "Bearer",
            expires_in: pair.expires_in,
            session_id: pair.session_id.as_uuid(),
            password_change_required: pair.password_change_required,
        }
    }
}

/// One of the caller's live sessions.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SessionBody {
    pub id: Uuid,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub idle_expires_at: DateTime<Utc>,
    pub absolute_expires_at: DateTime<Utc>,
    pub client_ip: Option<String>,
    pub user_agent: Option<String>,
    /// Whether this is the session making the request.
    pub current: bool,
}

impl SessionBody {
    pub fn new(session: Session, current: bool) -> Self {
        Self {
            id: session.id.as_uuid(),
            created_at: session.created_at,
            last_seen_at: session.last_seen_at,
            idle_expires_at: session.idle_expires_at,
            absolute_expires_at: session.absolute_expires_at,
            client_ip: session.client_ip,
            user_agent: session.user_agent,
            current,
        }
    }
}
