use chrono::NaiveDate;

use crate::chart::fields::{all_parsed, named_choices, past_date};
use crate::chart::{ClinicalCode, CodeSystem};
use crate::error::FieldErrors;
use crate::text::{Controls, TextRule};
use crate::DomainError;

named_choices!(
    /// Whether the vaccine was given.
    ImmunizationStatus {
        Completed => "completed",
        /// Not given, for the reason the entry states (refused, contraindicated).
        NotDone => "not_done",
        EnteredInError => "entered_in_error",
    }
);

/// A vaccination, given or not, checked field by field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImmunizationDetails {
    pub vaccine: String,
    pub code: Option<ClinicalCode>,
    pub date: NaiveDate,
    pub lot_number: String,
    pub site: String,
    pub route: String,
    pub dose_number: Option<u16>,
    pub performer: String,
    pub status: ImmunizationStatus,
    /// Why it was not given: exactly when the status is `not_done`.
    pub status_reason: String,
    pub notes: String,
}

/// The fields of an immunization as the caller sent them.
#[derive(Debug, Clone, Default)]
pub struct ImmunizationInput {
    pub vaccine: String,
    pub cvx_code: Option<String>,
    pub date: String,
    pub lot_number: Option<String>,
    pub site: Option<String>,
    pub route: Option<String>,
    pub dose_number: Option<i64>,
    pub performer: Option<String>,
    pub status: Option<String>,
    pub status_reason: Option<String>,
    pub notes: Option<String>,
}

impl ImmunizationDetails {
    pub const VACCINE: TextRule = TextRule::required(200);
    pub const LOT_NUMBER: TextRule = TextRule::optional(50);
    pub const SITE: TextRule = TextRule::optional(100);
    pub const ROUTE: TextRule = TextRule::optional(100);
    pub const PERFORMER: TextRule = TextRule::optional(200);
    pub const STATUS_REASON: TextRule = TextRule::optional(500);
    pub const NOTES: TextRule = TextRule::optional(4_000).with_controls(Controls::Layout);
    pub const MAX_DOSE_NUMBER: i64 = 20;

    /// Checks every field, naming each that fails; a missing status is `completed`.
    pub fn parse(input: &ImmunizationInput, today: NaiveDate) -> Result<Self, DomainError> {
        let mut errors = FieldErrors::default();
        let vaccine = errors.take("vaccine", Self::VACCINE.check(&input.vaccine));
        let code = errors.take(
            "cvxCode",
            input
                .cvx_code
                .as_deref()
                .map(|code| ClinicalCode::parse(CodeSystem::Cvx, code))
                .transpose(),
        );
        let date = errors.take(
            "date",
            past_date(Some(&input.date), today)
                .and_then(|date| date.ok_or_else(|| "is required".to_owned())),
        );
        let text = |errors: &mut FieldErrors, field: &str, rule: TextRule, raw: &Option<String>| {
            errors.take(field, rule.check(raw.as_deref().unwrap_or("")))
        };
        let lot_number = text(
            &mut errors,
            "lotNumber",
            Self::LOT_NUMBER,
            &input.lot_number,
        );
        let site = text(&mut errors, "site", Self::SITE, &input.site);
        let route = text(&mut errors, "route", Self::ROUTE, &input.route);
        let dose_number = errors.take(
            "doseNumber",
            input
                .dose_number
                .map(|number| {
                    u16::try_from(number)
                        .ok()
                        .filter(|number| (1..=Self::MAX_DOSE_NUMBER).contains(&i64::from(*number)))
                        .ok_or_else(|| format!("must be between 1 and {}", Self::MAX_DOSE_NUMBER))
                })
                .transpose(),
        );
        let performer = text(&mut errors, "performer", Self::PERFORMER, &input.performer);
        let status = errors.take(
            "status",
            input
                .status
                .as_deref()
                .map_or(Ok(ImmunizationStatus::Completed), ImmunizationStatus::parse),
        );
        let status_reason = text(
            &mut errors,
            "statusReason",
            Self::STATUS_REASON,
            &input.status_reason,
        );
        if let (Some(status), Some(reason)) = (status, &status_reason) {
            let not_done = status == ImmunizationStatus::NotDone;
            if not_done && reason.is_empty() {
                errors.take::<()>(
                    "statusReason",
                    Err("is required when the status is not_done".into()),
                );
            }
            if status == ImmunizationStatus::Completed && !reason.is_empty() {
                errors.take::<()>(
                    "statusReason",
                    Err("is given only when the status is not_done".into()),
                );
            }
        }
        let notes = text(&mut errors, "notes", Self::NOTES, &input.notes);
        errors.into_result()?;
        Ok(Self {
            vaccine: all_parsed(vaccine, "immunization")?,
            code: all_parsed(code, "immunization")?,
            date: all_parsed(date, "immunization")?,
            lot_number: all_parsed(lot_number, "immunization")?,
            site: all_parsed(site, "immunization")?,
            route: all_parsed(route, "immunization")?,
            dose_number: all_parsed(dose_number, "immunization")?,
            performer: all_parsed(performer, "immunization")?,
            status: all_parsed(status, "immunization")?,
            status_reason: all_parsed(status_reason, "immunization")?,
            notes: all_parsed(notes, "immunization")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 27).unwrap()
    }

    fn influenza() -> ImmunizationInput {
        ImmunizationInput {
            vaccine: "Influenza, seasonal, injectable".to_owned(),
            cvx_code: Some("141".to_owned()),
            date: "2026-10-01".to_owned(),
            lot_number: Some("FL2026A".to_owned()),
            site: Some("left deltoid".to_owned()),
            route: Some("intramuscular".to_owned()),
            dose_number: Some(1),
            ..ImmunizationInput::default()
        }
    }

    fn fields_of(error: DomainError) -> Vec<String> {
        match error {
            DomainError::Invalid(errors) => errors.into_iter().map(|e| e.field).collect(),
            other => panic!("expected invalid fields, got {other:?}"),
        }
    }

    #[test]
    fn a_given_vaccine_is_completed_with_its_cvx_code() {
        let given = ImmunizationDetails::parse(&influenza(), today()).unwrap();
        assert_eq!(given.status, ImmunizationStatus::Completed);
        assert_eq!(given.code.unwrap().to_string(), "cvx:141");
    }

    #[test]
    fn a_vaccine_not_given_says_why() {
        let declined = |reason: Option<&str>| ImmunizationInput {
            status: Some("not_done".to_owned()),
            status_reason: reason.map(str::to_owned),
            ..influenza()
        };
        let details = ImmunizationDetails::parse(&declined(Some("patient declined")), today());
        assert_eq!(details.unwrap().status_reason, "patient declined");
        assert_eq!(
            fields_of(ImmunizationDetails::parse(&declined(None), today()).unwrap_err()),
            ["statusReason"]
        );
        let completed_with_reason = ImmunizationInput {
            status_reason: Some("why?".to_owned()),
            ..influenza()
        };
        assert_eq!(
            fields_of(ImmunizationDetails::parse(&completed_with_reason, today()).unwrap_err()),
            ["statusReason"]
        );
    }

    #[test]
    fn every_bad_field_is_named() {
        let bad = ImmunizationInput {
            vaccine: String::new(),
            cvx_code: Some("ABC".to_owned()),
            date: "2027-01-01".to_owned(),
            dose_number: Some(0),
            status: Some("given".to_owned()),
            ..influenza()
        };
        assert_eq!(
            fields_of(ImmunizationDetails::parse(&bad, today()).unwrap_err()),
            ["vaccine", "cvxCode", "date", "doseNumber", "status"]
        );
    }
}
