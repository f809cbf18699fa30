//! A medication held against the patient's allergies, and the clinician's override.

use super::{AllergyOverride, ChartEntry, ChartEntryId, MedicationDetails, MedicationStatus};
use crate::DomainError;

impl MedicationDetails {
    /// The medication held against the patient's active allergies: refused
    /// (`allergy_conflict`, naming each allergy) when one warns against the drug, unless
    /// the clinician gives a reason to override, or an override `earlier` made for the
    /// same drug already names every allergy that warns. A medication no longer active
    /// warns of nothing. Answers the medication with the override it carries, and the
    /// override made now, if one was.
    pub fn checked_against(
        mut self,
        allergies: &[ChartEntry],
        override_reason: Option<&str>,
        earlier: Option<&AllergyOverride>,
    ) -> Result<(Self, Option<AllergyOverride>), DomainError> {
        self.allergy_override = earlier.cloned();
        let warning: Vec<(ChartEntryId, &str)> = allergies
            .iter()
            .filter_map(|entry| {
                let allergy = entry.allergy()?;
                allergy
                    .warns_against(&self.drug, self.code.as_ref())
                    .then_some((entry.id, allergy.substance.as_str()))
            })
            .collect();
        let already_overridden =
            |id: &ChartEntryId| earlier.is_some_and(|decision| decision.allergies.contains(id));
        if self.status != MedicationStatus::Active
            || warning.iter().all(|(id, _)| already_overridden(id))
        {
            return Ok((self, None));
        }
        match override_reason.map(str::trim) {
            Some(reason) if !reason.is_empty() => {
                let decision = AllergyOverride {
                    reason: reason.to_owned(),
                    allergies: warning.iter().map(|(id, _)| *id).collect(),
                };
                self.allergy_override = Some(decision.clone());
                Ok((self, Some(decision)))
            }
            _ => Err(DomainError::AllergyConflict {
                allergies: warning
                    .iter()
                    .map(|(id, substance)| (id.as_uuid(), (*substance).to_owned()))
                    .collect(),
            }),
        }
    }
}

impl AllergyOverride {
    /// The audit event's note of the decision: which allergies it overrode (the reason,
    /// clinical text, stays with the entry, for those who may read it), within the
    /// 500 characters an event's detail holds.
    pub fn audit_detail(&self) -> String {
        const LIMIT: usize = 500;
        let mut detail = String::from("allergy_override allergies=");
        for (index, id) in self.allergies.iter().enumerate() {
            let more = format!(" and {} more", self.allergies.len() - index);
            let next = if index == 0 {
                id.to_string()
            } else {
                format!(",{id}")
            };
            if detail.len() + next.len() + more.len() > LIMIT {
                detail.push_str(&more);
                break;
            }
            detail.push_str(&next);
        }
        detail
    }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;
    use crate::auth::UserId;
    use crate::chart::entries::{
        AllergyDetails, AllergyInput, DoseQuantityInput, DosingScheduleInput, EntryDetails,
        MedicationInput,
    };
    use crate::patients::PatientId;

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

    fn allergy_to(substance: &str) -> ChartEntry {
        let details = AllergyDetails::parse(
            &AllergyInput {
                substance: substance.to_owned(),
                category: "medication".to_owned(),
                ..AllergyInput::default()
            },
            chrono::NaiveDate::MAX,
        )
        .unwrap();
        ChartEntry::record(
            PatientId::generate(),
            EntryDetails::Allergy(details),
            UserId::generate(),
            Utc.with_ymd_and_hms(2026, 11, 1, 9, 0, 0).unwrap(),
        )
    }

    #[test]
    fn an_allergy_that_warns_is_named_unless_overridden() {
        let medication = MedicationDetails::parse(&MedicationInput {
            drug: "Penicillin V potassium".to_owned(),
            code_system: None,
            code: None,
            ..amoxicillin()
        })
        .unwrap();
        let allergies = [allergy_to("Penicillin"), allergy_to("Latex")];
        match medication.clone().checked_against(&allergies, None, None) {
            Err(DomainError::AllergyConflict { allergies: named }) => {
                assert_eq!(
                    named,
                    [(allergies[0].id.as_uuid(), "Penicillin".to_owned())]
                );
            }
            other => panic!("expected a conflict, got {other:?}"),
        }
        let (overridden, made) = medication
            .clone()
            .checked_against(&allergies, Some("tolerated a test dose"), None)
            .unwrap();
        let decision = AllergyOverride {
            reason: "tolerated a test dose".to_owned(),
            allergies: vec![allergies[0].id],
        };
        assert_eq!(overridden.allergy_override, Some(decision.clone()));
        assert_eq!(made, Some(decision.clone()));
        // The same drug again, overridden before: kept, nothing new to decide.
        let (kept, made) = medication
            .clone()
            .checked_against(&allergies, None, Some(&decision))
            .unwrap();
        assert_eq!(
            (kept.allergy_override, made),
            (Some(decision.clone()), None)
        );
        // A new allergy that warns too needs a new decision.
        let more = [allergies[0].clone(), allergy_to("Penicillin V")];
        assert!(medication
            .clone()
            .checked_against(&more, None, Some(&decision))
            .is_err());
        // Stopped, it warns of nothing.
        let stopped = MedicationDetails {
            status: MedicationStatus::Stopped,
            ..medication
        };
        assert!(stopped.checked_against(&allergies, None, None).is_ok());
        let unrelated = MedicationDetails::parse(&amoxicillin()).unwrap();
        let (checked, made) = unrelated
            .checked_against(&allergies, Some("not needed"), None)
            .unwrap();
        assert_eq!((checked.allergy_override, made), (None, None));
    }

    #[test]
    fn the_audit_note_of_an_override_names_the_allergies_within_its_column() {
        let decision = AllergyOverride {
            reason: "x".repeat(1_000),
            allergies: (0..40).map(|_| ChartEntryId::generate()).collect(),
        };
        let detail = decision.audit_detail();
        assert!(detail.len() <= 500, "{}", detail.len());
        assert!(detail.contains(&decision.allergies[0].to_string()));
        assert!(detail.ends_with("more"), "{detail}");
        assert!(!detail.contains("xxx"), "the reason stays with the entry");
    }
}
