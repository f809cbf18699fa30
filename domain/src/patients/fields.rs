//! The value types of a patient record; each parses once and is valid by construction.

use chrono::{Datelike, NaiveDate};
use rand::Rng;

use crate::text::{padded, TextRule, CONTROLS, WHITE_SPACE};

/// A medical record number: `MRN-` and eight characters of Crockford's base32
/// (no I, L, O, U), so it reads aloud and copies by hand without ambiguity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mrn(String);

const CROCKFORD: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

impl Mrn {
    /// A random MRN; uniqueness is the store's unique key's job (with a retry).
    pub fn generate() -> Self {
        let mut rng = rand::thread_rng();
        let code: String = (0..8)
            .map(|_| CROCKFORD[rng.gen_range(0..CROCKFORD.len())] as char)
            .collect();
        Self(format!("MRN-{code}"))
    }

    pub fn parse(raw: &str) -> Result<Self, String> {
        let trimmed = raw.trim();
        // why: ASCII first, since some other letters upper-case into ASCII ones.
        let upper = trimmed.is_ascii().then(|| trimmed.to_ascii_uppercase());
        match upper {
            Some(upper)
                if upper.len() == 12
                    && upper.starts_with("MRN-")
                    && upper[4..].bytes().all(|byte| CROCKFORD.contains(&byte)) =>
            {
                Ok(Self(upper))
            }
            _ => Err("must look like MRN-7K2M9QX4".to_owned()),
        }
    }

    /// [`Mrn::parse`] as a pattern: either case, with surrounding white space.
    pub fn pattern() -> String {
        padded("[Mm][Rr][Nn]-[0-9A-HJKMNP-TV-Za-hjkmnp-tv-z]{8}")
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A given or family name: 1 to 100 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonName(String);

impl PersonName {
    pub const RULE: TextRule = TextRule::required(100);

    pub fn parse(raw: &str) -> Result<Self, String> {
        Self::RULE.check(raw).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The form searches compare: lower-case.
    pub fn search_key(&self) -> String {
        self.0.to_lowercase()
    }
}

/// A date of birth: `YYYY-MM-DD`, not in the future, not before 1870.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BirthDate(NaiveDate);

impl BirthDate {
    pub fn parse(raw: &str, today: NaiveDate) -> Result<Self, String> {
        let date = NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
            .map_err(|_| "must be a date as YYYY-MM-DD".to_owned())?;
        if date > today {
            return Err("must not be in the future".to_owned());
        }
        if date.year() < 1870 {
            return Err("must not be before 1870".to_owned());
        }
        Ok(Self(date))
    }

    pub fn from_stored(date: NaiveDate) -> Self {
        Self(date)
    }

    pub fn date(self) -> NaiveDate {
        self.0
    }
}

/// Administrative sex, as HL7 FHIR codes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sex {
    Female,
    Male,
    Other,
    Unknown,
}

impl Sex {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Female => "female",
            Self::Male => "male",
            Self::Other => "other",
            Self::Unknown => "unknown",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, String> {
        [Self::Female, Self::Male, Self::Other, Self::Unknown]
            .into_iter()
            .find(|sex| sex.as_str() == raw)
            .ok_or_else(|| "must be female, male, other or unknown".to_owned())
    }
}

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
    fn the_code_patterns_agree_with_their_parsers() {
        let mut codes = strings(&['a', 'Z', 'ß', ' ', '1'], 3);
        codes.extend(
            [
                "MRN-7K2M9QX4",
                "mrn-7k2m9qx4",
                " MRN-7K2M9QX4 ",
                "MRN-OOOOIIII",
                "MRN-\u{17F}K2M9QX4",
                "MRN-7K2M9QX",
                "MRN-7K2M9QX4\n",
            ]
            .map(String::from),
        );
        assert_agree(&Mrn::pattern(), None, codes.iter().cloned(), Mrn::parse);
        assert_agree(&CountryCode::pattern(), None, codes, CountryCode::parse);
    }

    #[test]
    fn the_text_rules_agree_with_their_patterns() {
        let samples = strings(EDGE_CHARACTERS, 3);
        assert_rules_agree(
            &[
                PersonName::RULE,
                Address::PART,
                Address::POSTAL_CODE,
                EmergencyContact::NAME,
                EmergencyContact::RELATIONSHIP,
            ],
            &samples,
        );
    }

    #[test]
    fn mrns_are_generated_in_their_own_format() {
        for _ in 0..100 {
            let mrn = Mrn::generate();
            assert_eq!(Mrn::parse(mrn.as_str()).unwrap(), mrn);
        }
        assert!(Mrn::parse("MRN-OOOOIIII").is_err(), "ambiguous letters");
    }

    #[test]
    fn birth_dates_are_real_past_dates() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        assert!(BirthDate::parse("1980-02-29", today).is_ok());
        assert!(BirthDate::parse("1981-02-29", today).is_err());
        assert!(BirthDate::parse("2026-11-27", today).is_err());
        assert!(BirthDate::parse("26/11/1980", today).is_err());
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
