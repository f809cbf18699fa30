//! The values a person types: usernames, display names, passwords. Each parses once.

use std::fmt;

/// A login name: 3 to 64 characters of `a-z 0-9 . _ -`, compared case-insensitively
/// (kept lower-case), so `JDoe` and `jdoe` are one account.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Username(String);

impl Username {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let normalized = raw.trim().to_lowercase();
        if !(3..=64).contains(&normalized.chars().count()) {
            return Err("must be 3 to 64 characters long".to_owned());
        }
        if !normalized
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        {
            return Err("may hold only letters, digits, '.', '_' and '-'".to_owned());
        }
        Ok(Self(normalized))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A person's name as shown to others: 1 to 200 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisplayName(String);

impl DisplayName {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.chars().count() > 200 {
            return Err("must be 1 to 200 characters long".to_owned());
        }
        if trimmed.chars().any(char::is_control) {
            return Err("must not contain control characters".to_owned());
        }
        Ok(Self(trimmed.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A clinician's specialty as shown when booking: 1 to 100 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Specialty(String);

impl Specialty {
    pub fn parse(raw: &str) -> Result<Self, String> {
        DisplayName::parse(raw)
            .map_err(|_| "must be 1 to 100 characters long, without control characters".to_owned())
            .and_then(|name| {
                if name.as_str().chars().count() > 100 {
                    Err("must be at most 100 characters long".to_owned())
                } else {
                    Ok(Self(name.as_str().to_owned()))
                }
            })
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A password that meets the policy: at least 12 characters (NIST SP 800-63B favours
/// length over composition rules) and at most 256, which bounds the hashing work.
/// Its `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    pub const MIN_LENGTH: usize = 12;
    pub const MAX_LENGTH: usize = 256;

    pub fn parse(raw: String) -> Result<Self, String> {
        let length = raw.chars().count();
        if length < Self::MIN_LENGTH {
            return Err(format!(
                "must be at least {} characters long",
                Self::MIN_LENGTH
            ));
        }
        if length > Self::MAX_LENGTH {
            return Err(format!(
                "must be at most {} characters long",
                Self::MAX_LENGTH
            ));
        }
        Ok(Self(raw))
    }

    /// A password as typed at login, which is checked, not held to the policy (an
    /// account created under an older policy can still log in).
    pub fn presented(raw: String) -> Self {
        Self(raw)
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_case_insensitive_and_restricted() {
        assert_eq!(Username::parse("  JDoe ").unwrap().as_str(), "jdoe");
        assert!(Username::parse("ab").is_err());
        assert!(Username::parse("j doe").is_err());
        assert!(Username::parse("jdoe@clinic").is_err());
        assert!(Username::parse(&"a".repeat(65)).is_err());
    }

    #[test]
    fn passwords_meet_the_length_policy_and_never_print() {
        assert!(Password::parse("short".to_owned()).is_err());
        assert!(Password::parse("x".repeat(257)).is_err());
        let password = Password::parse("correct horse battery".to_owned()).unwrap();
        assert!(!format!("{password:?}").contains("horse"));
    }

    #[test]
    fn display_names_are_trimmed_and_bounded() {
        assert_eq!(
            DisplayName::parse(" Dr. Ada Lovelace ").unwrap().as_str(),
            "Dr. Ada Lovelace"
        );
        assert!(DisplayName::parse("   ").is_err());
        assert!(DisplayName::parse("a\u{0007}b").is_err());
    }
}
