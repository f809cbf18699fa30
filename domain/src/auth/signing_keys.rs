use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use base64::Engine;
use chrono::{DateTime, Utc};
use rand::RngCore;
use tokio::sync::RwLock;

use crate::DomainError;

/// An HMAC key for access tokens, named by its `kid`.
#[derive(Clone)]
pub struct SigningKey {
    pub kid: String,
    pub secret: Vec<u8>,
    pub created_at: DateTime<Utc>,
    pub retired_at: Option<DateTime<Utc>>,
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey")
            .field("kid", &self.kid)
            .field("created_at", &self.created_at)
            .field("retired_at", &self.retired_at)
            .finish_non_exhaustive()
    }
}

impl SigningKey {
    /// A fresh random 256-bit key with a random kid.
    pub fn generate(created_at: DateTime<Utc>) -> Self {
        let mut secret = vec![0_u8; 32];
        rand::thread_rng().fill_bytes(&mut secret);
        let mut kid = [0_u8; 12];
        rand::thread_rng().fill_bytes(&mut kid);
        Self {
            kid: base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(kid),
            secret,
            created_at,
            retired_at: None,
        }
    }
}

/// Where signing keys live: in the shared database, so that every node signs and
/// verifies with the same keys and no key file has to be copied between them.
#[async_trait]
pub trait SigningKeyStore: Send + Sync {
    /// Every key not retired, and those retired after `retired_since`.
    async fn usable_keys(
        &self,
        retired_since: DateTime<Utc>,
    ) -> Result<Vec<SigningKey>, DomainError>;

    /// Stores a new key. Several nodes may do so at once on first start; all then sign
    /// with the newest key (by creation time, then kid), so they converge.
    async fn insert(&self, key: SigningKey) -> Result<(), DomainError>;

    /// The store's clock.
    async fn now(&self) -> Result<DateTime<Utc>, DomainError>;
}

/// The node's view of the signing keys: loaded from the store, cached, reloaded when
/// stale or when a token names a kid the cache does not know (a key another node made).
pub struct SigningKeys {
    source: KeySource,
    cache: RwLock<Cached>,
}

enum KeySource {
    Store(Arc<dyn SigningKeyStore>),
    /// `PRACTICA_JWT_SECRET`: one key, configured, never stored.
    Pinned,
}

struct Cached {
    keys: Vec<SigningKey>,
    loaded_at: Option<Instant>,
    /// When a token with an unknown kid last caused a reload.
    forced_reload_at: Option<Instant>,
}

const CACHE_TTL: Duration = Duration::from_secs(60);
/// How long a retired key still verifies tokens: past the longest access-token life.
pub const RETIRED_KEY_GRACE: Duration = Duration::from_secs(24 * 3600);
/// Reloads prompted by unknown kids happen at most this often, so a flood of forged
/// tokens cannot turn into a flood of queries.
const MIN_RELOAD_INTERVAL: Duration = Duration::from_secs(1);

impl SigningKeys {
    pub fn from_store(store: Arc<dyn SigningKeyStore>) -> Self {
        Self {
            source: KeySource::Store(store),
            cache: RwLock::new(Cached {
                keys: Vec::new(),
                loaded_at: None,
                forced_reload_at: None,
            }),
        }
    }

    pub fn pinned(secret: &str) -> Self {
        let key = SigningKey {
            kid: "pinned".to_owned(),
            secret: secret.as_bytes().to_vec(),
            created_at: DateTime::<Utc>::UNIX_EPOCH,
            retired_at: None,
        };
        Self {
            source: KeySource::Pinned,
            cache: RwLock::new(Cached {
                keys: vec![key],
                loaded_at: Some(Instant::now()),
                forced_reload_at: None,
            }),
        }
    }

    /// Makes sure a key exists to sign with, creating one on first start.
    pub async fn ensure_signing_key(&self) -> Result<(), DomainError> {
        let KeySource::Store(store) = &self.source else {
            return Ok(());
        };
        let now = store.now().await?;
        let keys = store.usable_keys(now).await?;
        if !keys.iter().any(|key| key.retired_at.is_none()) {
            store.insert(SigningKey::generate(now)).await?;
        }
        self.reload().await
    }

    /// The key to sign with: the newest one not retired.
    pub async fn current(&self) -> Result<SigningKey, DomainError> {
        self.refresh_if_stale().await?;
        let cache = self.cache.read().await;
        newest_active(&cache.keys)
            .cloned()
            .ok_or_else(|| DomainError::internal(anyhow::anyhow!("no signing key")))
    }

    /// The key named `kid`, if it may verify tokens.
    pub async fn find(&self, kid: &str) -> Result<Option<SigningKey>, DomainError> {
        self.refresh_if_stale().await?;
        if let Some(key) = self.cached(kid).await {
            return Ok(Some(key));
        }
        if matches!(self.source, KeySource::Pinned) {
            return Ok(None);
        }
        {
            let mut cache = self.cache.write().await;
            if cache
                .forced_reload_at
                .is_some_and(|at| at.elapsed() < MIN_RELOAD_INTERVAL)
            {
                return Ok(None);
            }
            cache.forced_reload_at = Some(Instant::now());
        }
        self.reload().await?;
        Ok(self.cached(kid).await)
    }

    async fn cached(&self, kid: &str) -> Option<SigningKey> {
        self.cache
            .read()
            .await
            .keys
            .iter()
            .find(|key| key.kid == kid)
            .cloned()
    }

    async fn refresh_if_stale(&self) -> Result<(), DomainError> {
        let stale = self
            .cache
            .read()
            .await
            .loaded_at
            .is_none_or(|at| at.elapsed() > CACHE_TTL);
        if stale && matches!(self.source, KeySource::Store(_)) {
            self.reload().await?;
        }
        Ok(())
    }

    async fn reload(&self) -> Result<(), DomainError> {
        let KeySource::Store(store) = &self.source else {
            return Ok(());
        };
        let now = store.now().await?;
        let grace = chrono::Duration::from_std(RETIRED_KEY_GRACE).map_err(DomainError::internal)?;
        let keys = store.usable_keys(now - grace).await?;
        let mut cache = self.cache.write().await;
        cache.keys = keys;
        cache.loaded_at = Some(Instant::now());
        Ok(())
    }
}

fn newest_active(keys: &[SigningKey]) -> Option<&SigningKey> {
    keys.iter()
        .filter(|key| key.retired_at.is_none())
        .max_by(|a, b| (a.created_at, &a.kid).cmp(&(b.created_at, &b.kid)))
}
