//! Access tokens (JWT, HS256) and refresh tokens (opaque, 256 random bits).

use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use super::{Roles, Session, SigningKey, TokenHash};
use crate::error::AuthFailure;
use crate::DomainError;

/// The one algorithm accepted; a token naming any other (or `none`) is refused.
const ALGORITHM: Algorithm = Algorithm::HS256;

/// Who issues access tokens and for whom (RFC 8725: both are checked on every token).
#[derive(Debug, Clone)]
pub struct TokenSettings {
    pub issuer: String,
    pub audience: String,
    pub access_token_ttl: Duration,
}

/// The claims of an access token.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AccessClaims {
    pub sub: String,
    pub sid: String,
    pub roles: Vec<String>,
    pub iat: i64,
    pub exp: i64,
    pub jti: String,
    pub iss: String,
    pub aud: String,
    /// The account must choose its own password before anything else.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub pcr: bool,
}

/// A new random refresh token: 256 bits, base64url.
pub(crate) fn random_refresh_token() -> String {
    let mut bytes = [0_u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A new random per-session key for deriving refresh tokens.
pub(crate) fn random_refresh_key() -> String {
    let mut bytes = [0_u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// The refresh token that follows `presented` in `session`.
///
/// why: derived, not random, so that a client that lost the answer to a refresh and
/// presents the same token again within the grace period gets the very same pair back,
/// from any node, without the store ever holding a usable token.
pub(crate) fn next_refresh_token(
    session: &Session,
    presented: &str,
) -> Result<String, DomainError> {
    let mut mac = Hmac::<Sha256>::new_from_slice(session.refresh_key.as_bytes())
        .map_err(DomainError::internal)?;
    mac.update(presented.as_bytes());
    Ok(URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes()))
}

/// Signs the access token for `session`'s current refresh generation. Every claim
/// derives from the session's state, so the same state yields the same token.
pub(crate) fn sign_access_token(
    settings: &TokenSettings,
    key: &SigningKey,
    session: &Session,
    roles: &Roles,
    password_change_required: bool,
) -> Result<(String, u64), DomainError> {
    let issued_at: DateTime<Utc> = session.rotated_at.unwrap_or(session.created_at);
    let ttl = i64::try_from(settings.access_token_ttl.as_secs()).map_err(DomainError::internal)?;
    let jti_source = TokenHash::of(session.refresh_token_hash.as_str());
    let jti = &jti_source.as_str()[..32];
    let claims = AccessClaims {
        sub: session.user_id.to_string(),
        sid: session.id.to_string(),
        roles: roles.iter().map(|r| r.as_str().to_owned()).collect(),
        iat: issued_at.timestamp(),
        exp: issued_at.timestamp() + ttl,
        jti: jti.to_owned(),
        iss: settings.issuer.clone(),
        aud: settings.audience.clone(),
        pcr: password_change_required,
    };
    let mut header = Header::new(ALGORITHM);
    header.kid = Some(key.kid.clone());
    let token = jsonwebtoken::encode(&header, &claims, &EncodingKey::from_secret(&key.secret))
        .map_err(DomainError::internal)?;
    // why: the session was just created or rotated by the store's clock, which
    // `issued_at` is; this node's clock may differ, so the lifetime is told as it is.
    Ok((token, settings.access_token_ttl.as_secs()))
}

/// The `kid` a token names, if it is a well-formed JWT for our one algorithm.
pub(crate) fn kid_of(token: &str) -> Result<String, DomainError> {
    let header = jsonwebtoken::decode_header(token)
        .map_err(|_| DomainError::Unauthenticated(AuthFailure::MalformedToken))?;
    if header.alg != ALGORITHM {
        return Err(DomainError::Unauthenticated(AuthFailure::InvalidToken));
    }
    header
        .kid
        .ok_or(DomainError::Unauthenticated(AuthFailure::InvalidToken))
}

/// Checks signature, algorithm, issuer and audience. Expiry is judged later, against
/// the store's clock ([`AuthService::authenticate`]), never this node's.
pub(crate) fn verify_access_token(
    settings: &TokenSettings,
    key: &SigningKey,
    token: &str,
) -> Result<AccessClaims, DomainError> {
    let mut validation = Validation::new(ALGORITHM);
    validation.set_issuer(&[&settings.issuer]);
    validation.set_audience(&[&settings.audience]);
    validation.set_required_spec_claims(&["exp", "iat", "iss", "aud", "sub"]);
    validation.validate_exp = false;
    jsonwebtoken::decode::<AccessClaims>(token, &DecodingKey::from_secret(&key.secret), &validation)
        .map(|data| data.claims)
        .map_err(|_| DomainError::Unauthenticated(AuthFailure::InvalidToken))
}
