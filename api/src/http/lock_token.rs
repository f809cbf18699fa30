use std::future::{ready, Ready};

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use domain::locks::LockToken;

use crate::error::ApiError;

/// The header a write made under a record lock carries: `Lock-Token: <token>`.
pub const LOCK_TOKEN: &str = "lock-token";

/// A lock's token as a header carries it: hyphenated, optionally in angle brackets.
pub fn parse_lock_token(text: &str) -> Option<LockToken> {
    let text = text.trim();
    let token = text
        .strip_prefix('<')
        .and_then(|inner| inner.strip_suffix('>'))
        .unwrap_or(text);
    // why: the hyphenated form only, as the contract's pattern says; it is the only one
    // 36 characters long (the uuid crate reads others too).
    (token.len() == 36).then(|| token.parse().ok()).flatten()
}

/// The lock a write claims to be made under, from `Lock-Token`; absent when the
/// writer holds no lock.
#[derive(Debug, Clone, Copy)]
pub struct PresentedLock(pub Option<LockToken>);

impl FromRequest for PresentedLock {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        let Some(value) = request.headers().get(LOCK_TOKEN) else {
            return ready(Ok(PresentedLock(None)));
        };
        let token = value.to_str().ok().and_then(parse_lock_token);
        ready(
            token
                .map(|token| PresentedLock(Some(token)))
                .ok_or(ApiError::BadRequest {
                    part: "Lock-Token header",
                    message: "expected the token of a lock, as POST /api/v1/locks returned it"
                        .to_owned(),
                }),
        )
    }
}
