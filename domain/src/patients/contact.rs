//! How to reach a patient, and whom to call for them: each value parses once and is
//! valid by construction.

use crate::text::{padded, TextRule, CONTROLS, WHITE_SPACE};

/// A phone number as people write it: digits with optional `+`, spaces, dashes,
/// dots and parentheses; 5 to 20 digits, at most 32 characters as sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phone(String);

impl Phone {
    pub const MAX_CHARS: usize = 32;

    pub fn parse(raw: &str) -> Result<Self, String> {
        let trimmed = raw.trim();
        let allowed = trimmed
            .chars()
            .enumerate()
            .all(|(i, c)| c.is_ascii_digit() || " -.()".contains(c) || (c == '+' && i == 0));
        let digits = trimmed.chars().filter(char::is_ascii_digit).count();
        if !allowed || !(5..=20).contains(&digits) || raw.chars().count() > Self::MAX_CHARS {
            return Err("must be a phone number such as +1 555-0100".to_owned());
        }
        Ok(Self(trimmed.to_owned()))
    }

    /// A phone number or none: a blank value means none.
    pub fn parse_optional(raw: &str) -> Result<Option<Self>, String> {
        if raw.trim().is_empty() && raw.chars().count() <= Self::MAX_CHARS {
            return Ok(None);
        }
        Self::parse(raw).map(Some)
    }

    /// [`Phone::parse`] as a pattern, `MAX_CHARS` aside.
    pub fn pattern() -> String {
        padded(Self::PATTERN)
    }

    /// [`Phone::parse_optional`] as a pattern, `MAX_CHARS` aside.
    pub fn optional_pattern() -> String {
        padded(&format!("(?:{})?", Self::PATTERN))
    }

    const PATTERN: &str = r"\+?[ .()-]*(?:[0-9][ .()-]*){5,20}";

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An e-mail address: one `@`, a dotted domain, no white space or control characters
/// inside, at most 254 characters as sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub const MAX_CHARS: usize = 254;

    pub fn parse(raw: &str) -> Result<Self, String> {
        let trimmed = raw.trim();
        let valid = raw.chars().count() <= Self::MAX_CHARS
            && !trimmed.chars().any(|c| c.is_whitespace() || c.is_control())
            && trimmed.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !domain.contains('@')
            });
        if valid {
            Ok(Self(trimmed.to_owned()))
        } else {
            Err("must be an e-mail address".to_owned())
        }
    }

    /// An address or none: a blank value means none.
    pub fn parse_optional(raw: &str) -> Result<Option<Self>, String> {
        if raw.trim().is_empty() && raw.chars().count() <= Self::MAX_CHARS {
            return Ok(None);
        }
        Self::parse(raw).map(Some)
    }

    /// [`Email::parse`] as a pattern, `MAX_CHARS` aside.
    pub fn pattern() -> String {
        padded(&Self::address_pattern())
    }

    /// [`Email::parse_optional`] as a pattern, `MAX_CHARS` aside.
    pub fn optional_pattern() -> String {
        padded(&format!("(?:{})?", Self::address_pattern()))
    }

    fn address_pattern() -> String {
        let part = format!("[^@{WHITE_SPACE}{CONTROLS}]");
        let domain_end = format!("[^.@{WHITE_SPACE}{CONTROLS}]");
        format!(r"{part}+@{domain_end}{part}*\.{part}*{domain_end}")
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An ISO 3166-1 alpha-2 country code: two capital letters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountryCode(String);

impl CountryCode {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let trimmed = raw.trim();
        if trimmed.len() == 2 && trimmed.bytes().all(|b| b.is_ascii_alphabetic()) {
            Ok(Self(trimmed.to_ascii_uppercase()))
        } else {
            Err("must be a two-letter ISO 3166-1 country code".to_owned())
        }
    }

    /// [`CountryCode::parse`] as a pattern: either case, with surrounding white space.
    pub fn pattern() -> String {
        padded("[A-Za-z]{2}")
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A postal address. Every part is optional but bounded.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Address {
    pub lines: Vec<String>,
    pub city: Option<String>,
    pub region: Option<String>,
    pub postal_code: Option<String>,
    pub country: Option<CountryCode>,
}

impl Address {
    /// A street line, city or region.
    pub const PART: TextRule = TextRule::optional(100);
    pub const POSTAL_CODE: TextRule = TextRule::optional(20);
    pub const MAX_LINES: usize = 3;

    pub fn parse(
        lines: &[String],
        city: Option<&str>,
        region: Option<&str>,
        postal_code: Option<&str>,
        country: Option<&str>,
    ) -> Result<Self, Vec<(&'static str, String)>> {
        let mut errors = Vec::new();
        if lines.len() > Self::MAX_LINES {
            errors.push(("lines", "must have at most 3 lines".to_owned()));
        }
        let lines: Vec<String> = lines
            .iter()
            .filter_map(|line| {
                Self::PART
                    .check(line)
                    .map_err(|e| errors.push(("lines", e)))
                    .ok()
            })
            .filter(|line| !line.is_empty())
            .collect();
        let mut optional = |field: &'static str, raw: Option<&str>, rule: TextRule| {
            raw.and_then(|raw| rule.check(raw).map_err(|e| errors.push((field, e))).ok())
                .filter(|value| !value.is_empty())
        };
        let city = optional("city", city, Self::PART);
        let region = optional("region", region, Self::PART);
        let postal_code = optional("postalCode", postal_code, Self::POSTAL_CODE);
        let country = country.and_then(|raw| {
            CountryCode::parse(raw)
                .map_err(|e| errors.push(("country", e)))
                .ok()
        });
        if errors.is_empty() {
            Ok(Self {
                lines,
                city,
                region,
                postal_code,
                country,
            })
        } else {
            Err(errors)
        }
    }
}

/// Whom to call in an emergency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmergencyContact {
    pub name: String,
    pub relationship: Option<String>,
    pub phone: Phone,
}

impl EmergencyContact {
    pub const NAME: TextRule = TextRule::required(200);
    pub const RELATIONSHIP: TextRule = TextRule::optional(100);

    pub fn parse(
        name: &str,
        relationship: Option<&str>,
        phone: &str,
    ) -> Result<Self, Vec<(&'static str, String)>> {
        let mut errors = Vec::new();
        let name = Self::NAME
            .check(name)
            .map_err(|e| errors.push(("name", e)))
            .ok();
        let relationship = relationship
            .and_then(|raw| {
                Self::RELATIONSHIP
                    .check(raw)
                    .map_err(|e| errors.push(("relationship", e)))
                    .ok()
            })
            .filter(|value| !value.is_empty());
        let phone = Phone::parse(phone)
            .map_err(|e| errors.push(("phone", e)))
            .ok();
        match (name, phone) {
            (Some(name), Some(phone)) if errors.is_empty() => Ok(Self {
                name,
                relationship,
                phone,
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::agreement::{assert_agree, assert_rules_agree, strings, EDGE_CHARACTERS};

    #[test]
    fn the_phone_pattern_agrees_with_the_parser() {
        let mut samples = strings(&['1', '+', ' ', '-', '(', 'x', '\u{A0}', '\t'], 6);
        samples.extend([
            "+1 (555) 010-0100".to_owned(),
            "1".repeat(20),
            "1".repeat(21),
            format!("{}{}", " ".repeat(12), "1".repeat(20)),
            format!("{}{}", " ".repeat(13), "1".repeat(20)),
            format!("+{}", "1 ".repeat(15)),
        ]);
        assert_agree(
            &Phone::pattern(),
            Some(Phone::MAX_CHARS),
            samples.iter().cloned(),
            Phone::parse,
        );
        samples.push(" ".repeat(33));
        assert_agree(
            &Phone::optional_pattern(),
            Some(Phone::MAX_CHARS),
            samples,
            Phone::parse_optional,
        );
    }

    #[test]
    fn the_email_pattern_agrees_with_the_parser() {
        let mut samples = strings(&['a', '@', '.', ' ', '\u{1}', '\u{A0}', 'é'], 6);
        samples.extend([
            "jane.doe@example.org".to_owned(),
            format!("{}@example.org", "j".repeat(242)),
            format!("{}@example.org", "j".repeat(243)),
            " jane@example.org\n".to_owned(),
        ]);
        assert_agree(
            &Email::pattern(),
            Some(Email::MAX_CHARS),
            samples.iter().cloned(),
            Email::parse,
        );
        samples.push(" ".repeat(255));
        assert_agree(
            &Email::optional_pattern(),
            Some(Email::MAX_CHARS),
            samples,
            Email::parse_optional,
        );
    }

    #[test]
    fn the_country_pattern_agrees_with_the_parser() {
        let mut codes = strings(&['a', 'Z', '\u{DF}', ' ', '1'], 3);
        codes.push(" de\n".to_owned());
        assert_agree(&CountryCode::pattern(), None, codes, CountryCode::parse);
    }

    #[test]
    fn the_text_rules_agree_with_their_patterns() {
        let samples = strings(EDGE_CHARACTERS, 3);
        assert_rules_agree(
            &[
                Address::PART,
                Address::POSTAL_CODE,
                EmergencyContact::NAME,
                EmergencyContact::RELATIONSHIP,
            ],
            &samples,
        );
    }

    #[test]
    fn phones_emails_and_countries_are_checked() {
        assert!(Phone::parse("+1 (555) 010-0100").is_ok());
        assert!(Phone::parse("call me").is_err());
        assert!(Phone::parse("1+2345678").is_err());
        assert!(Email::parse("jane.doe@example.org").is_ok());
        assert!(Email::parse("jane@localhost").is_err());
        assert!(Email::parse("jane doe@example.org").is_err());
        assert_eq!(CountryCode::parse("de").unwrap().as_str(), "DE");
        assert!(CountryCode::parse("DEU").is_err());
    }
}
