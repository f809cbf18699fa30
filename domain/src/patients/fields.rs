//! The value types of a patient record; each parses once and is valid by construction.

use chrono::{Datelike, NaiveDate};
use rand::Rng;

fn bounded(raw: &str, max: usize) -> Result<String, String> {
    let trimmed = raw.trim();
    if trimmed.chars().count() > max {
        return Err(format!("must be at most {max} characters long"));
    }
    if trimmed.chars().any(char::is_control) {
        return Err("must not contain control characters".to_owned());
    }
    Ok(trimmed.to_owned())
}

fn required(raw: &str, max: usize) -> Result<String, String> {
    let value = bounded(raw, max)?;
    if value.is_empty() {
        return Err("must not be empty".to_owned());
    }
    Ok(value)
}

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
        let upper = raw.trim().to_uppercase();
        let valid = upper.len() == 12
            && upper.starts_with("MRN-")
            && upper[4..].bytes().all(|byte| CROCKFORD.contains(&byte));
        if valid {
            Ok(Self(upper))
        } else {
            Err("must look like MRN-7K2M9QX4".to_owned())
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A given or family name: 1 to 100 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonName(String);

impl PersonName {
    pub fn parse(raw: &str) -> Result<Self, String> {
        required(raw, 100).map(Self)
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
/// dots and parentheses; 5 to 20 digits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phone(String);

impl Phone {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let trimmed = raw.trim();
        let allowed = trimmed
            .chars()
            .enumerate()
            .all(|(i, c)| c.is_ascii_digit() || " -.()".contains(c) || (c == '+' && i == 0));
        let digits = trimmed.chars().filter(char::is_ascii_digit).count();
        if !allowed || !(5..=20).contains(&digits) || trimmed.len() > 32 {
            return Err("must be a phone number such as +1 555-0100".to_owned());
        }
        Ok(Self(trimmed.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An e-mail address: one `@`, a dotted domain, at most 254 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let trimmed = raw.trim();
        let valid = trimmed.len() <= 254
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

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An ISO 3166-1 alpha-2 country code: two capital letters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountryCode(String);

impl CountryCode {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let upper = raw.trim().to_uppercase();
        if upper.len() == 2 && upper.bytes().all(|b| b.is_ascii_uppercase()) {
            Ok(Self(upper))
        } else {
            Err("must be a two-letter ISO 3166-1 country code".to_owned())
        }
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
    pub fn parse(
        lines: &[String],
        city: Option<&str>,
        region: Option<&str>,
        postal_code: Option<&str>,
        country: Option<&str>,
    ) -> Result<Self, Vec<(&'static str, String)>> {
        let mut errors = Vec::new();
        if lines.len() > 3 {
            errors.push(("lines", "must have at most 3 lines".to_owned()));
        }
        let lines: Vec<String> = lines
            .iter()
            .filter_map(|line| {
                bounded(line, 100)
                    .map_err(|e| errors.push(("lines", e)))
                    .ok()
            })
            .filter(|line| !line.is_empty())
            .collect();
        let mut optional = |field: &'static str, raw: Option<&str>, max: usize| {
            raw.and_then(|raw| bounded(raw, max).map_err(|e| errors.push((field, e))).ok())
                .filter(|value| !value.is_empty())
        };
        let city = optional("city", city, 100);
        let region = optional("region", region, 100);
        let postal_code = optional("postalCode", postal_code, 20);
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
    pub fn parse(
        name: &str,
        relationship: Option<&str>,
        phone: &str,
    ) -> Result<Self, Vec<(&'static str, String)>> {
        let mut errors = Vec::new();
        let name = required(name, 200)
            .map_err(|e| errors.push(("name", e)))
            .ok();
        let relationship = relationship
            .and_then(|raw| {
                bounded(raw, 100)
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
