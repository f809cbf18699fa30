//! The values a person types: usernames, display names, passwords. Each parses once.

use std::fmt;

use crate::text::{padded, TextRule};

/// A login name: 3 to 64 characters of `a-z 0-9 . _ -`, compared case-insensitively
/// (kept lower-case), so `JDoe` and `jdoe` are one account; at most 64 characters as sent.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Username(String);

impl Username {
    pub const MAX_CHARS: usize = 64;

    pub fn parse(raw: &str) -> Result<Self, String> {
        let trimmed = raw.trim();
        if raw.chars().count() > Self::MAX_CHARS || trimmed.chars().count() < 3 {
            return Err("must be 3 to 64 characters long".to_owned());
        }
        // why: ASCII before lower-casing, since some other letters lower-case into ASCII
        // ones (the Kelvin sign into `k`), which would make look-alike names one account.
        if !trimmed
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        {
            return Err("may hold only letters, digits, '.', '_' and '-'".to_owned());
        }
        Ok(Self(trimmed.to_ascii_lowercase()))
    }

    /// [`Username::parse`] as a pattern, `MAX_CHARS` aside.
    pub fn pattern() -> String {
        padded("[A-Za-z0-9._-]{3,64}")
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
    pub const RULE: TextRule = TextRule::required(200).without_bidi_controls();

    pub fn parse(raw: &str) -> Result<Self, String> {
        Self::RULE.check(raw).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A clinician's specialty as shown when booking: 1 to 100 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Specialty(String);

impl Specialty {
    pub const RULE: TextRule = TextRule::required(100);
    /// A change of specialty, where a blank one clears it.
    pub const CLEARABLE: TextRule = TextRule::optional(100);

    pub fn parse(raw: &str) -> Result<Self, String> {
        Self::RULE.check(raw).map(Self)
    }

    /// A specialty, or `None` for a blank one.
    pub fn parse_clearable(raw: &str) -> Result<Option<Self>, String> {
        Self::CLEARABLE
            .check(raw)
            .map(|specialty| (!specialty.is_empty()).then_some(Self(specialty)))
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

    /// Refuses a password that is easy to guess (NIST SP 800-63B 3.1.1.2): the
    /// account's own name, or one that zxcvbn, which knows the 30,000 most common
    /// passwords, names, words, dates and keyboard runs, judges guessable in fewer
    /// than 10^10 tries (its score below 3). Passphrases of a few uncommon words pass.
    pub fn check_strength(&self, username: &Username) -> Result<(), String> {
        let typed = self.0.trim().to_lowercase();
        if typed == username.as_str() {
            return Err("must not be the username".to_owned());
        }
        if zxcvbn::zxcvbn(&self.0, &[username.as_str()]).score() < zxcvbn::Score::Three {
            return Err(
                "is too easy to guess: a common password, or one close to it; a few \
                 uncommon words make a strong passphrase"
                    .to_owned(),
            );
        }
        Ok(())
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
    use crate::text::agreement::{assert_agree, assert_rules_agree, strings, EDGE_CHARACTERS};

    #[test]
    fn common_passwords_and_the_username_are_refused() {
        let jdoe = Username::parse("jdoe").unwrap();
        let strength = |raw: &str| {
            Password::parse(raw.to_owned())
                .unwrap()
                .check_strength(&jdoe)
        };
        for weak in [
            "password1234",
            "qwertyuiop12",
            "iloveyou1234",
            "123456789012",
            "jdoejdoejdoe",
        ] {
            assert!(strength(weak).is_err(), "{weak}");
        }
        let named = Username::parse("jane.doe.smith").unwrap();
        assert!(Password::parse("Jane.Doe.Smith".to_owned())
            .unwrap()
            .check_strength(&named)
            .is_err());
        for strong in [
            "correct horse battery staple",
            "a long enough password",
            "Tr0ub4dor&3xyz",
        ] {
            assert!(strength(strong).is_ok(), "{strong}");
        }
    }

    #[test]
    fn the_username_pattern_agrees_with_the_parser() {
        let mut samples = strings(
            &['a', 'K', '.', '\u{212A}', ' ', '\t', '\u{85}', 'é', '\u{1}'],
            4,
        );
        samples.extend([
            "abc".repeat(21) + "d",
            "abc".repeat(21) + "d ",
            format!(" {}", "a".repeat(64)),
        ]);
        assert_agree(
            &Username::pattern(),
            Some(Username::MAX_CHARS),
            samples,
            Username::parse,
        );
    }

    #[test]
    fn the_name_rules_agree_with_their_patterns() {
        let samples = strings(EDGE_CHARACTERS, 3);
        assert_rules_agree(
            &[DisplayName::RULE, Specialty::RULE, Specialty::CLEARABLE],
            &samples,
        );
    }

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
