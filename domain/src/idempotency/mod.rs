//! `Idempotency-Key`: a retried POST, on any node, gets the first answer again and
//! creates nothing twice.

use std::time::Duration;

use async_trait::async_trait;

use crate::auth::UserId;
use crate::DomainError;

/// A client's key for one logical request: 1 to 255 visible ASCII characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    pub const MAX_LEN: usize = 255;
    /// [`IdempotencyKey::parse`] as a pattern, `MAX_LEN` aside.
    pub const PATTERN: &str = "^[!-~]+$";

    pub fn parse(raw: &str) -> Result<Self, String> {
        if (1..=Self::MAX_LEN).contains(&raw.len()) && raw.bytes().all(|b| b.is_ascii_graphic()) {
            Ok(Self(raw.to_owned()))
        } else {
            Err("must be 1 to 255 visible ASCII characters".to_owned())
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A finished answer, kept to be replayed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// What claiming a key found.
#[derive(Debug)]
pub enum Claim {
    /// The key is this request's, claimed at this instant (the store's clock): do the
    /// work, then complete or release it.
    Acquired(chrono::DateTime<chrono::Utc>),
    /// Another request with this key is still running.
    InProgress,
    /// The key was used for a different request.
    Mismatch,
    /// The key's request finished: answer this again.
    Replay(StoredResponse),
    /// The key's request committed its work but no answer was stored (its node died
    /// between the two): the work is not done again; the retry is shown what it made.
    Committed(CommittedWork),
}

/// What a keyed request's committed work wrote first, as its audit trail names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommittedWork {
    pub resource_type: String,
    pub resource_id: uuid::Uuid,
}

/// The claim of the request being served, when it came with a key.
#[derive(Debug, Clone)]
pub struct ClaimedKey {
    pub user: UserId,
    pub key: IdempotencyKey,
    /// When this request claimed it: a claim a retry took over (this request ran past
    /// `stale_after`) is another claim, and this request may no longer commit under it.
    pub claimed_at: chrono::DateTime<chrono::Utc>,
}

tokio::task_local! {
    /// Set around a keyed request's handling: the unit of work that commits the
    /// request's writes marks the claim committed in the same transaction, so a node
    /// that dies before storing the answer cannot make a retry do the work twice.
    pub static CLAIMED_KEY: ClaimedKey;
}

/// The key the current request holds, if any.
pub fn claimed_key() -> Option<ClaimedKey> {
    CLAIMED_KEY.try_with(Clone::clone).ok()
}

/// Where keys and their answers live: shared by all nodes, so a retry on another node
/// finds the first request's claim.
///
/// Contract: `claim` is atomic (of two concurrent claims of one key, one is
/// `Acquired`); a key past `ttl` is free again; a claim never completed within
/// `stale_after` (its node died) may be taken over, unless its work committed
/// (`Committed`); `release` gives up only a claim whose work did not commit.
#[async_trait]
pub trait IdempotencyStore: Send + Sync {
    async fn claim(
        &self,
        user: UserId,
        key: &IdempotencyKey,
        fingerprint: &str,
        ttl: Duration,
        stale_after: Duration,
    ) -> Result<Claim, DomainError>;

    /// Stores the answer under the claim made at `claimed_at` (if a retry took the key
    /// over since, its claim is left alone).
    async fn complete(
        &self,
        user: UserId,
        key: &IdempotencyKey,
        claimed_at: chrono::DateTime<chrono::Utc>,
        response: StoredResponse,
    ) -> Result<(), DomainError>;

    /// Gives up the claim made at `claimed_at` (the request failed on our side), so a
    /// retry can run it.
    async fn release(
        &self,
        user: UserId,
        key: &IdempotencyKey,
        claimed_at: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), DomainError>;
}
