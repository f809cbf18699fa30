use chrono::{DateTime, Utc};

use super::{
    AllergyDetails, AllergyInput, EntryDetails, EntryKind, ImmunizationDetails, ImmunizationInput,
    MedicationDetails, MedicationInput, VitalSigns, VitalsInput,
};
use crate::DomainError;

/// An entry's fields as the caller sent them, by list.
#[derive(Debug, Clone)]
pub enum EntryInput {
    Allergy(AllergyInput),
    Medication(MedicationInput),
    Vitals(VitalsInput),
    Immunization(ImmunizationInput),
}

impl EntryInput {
    pub fn kind(&self) -> EntryKind {
        match self {
            Self::Allergy(_) => EntryKind::Allergy,
            Self::Medication(_) => EntryKind::Medication,
            Self::Vitals(_) => EntryKind::Vitals,
            Self::Immunization(_) => EntryKind::Immunization,
        }
    }

    /// Checks every field against the clock (`now`: no date in the future).
    pub fn parse(&self, now: DateTime<Utc>) -> Result<EntryDetails, DomainError> {
        let today = now.date_naive();
        Ok(match self {
            Self::Allergy(input) => EntryDetails::Allergy(AllergyDetails::parse(input, today)?),
            Self::Medication(input) => EntryDetails::Medication(MedicationDetails::parse(input)?),
            Self::Vitals(input) => EntryDetails::Vitals(VitalSigns::parse(input, now)?),
            Self::Immunization(input) => {
                EntryDetails::Immunization(ImmunizationDetails::parse(input, today)?)
            }
        })
    }

    /// The clinician's reason to record a medication an allergy warns against.
    pub fn override_reason(&self) -> Option<&str> {
        match self {
            Self::Medication(input) => input.override_reason.as_deref(),
            _ => None,
        }
    }
}
