use chrono::{DateTime, NaiveDate, Utc};

use crate::auth::UserId;
use crate::chart::fields::{optional_code, past_date};
use crate::chart::{ClinicalCode, CodeSystem};
use crate::error::FieldErrors;
use crate::patients::PatientId;
use crate::text::{Controls, TextRule};
use crate::{DomainError, ErrorCode, Version};

crate::id_type!(
    /// An entry of a patient's problem list.
    ProblemId
);

/// Where a problem stands. `EnteredInError` ends an entry recorded by mistake: it stays
/// in the record, out of the chart, and never changes again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemStatus {
    Active,
    Inactive,
    Resolved,
    EnteredInError,
}

impl ProblemStatus {
    pub const ALL: [ProblemStatus; 4] = [
        Self::Active,
        Self::Inactive,
        Self::Resolved,
        Self::EnteredInError,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Inactive => "inactive",
            Self::Resolved => "resolved",
            Self::EnteredInError => "entered_in_error",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|status| status.as_str() == raw)
            .ok_or_else(|| "must be active, inactive, resolved or entered_in_error".to_owned())
    }
}

/// What a clinician states about a problem, checked field by field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProblemDetails {
    pub description: String,
    pub code: Option<ClinicalCode>,
    pub onset: Option<NaiveDate>,
    pub status: ProblemStatus,
    /// When it resolved: given exactly when the status is `resolved`.
    pub resolved_on: Option<NaiveDate>,
    pub notes: String,
}

/// The fields of a problem as the caller sent them.
#[derive(Debug, Clone, Default)]
pub struct ProblemInput {
    pub description: String,
    pub code_system: Option<String>,
    pub code: Option<String>,
    pub onset: Option<String>,
    pub status: Option<String>,
    pub resolved_on: Option<String>,
    pub notes: Option<String>,
}

impl ProblemDetails {
    pub const DESCRIPTION: TextRule = TextRule::required(500);
    pub const NOTES: TextRule = TextRule::optional(4_000).with_controls(Controls::Layout);
    pub const CODE_SYSTEMS: [CodeSystem; 2] = [CodeSystem::Icd10, CodeSystem::Snomed];

    /// Checks every field against `today` (no date in the future), naming each that
    /// fails; a missing status is `active`.
    pub fn parse(input: &ProblemInput, today: NaiveDate) -> Result<Self, DomainError> {
        let mut errors = FieldErrors::default();
        let description = errors.take("description", Self::DESCRIPTION.check(&input.description));
        let code = optional_code(
            &mut errors,
            input.code_system.as_deref(),
            input.code.as_deref(),
            &Self::CODE_SYSTEMS,
        );
        let onset = errors.take("onset", past_date(input.onset.as_deref(), today));
        let resolved_on = errors.take("resolvedOn", past_date(input.resolved_on.as_deref(), today));
        let status = errors.take(
            "status",
            input
                .status
                .as_deref()
                .map_or(Ok(ProblemStatus::Active), ProblemStatus::parse),
        );
        let notes = errors.take(
            "notes",
            Self::NOTES.check(input.notes.as_deref().unwrap_or("")),
        );
        if let (Some(status), Some(resolved_on)) = (status, resolved_on) {
            let resolved = status == ProblemStatus::Resolved;
            if resolved && resolved_on.is_none() {
                errors.take::<()>(
                    "resolvedOn",
                    Err("is required when the status is resolved".into()),
                );
            }
            if !resolved && resolved_on.is_some() {
                errors.take::<()>(
                    "resolvedOn",
                    Err("is given only when the status is resolved".into()),
                );
            }
        }
        if let (Some(Some(onset)), Some(Some(resolved_on))) = (onset, resolved_on) {
            if resolved_on < onset {
                errors.take::<()>("resolvedOn", Err("must not come before the onset".into()));
            }
        }
        errors.into_result()?;
        match (description, code, onset, status, resolved_on, notes) {
            (
                Some(description),
                Some(code),
                Some(onset),
                Some(status),
                Some(resolved_on),
                Some(notes),
            ) => Ok(Self {
                description,
                code,
                onset,
                status,
                resolved_on,
                notes,
            }),
            _ => Err(DomainError::internal(anyhow::anyhow!(
                "a problem field failed without an error"
            ))),
        }
    }
}

/// An entry of the problem list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub id: ProblemId,
    pub patient_id: PatientId,
    pub details: ProblemDetails,
    pub recorded_by: UserId,
    pub version: Version,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Problem {
    pub fn record(
        patient_id: PatientId,
        details: ProblemDetails,
        recorded_by: UserId,
        now: DateTime<Utc>,
    ) -> Problem {
        Problem {
            id: ProblemId::generate(),
            patient_id,
            details,
            recorded_by,
            version: Version::FIRST,
            created_at: now,
            updated_at: now,
        }
    }

    /// Replaces what the clinician states, at the version they read. An entry marked
    /// entered in error stays as it is; marking it so keeps what it recorded.
    pub fn revise(
        self,
        expected: Version,
        details: ProblemDetails,
    ) -> Result<Problem, DomainError> {
        self.version.expect(expected)?;
        if self.details.status == ProblemStatus::EnteredInError {
            return Err(DomainError::conflict(
                ErrorCode::InvalidTransition,
                "this problem was marked entered in error and no longer changes",
            ));
        }
        // why: marking a mistake keeps what was recorded, as the record of it.
        if details.status == ProblemStatus::EnteredInError {
            let details = ProblemDetails {
                status: ProblemStatus::EnteredInError,
                ..self.details.clone()
            };
            return Ok(Problem { details, ..self });
        }
        Ok(Problem { details, ..self })
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 27).unwrap()
    }

    fn input() -> ProblemInput {
        ProblemInput {
            description: " Type 2 diabetes mellitus ".to_owned(),
            code_system: Some("icd10".to_owned()),
            code: Some("e11.9".to_owned()),
            onset: Some("2019-03-01".to_owned()),
            ..ProblemInput::default()
        }
    }

    fn fields_of(error: DomainError) -> Vec<String> {
        match error {
            DomainError::Invalid(errors) => errors.into_iter().map(|e| e.field).collect(),
            other => panic!("expected invalid fields, got {other:?}"),
        }
    }

    #[test]
    fn a_problem_is_active_unless_said_otherwise_and_its_code_is_normalised() {
        let details = ProblemDetails::parse(&input(), today()).unwrap();
        assert_eq!(details.description, "Type 2 diabetes mellitus");
        assert_eq!(details.status, ProblemStatus::Active);
        assert_eq!(details.code.unwrap().to_string(), "icd10:E11.9");
        assert_eq!(details.onset, NaiveDate::from_ymd_opt(2019, 3, 1));
    }

    #[test]
    fn every_bad_field_is_named_at_once() {
        let bad = ProblemInput {
            description: "  ".to_owned(),
            code_system: Some("rxnorm".to_owned()),
            code: Some("123".to_owned()),
            onset: Some("2030-01-01".to_owned()),
            status: Some("cured".to_owned()),
            resolved_on: Some("yesterday".to_owned()),
            notes: None,
        };
        assert_eq!(
            fields_of(ProblemDetails::parse(&bad, today()).unwrap_err()),
            ["description", "codeSystem", "onset", "resolvedOn", "status"]
        );
    }

    #[test]
    fn a_code_comes_with_its_system_and_matches_its_format() {
        let without_system = ProblemInput {
            code_system: None,
            ..input()
        };
        assert_eq!(
            fields_of(ProblemDetails::parse(&without_system, today()).unwrap_err()),
            ["codeSystem"]
        );
        let bad_snomed = ProblemInput {
            code_system: Some("snomed".to_owned()),
            code: Some("44054007".to_owned()),
            ..input()
        };
        assert_eq!(
            fields_of(ProblemDetails::parse(&bad_snomed, today()).unwrap_err()),
            ["code"]
        );
        let uncoded = ProblemInput {
            code_system: None,
            code: None,
            ..input()
        };
        assert_eq!(ProblemDetails::parse(&uncoded, today()).unwrap().code, None);
    }

    #[test]
    fn a_resolution_date_goes_with_the_resolved_status_and_after_the_onset() {
        let resolved = |status: &str, on: Option<&str>| ProblemInput {
            status: Some(status.to_owned()),
            resolved_on: on.map(str::to_owned),
            ..input()
        };
        let details = ProblemDetails::parse(&resolved("resolved", Some("2024-05-01")), today());
        assert_eq!(
            details.unwrap().resolved_on,
            NaiveDate::from_ymd_opt(2024, 5, 1)
        );
        for (status, on) in [
            ("resolved", None),
            ("active", Some("2024-05-01")),
            ("resolved", Some("2018-01-01")),
            ("resolved", Some("2027-01-01")),
        ] {
            assert_eq!(
                fields_of(ProblemDetails::parse(&resolved(status, on), today()).unwrap_err()),
                ["resolvedOn"],
                "{status} {on:?}"
            );
        }
    }

    #[test]
    fn an_entry_entered_in_error_never_changes_again() {
        let now = Utc.with_ymd_and_hms(2026, 11, 27, 9, 0, 0).unwrap();
        let details = ProblemDetails::parse(&input(), today()).unwrap();
        let problem = Problem::record(
            PatientId::generate(),
            details.clone(),
            UserId::generate(),
            now,
        );
        let stale = problem
            .clone()
            .revise(Version::FIRST.next(), details.clone());
        assert!(matches!(stale, Err(DomainError::PreconditionFailed { .. })));
        let in_error = problem
            .revise(
                Version::FIRST,
                ProblemDetails {
                    status: ProblemStatus::EnteredInError,
                    ..details.clone()
                },
            )
            .unwrap();
        match in_error.revise(Version::FIRST, details) {
            Err(DomainError::Conflict { code, .. }) => {
                assert_eq!(code, ErrorCode::InvalidTransition)
            }
            other => panic!("expected a conflict, got {other:?}"),
        }
    }
}
