//! The value types of a patient record; each parses once and is valid by construction.

use chrono::{Datelike, NaiveDate};
use rand::Rng;

use crate::text::{padded, TextRule};

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::agreement::{assert_agree, assert_rules_agree, strings, EDGE_CHARACTERS};

    #[test]
    fn the_mrn_pattern_agrees_with_the_parser() {
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
        assert_agree(&Mrn::pattern(), None, codes, Mrn::parse);
    }

    #[test]
    fn the_name_rule_agrees_with_its_pattern() {
        let samples = strings(EDGE_CHARACTERS, 3);
        assert_rules_agree(&[PersonName::RULE], &samples);
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
}
