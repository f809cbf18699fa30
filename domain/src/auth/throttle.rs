//! The limits on guessing a password (OWASP's authentication cheat sheet): at a sign-in
//! and at a password change, an attempt is counted before the password is checked.

use std::sync::Arc;
use std::time::Duration;

use sha2::{Digest, Sha256};

use super::{Attempt, AttemptId, LoginAttempts};
use crate::DomainError;

/// How many attempts a window allows.
#[derive(Debug, Clone, Copy)]
pub struct ThrottleLimits {
    /// At one account from one address: the limit on guessing.
    pub per_account_from_address: u32,
    /// At one account from anywhere: a ceiling high enough that no one address can
    /// lock its user out (one address adds at most `per_account_from_address` to it).
    pub per_account: u32,
    /// From one address at any accounts: the limit on spraying one password at many.
    pub per_address: u32,
    pub window: Duration,
}

/// Counts attempts at passwords in the store all nodes share.
#[derive(Clone)]
pub struct PasswordThrottle {
    attempts: Arc<dyn LoginAttempts>,
    limits: ThrottleLimits,
}

/// The attempts one check counted, and the subject to clear if it succeeds.
#[must_use = "a successful attempt is handed back with `succeeded`"]
pub struct CountedAttempt {
    counted: Vec<(String, AttemptId)>,
    account_from_address: String,
}

impl PasswordThrottle {
    pub fn new(attempts: Arc<dyn LoginAttempts>, limits: ThrottleLimits) -> Self {
        Self { attempts, limits }
    }

    /// Counts an attempt at `username`'s password from `address`, or refuses it with
    /// `TooManyAttempts` when a limit is reached. The subjects are counted narrowest
    /// first and the account everywhere last, so that an attempt refused for its
    /// address never counts against the account from elsewhere.
    pub async fn admit(
        &self,
        username: &str,
        address: Option<&str>,
    ) -> Result<CountedAttempt, DomainError> {
        let account = account_subject(username);
        let address = format!("address:{}", address_subject(address));
        let account_from_address = format!("{account}|{address}");
        let limits = self.limits;
        let mut counted = Vec::with_capacity(3);
        for (subject, limit) in [
            (address, limits.per_address),
            (
                account_from_address.clone(),
                limits.per_account_from_address,
            ),
            (account, limits.per_account),
        ] {
            match self
                .attempts
                .try_count(&subject, limit, limits.window)
                .await?
            {
                Attempt::Counted(id) => counted.push((subject, id)),
                Attempt::Refused(seen) => {
                    // why: a refused attempt was never tried, so it counts against
                    // nothing; else a user locked out by others' guesses would extend
                    // their own lock-out with every retry.
                    for (subject, id) in &counted {
                        self.attempts.withdraw(subject, *id).await?;
                    }
                    return Err(DomainError::TooManyAttempts {
                        retry_after: seen.retry_after(limits.window),
                    });
                }
            }
        }
        Ok(CountedAttempt {
            counted,
            account_from_address,
        })
    }

    /// The password was right: the account's attempts from this address are forgotten,
    /// and this attempt counts against no limit.
    pub async fn succeeded(&self, attempt: CountedAttempt) -> Result<(), DomainError> {
        self.attempts.clear(&attempt.account_from_address).await?;
        for (subject, id) in &attempt.counted {
            if *subject != attempt.account_from_address {
                self.attempts.withdraw(subject, *id).await?;
            }
        }
        Ok(())
    }
}

/// The address as the store counts it: an IPv4 address whole, an IPv6 one by its /64,
/// the block one host is given (it could otherwise take a new address per guess).
fn address_subject(address: Option<&str>) -> String {
    match address.map(str::parse::<std::net::IpAddr>) {
        Some(Ok(std::net::IpAddr::V6(v6))) => {
            let mut segments = v6.segments();
            segments[4..].fill(0);
            format!("{}/64", std::net::Ipv6Addr::from(segments))
        }
        Some(Ok(v4)) => v4.to_string(),
        Some(Err(_)) | None => "unknown".to_owned(),
    }
}

/// The account as the store counts it: its normalised name, hashed, so that a key has
/// one length whatever a client sends as a username, and holds no name.
fn account_subject(username: &str) -> String {
    let normalised = username.trim().to_lowercase();
    let digest = Sha256::digest(normalised.as_bytes());
    format!("account:{}", hex::encode(&digest[..16]))
}

#[cfg(test)]
mod tests {
    use super::account_subject;

    #[test]
    fn an_ipv6_host_is_counted_by_its_64_block() {
        use super::address_subject;
        assert_eq!(
            address_subject(Some("2001:db8:1:2:aaaa::1")),
            address_subject(Some("2001:db8:1:2:bbbb:cccc:dddd:eeee"))
        );
        assert_ne!(
            address_subject(Some("2001:db8:1:2::1")),
            address_subject(Some("2001:db8:1:3::1"))
        );
        assert_eq!(address_subject(Some("198.51.100.7")), "198.51.100.7");
        assert_eq!(address_subject(None), "unknown");
    }

    #[test]
    fn an_account_is_counted_under_one_short_key_however_its_name_is_sent() {
        assert_eq!(account_subject(" JDoe "), account_subject("jdoe"));
        assert_ne!(account_subject("jdoe"), account_subject("jdoe2"));
        let long = account_subject(&"x".repeat(20_000));
        assert_eq!(long.len(), "account:".len() + 32);
        assert!(!account_subject("jdoe").contains("jdoe"));
    }
}
