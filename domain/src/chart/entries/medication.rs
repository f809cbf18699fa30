use chrono::NaiveDate;
use uuid::Uuid;

use super::ChartEntryId;
use crate::auth::UserId;
use crate::chart::fields::{all_parsed, any_date, named_choices, optional_code};
use crate::chart::{ClinicalCode, CodeSystem};
use crate::error::FieldErrors;
use crate::text::{Controls, TextRule};
use crate::DomainError;

named_choices!(
    /// Where a medication stands on the list.
    MedicationStatus {
        Active => "active",
        Stopped => "stopped",
        Completed => "completed",
        EnteredInError => "entered_in_error",
    }
);

named_choices!(
    /// The unit of a dosing period.
    PeriodUnit {
        Hour => "hour",
        Day => "day",
        Week => "week",
        Month => "month",
    }
);

/// An amount of a drug taken at once: `500 mg`, `2 puffs`.
#[derive(Debug, Clone, PartialEq)]
pub struct DoseQuantity {
    pub value: f64,
    pub unit: String,
}

/// How often, structured: `times` every `period` `unit`s (twice every 1 day).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DosingSchedule {
    pub times: u32,
    pub period: u32,
    pub unit: PeriodUnit,
}

/// Who prescribed the medication: a practica user, or someone named (an outside
/// prescriber).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Prescriber {
    User(UserId),
    Named(String),
}

/// A clinician's decision to record a medication the patient's allergies warn against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllergyOverride {
    pub reason: String,
    pub allergies: Vec<ChartEntryId>,
}

/// A medication the patient takes, checked field by field.
#[derive(Debug, Clone, PartialEq)]
pub struct MedicationDetails {
    pub drug: String,
    pub code: Option<ClinicalCode>,
    pub dose: String,
    pub dose_quantity: Option<DoseQuantity>,
    pub route: String,
    pub frequency: String,
    pub schedule: Option<DosingSchedule>,
    pub as_needed: bool,
    pub start: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
    pub status: MedicationStatus,
    pub prescriber: Option<Prescriber>,
    pub notes: String,
    pub allergy_override: Option<AllergyOverride>,
}

#[derive(Debug, Clone, Default)]
pub struct DoseQuantityInput {
    pub value: f64,
    pub unit: String,
}

#[derive(Debug, Clone, Default)]
pub struct DosingScheduleInput {
    pub times: i64,
    pub period: i64,
    pub unit: String,
}

/// The fields of a medication as the caller sent them.
#[derive(Debug, Clone, Default)]
pub struct MedicationInput {
    pub drug: String,
    pub code_system: Option<String>,
    pub code: Option<String>,
    pub dose: Option<String>,
    pub dose_quantity: Option<DoseQuantityInput>,
    pub route: Option<String>,
    pub frequency: Option<String>,
    pub schedule: Option<DosingScheduleInput>,
    pub as_needed: Option<bool>,
    pub start: Option<String>,
    pub end: Option<String>,
    pub status: Option<String>,
    pub prescriber_id: Option<Uuid>,
    pub prescriber_name: Option<String>,
    pub notes: Option<String>,
    /// Why the clinician records it despite an allergy that warns against it.
    pub override_reason: Option<String>,
}

impl MedicationDetails {
    pub const DRUG: TextRule = TextRule::required(200);
    pub const DOSE: TextRule = TextRule::optional(100);
    pub const DOSE_UNIT: TextRule = TextRule::required(20);
    pub const ROUTE: TextRule = TextRule::optional(100);
    pub const FREQUENCY: TextRule = TextRule::optional(200);
    pub const PRESCRIBER_NAME: TextRule = TextRule::required(200);
    pub const NOTES: TextRule = TextRule::optional(4_000).with_controls(Controls::Layout);
    pub const OVERRIDE_REASON: TextRule = TextRule::required(1_000);
    pub const CODE_SYSTEMS: [CodeSystem; 1] = [CodeSystem::RxNorm];
    pub const MAX_DOSE: f64 = 1_000_000.0;
    pub const MAX_TIMES: i64 = 48;
    pub const MAX_PERIOD: i64 = 365;

    /// Checks every field, naming each that fails; a missing status is `active`. The
    /// allergy check comes later, against the chart ([`MedicationDetails::checked_against`]).
    pub fn parse(input: &MedicationInput) -> Result<Self, DomainError> {
        let mut errors = FieldErrors::default();
        let drug = errors.take("drug", Self::DRUG.check(&input.drug));
        let code = optional_code(
            &mut errors,
            input.code_system.as_deref(),
            input.code.as_deref(),
            &Self::CODE_SYSTEMS,
        );
        let text = |errors: &mut FieldErrors, field: &str, rule: TextRule, raw: &Option<String>| {
            errors.take(field, rule.check(raw.as_deref().unwrap_or("")))
        };
        let dose = text(&mut errors, "dose", Self::DOSE, &input.dose);
        let dose_quantity = match &input.dose_quantity {
            None => Some(None),
            Some(quantity) => {
                let value = errors.take(
                    "doseQuantity.value",
                    if quantity.value > 0.0 && quantity.value <= Self::MAX_DOSE {
                        Ok(quantity.value)
                    } else {
                        Err(format!(
                            "must be more than 0 and at most {}",
                            Self::MAX_DOSE
                        ))
                    },
                );
                let unit = errors.take("doseQuantity.unit", Self::DOSE_UNIT.check(&quantity.unit));
                value
                    .zip(unit)
                    .map(|(value, unit)| Some(DoseQuantity { value, unit }))
            }
        };
        let route = text(&mut errors, "route", Self::ROUTE, &input.route);
        let frequency = text(&mut errors, "frequency", Self::FREQUENCY, &input.frequency);
        let schedule = match &input.schedule {
            None => Some(None),
            Some(schedule) => {
                let in_range = |value: i64, max: i64| {
                    u32::try_from(value)
                        .ok()
                        .filter(|value| (1..=max).contains(&i64::from(*value)))
                        .ok_or_else(|| format!("must be between 1 and {max}"))
                };
                let times =
                    errors.take("schedule.times", in_range(schedule.times, Self::MAX_TIMES));
                let period = errors.take(
                    "schedule.period",
                    in_range(schedule.period, Self::MAX_PERIOD),
                );
                let unit = errors.take("schedule.unit", PeriodUnit::parse(&schedule.unit));
                match (times, period, unit) {
                    (Some(times), Some(period), Some(unit)) => Some(Some(DosingSchedule {
                        times,
                        period,
                        unit,
                    })),
                    _ => None,
                }
            }
        };
        let start = errors.take("start", any_date(input.start.as_deref()));
        let end = errors.take("end", any_date(input.end.as_deref()));
        if let (Some(Some(start)), Some(Some(end))) = (start, end) {
            if end < start {
                errors.take::<()>("end", Err("must not come before the start".into()));
            }
        }
        let status = errors.take(
            "status",
            input
                .status
                .as_deref()
                .map_or(Ok(MedicationStatus::Active), MedicationStatus::parse),
        );
        let prescriber = match (&input.prescriber_id, &input.prescriber_name) {
            (None, None) => Some(None),
            (Some(id), None) => Some(Some(Prescriber::User(UserId::from_uuid(*id)))),
            (None, Some(name)) => errors
                .take("prescriberName", Self::PRESCRIBER_NAME.check(name))
                .map(|name| Some(Prescriber::Named(name))),
            (Some(_), Some(_)) => errors.take(
                "prescriberName",
                Err("is given only when prescriberId is not".into()),
            ),
        };
        let notes = text(&mut errors, "notes", Self::NOTES, &input.notes);
        if let Some(reason) = &input.override_reason {
            errors.take("override.reason", Self::OVERRIDE_REASON.check(reason));
        }
        errors.into_result()?;
        Ok(Self {
            drug: all_parsed(drug, "medication")?,
            code: all_parsed(code, "medication")?,
            dose: all_parsed(dose, "medication")?,
            dose_quantity: all_parsed(dose_quantity, "medication")?,
            route: all_parsed(route, "medication")?,
            frequency: all_parsed(frequency, "medication")?,
            schedule: all_parsed(schedule, "medication")?,
            as_needed: input.as_needed.unwrap_or(false),
            start: all_parsed(start, "medication")?,
            end: all_parsed(end, "medication")?,
            status: all_parsed(status, "medication")?,
            prescriber: all_parsed(prescriber, "medication")?,
            notes: all_parsed(notes, "medication")?,
            allergy_override: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn amoxicillin() -> MedicationInput {
        MedicationInput {
            drug: "Amoxicillin 500 mg capsule".to_owned(),
            code_system: Some("rxnorm".to_owned()),
            code: Some("308182".to_owned()),
            dose: Some("1 capsule".to_owned()),
            dose_quantity: Some(DoseQuantityInput {
                value: 500.0,
                unit: "mg".to_owned(),
            }),
            frequency: Some("three times a day".to_owned()),
            schedule: Some(DosingScheduleInput {
                times: 3,
                period: 1,
                unit: "day".to_owned(),
            }),
            start: Some("2026-11-20".to_owned()),
            prescriber_name: Some("Dr. Outside".to_owned()),
            ..MedicationInput::default()
        }
    }

    fn fields_of(error: DomainError) -> Vec<String> {
        match error {
            DomainError::Invalid(errors) => errors.into_iter().map(|e| e.field).collect(),
            other => panic!("expected invalid fields, got {other:?}"),
        }
    }

    #[test]
    fn a_medication_keeps_its_free_text_and_its_structured_form() {
        let medication = MedicationDetails::parse(&amoxicillin()).unwrap();
        assert_eq!(medication.status, MedicationStatus::Active);
        assert_eq!(medication.dose_quantity.unwrap().unit, "mg");
        assert_eq!(medication.schedule.unwrap().times, 3);
        assert_eq!(
            medication.prescriber,
            Some(Prescriber::Named("Dr. Outside".to_owned()))
        );
    }

    #[test]
    fn every_bad_field_is_named() {
        let bad = MedicationInput {
            drug: String::new(),
            code_system: Some("snomed".to_owned()),
            dose_quantity: Some(DoseQuantityInput {
                value: -1.0,
                unit: String::new(),
            }),
            schedule: Some(DosingScheduleInput {
                times: 0,
                period: 400,
                unit: "fortnight".to_owned(),
            }),
            end: Some("2026-11-01".to_owned()),
            status: Some("paused".to_owned()),
            prescriber_id: Some(Uuid::nil()),
            override_reason: Some(" ".to_owned()),
            ..amoxicillin()
        };
        assert_eq!(
            fields_of(MedicationDetails::parse(&bad).unwrap_err()),
            [
                "drug",
                "codeSystem",
                "doseQuantity.value",
                "doseQuantity.unit",
                "schedule.times",
                "schedule.period",
                "schedule.unit",
                "end",
                "status",
                "prescriberName",
                "override.reason"
            ]
        );
    }
}
