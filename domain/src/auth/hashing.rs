//! Password hashing with Argon2id, off the async workers.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::Password;
use crate::DomainError;

/// A PHC-format Argon2id hash (`$argon2id$v=19$m=19456,t=2,p=1$...`).
#[derive(Clone, PartialEq, Eq)]
pub struct PasswordHash(String);

impl PasswordHash {
    pub fn from_stored(phc: String) -> Self {
        Self(phc)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for PasswordHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PasswordHash(<redacted>)")
    }
}

/// Hashes and verifies passwords with OWASP's Argon2id parameters (19 MiB, 2 passes,
/// 1 lane). Each call runs on tokio's blocking pool: a burst of logins must not stall
/// the workers that serve every other request. At most [`MAX_AT_ONCE`] run at once,
/// since each holds 19 MiB: a burst of hundreds waits its turn for a moment, and past
/// that is told to come back (`Unavailable`: 503 with Retry-After) rather than
/// exhausting the node's memory.
#[derive(Clone)]
pub struct PasswordHasher {
    params: Params,
    /// A hash of nothing anyone knows, verified when a username is unknown, so that
    /// an unknown user costs the same time as a wrong password.
    dummy: Arc<PasswordHash>,
    turns: Arc<Semaphore>,
}

/// Hashes at once per node: 16 x 19 MiB is some 300 MiB at the worst moment.
pub const MAX_AT_ONCE: usize = 16;
/// How long a hash waits for its turn before the request is turned away.
const TURN_WAIT: Duration = Duration::from_secs(2);

impl PasswordHasher {
    pub fn owasp() -> Result<Self, DomainError> {
        Self::with_turns(MAX_AT_ONCE)
    }

    fn with_turns(turns: usize) -> Result<Self, DomainError> {
        let params = Params::new(19 * 1024, 2, 1, None)
            .map_err(|e| DomainError::internal(anyhow::anyhow!("{e}")))?;
        let dummy = hash_blocking(&params, "practica dummy password, never valid")?;
        Ok(Self {
            params,
            dummy: Arc::new(dummy),
            turns: Arc::new(Semaphore::new(turns)),
        })
    }

    async fn turn(&self) -> Result<OwnedSemaphorePermit, DomainError> {
        match tokio::time::timeout(TURN_WAIT, self.turns.clone().acquire_owned()).await {
            Ok(Ok(permit)) => Ok(permit),
            Ok(Err(closed)) => Err(DomainError::internal(closed)),
            Err(_) => Err(DomainError::Unavailable(anyhow::anyhow!(
                "every password hashing turn is taken"
            ))),
        }
    }

    pub async fn hash(&self, password: &Password) -> Result<PasswordHash, DomainError> {
        let params = self.params.clone();
        let password = password.expose().to_owned();
        let turn = self.turn().await?;
        tokio::task::spawn_blocking(move || {
            let _turn = turn;
            hash_blocking(&params, &password)
        })
        .await
        .map_err(DomainError::internal)?
    }

    /// `true` when `password` matches `hash`; with `None`, checks against the dummy
    /// hash and answers `false`, taking the same time.
    pub async fn verify(
        &self,
        password: &Password,
        hash: Option<&PasswordHash>,
    ) -> Result<bool, DomainError> {
        let known = hash.is_some();
        let hash = hash.cloned().unwrap_or_else(|| (*self.dummy).clone());
        let password = password.expose().to_owned();
        let turn = self.turn().await?;
        let matches = tokio::task::spawn_blocking(move || {
            let _turn = turn;
            let parsed = argon2::PasswordHash::new(hash.as_str()).map_err(|e| {
                DomainError::internal(anyhow::anyhow!("stored hash unreadable: {e}"))
            })?;
            Ok::<bool, DomainError>(
                Argon2::default()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok(),
            )
        })
        .await
        .map_err(DomainError::internal)??;
        Ok(known && matches)
    }
}

fn hash_blocking(params: &Params, password: &str) -> Result<PasswordHash, DomainError> {
    let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
    let salt = SaltString::generate(&mut OsRng);
    let phc = argon2
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| DomainError::internal(anyhow::anyhow!("hashing failed: {e}")))?;
    Ok(PasswordHash(phc.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_password_only() {
        let hasher = PasswordHasher::owasp().unwrap();
        let password = Password::parse("correct horse battery".to_owned()).unwrap();
        let hash = hasher.hash(&password).await.unwrap();
        assert!(hash.as_str().starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(hasher.verify(&password, Some(&hash)).await.unwrap());
        let wrong = Password::presented("correct horse battery!".to_owned());
        assert!(!hasher.verify(&wrong, Some(&hash)).await.unwrap());
        assert!(!hasher.verify(&password, None).await.unwrap());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn hashes_beyond_the_turns_wait_then_are_turned_away() {
        let hasher = PasswordHasher::with_turns(1).unwrap();
        let held = hasher.turn().await.unwrap();
        let password = Password::presented("correct horse battery".to_owned());
        let started = std::time::Instant::now();
        let refused = hasher.verify(&password, None).await;
        assert!(
            matches!(refused, Err(DomainError::Unavailable(_))),
            "{refused:?}"
        );
        assert!(started.elapsed() >= TURN_WAIT);
        drop(held);
        assert!(!hasher.verify(&password, None).await.unwrap());
    }
}
