//! Field rules the chart's lists share: dates, codes, and named choices.

use chrono::{DateTime, NaiveDate, Utc};

use super::{ClinicalCode, CodeSystem};
use crate::error::FieldErrors;

/// Declares an enum of named choices with its wire names, `ALL`, `as_str` and a `parse`
/// whose refusal lists the choices.
macro_rules! named_choices {
    ($(#[$doc:meta])* $name:ident { $($(#[$variant_doc:meta])* $variant:ident => $text:literal,)+ }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
                pub enum $name {
            $($(#[$variant_doc])* $variant,)+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }

            pub fn parse(raw: &str) -> Result<Self, String> {
                Self::ALL
                    .iter()
                    .copied()
                    .find(|choice| choice.as_str() == raw)
                    .ok_or_else(|| {
                        let names: Vec<_> = Self::ALL.iter().map(|choice| choice.as_str()).collect();
                        format!("must be one of {}", names.join(", "))
                    })
            }

            /// The contract's pattern for the choices.
            pub fn pattern() -> String {
                let names: Vec<_> = Self::ALL.iter().map(|choice| choice.as_str()).collect();
                format!("^(?:{})$", names.join("|"))
            }
        }
    };
}
pub(crate) use named_choices;

/// The latest date it is anywhere on Earth at `now`: a date is the practice's own,
/// which east of UTC runs up to 14 hours ahead of the database's UTC clock, and a
/// vaccine given this morning in Auckland is not given "in the future".
pub fn latest_today(now: DateTime<Utc>) -> NaiveDate {
    now.checked_add_signed(chrono::Duration::hours(14))
        .unwrap_or(now)
        .date_naive()
}

/// The earliest date a chart holds (as for a date of birth).
const EARLIEST: NaiveDate = match NaiveDate::from_ymd_opt(1870, 1, 1) {
    Some(date) => date,
    None => panic!("1870-01-01 is a date"),
};
/// The latest date a chart holds (a medication's planned end).
const LATEST: NaiveDate = match NaiveDate::from_ymd_opt(2999, 12, 31) {
    Some(date) => date,
    None => panic!("2999-12-31 is a date"),
};

/// A date given as `YYYY-MM-DD` (four digits of year), from 1870 to 2999.
fn date(raw: &str) -> Result<NaiveDate, String> {
    let raw = raw.trim();
    let date = NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .ok()
        .filter(|_| raw.len() == 10)
        .ok_or_else(|| "must be a date, YYYY-MM-DD".to_owned())?;
    if !(EARLIEST..=LATEST).contains(&date) {
        return Err(format!("must be between {EARLIEST} and {LATEST}"));
    }
    Ok(date)
}

/// A date given as `YYYY-MM-DD`, not after `today`; none when not given.
pub fn past_date(raw: Option<&str>, today: NaiveDate) -> Result<Option<NaiveDate>, String> {
    let Some(raw) = raw else {
        return Ok(None);
    };
    let date = date(raw)?;
    if date > today {
        return Err("must not be in the future".to_owned());
    }
    Ok(Some(date))
}

/// A date given as `YYYY-MM-DD`, any day from 1870 to 2999; none when not given.
pub fn any_date(raw: Option<&str>) -> Result<Option<NaiveDate>, String> {
    raw.map(date).transpose()
}

/// An instant given in RFC 3339, from 1870 on and not after `now`; a leap second
/// (`:60`), which clients' clocks cannot show, is refused.
pub fn past_instant(raw: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>, String> {
    let instant = DateTime::parse_from_rfc3339(raw.trim())
        .ok()
        .filter(|instant| instant.timestamp_subsec_nanos() < 1_000_000_000)
        .ok_or_else(|| "must be a date and time, RFC 3339 (2026-11-27T09:30:00Z)".to_owned())?
        .with_timezone(&Utc);
    if instant.date_naive() < EARLIEST {
        return Err(format!("must not be before {EARLIEST}"));
    }
    if instant > now {
        return Err("must not be in the future".to_owned());
    }
    Ok(instant)
}

/// An optional code, given as `codeSystem` (one of `allowed`) with `code`: both or
/// neither. `None` when a field failed (recorded in `errors`).
pub fn optional_code(
    errors: &mut FieldErrors,
    system: Option<&str>,
    code: Option<&str>,
    allowed: &[CodeSystem],
) -> Option<Option<ClinicalCode>> {
    match (system, code) {
        (None, None) => Some(None),
        (Some(system), Some(code)) => errors
            .take("codeSystem", CodeSystem::parse(system, allowed))
            .and_then(|system| errors.take("code", ClinicalCode::parse(system, code)))
            .map(Some),
        (None, Some(_)) => errors.take("codeSystem", Err("must name the code's system".into())),
        (Some(_), None) => errors.take("code", Err("must be given with its system".into())),
    }
}

/// The value every field yielded once `errors` held none: a field that failed without
/// an error is a bug.
pub fn all_parsed<T>(value: Option<T>, what: &str) -> Result<T, crate::DomainError> {
    value.ok_or_else(|| {
        crate::DomainError::internal(anyhow::anyhow!("a {what} field failed without an error"))
    })
}
