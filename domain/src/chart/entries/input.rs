use chrono::{DateTime, Duration, Utc};

use crate::chart::fields::latest_today;

use super::{
    AllergyDetails, AllergyInput, EntryDetails, EntryKind, ImmunizationDetails, ImmunizationInput,
    MedicationDetails, MedicationInput, VitalSigns, VitalsInput,
};
use crate::DomainError;

/// How far ahead of the database's clock a device's may run.
const CLOCK_SKEW: Duration = Duration::minutes(5);

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
        let today = latest_today(now);
        Ok(match self {
            Self::Allergy(input) => EntryDetails::Allergy(AllergyDetails::parse(input, today)?),
            Self::Medication(input) => EntryDetails::Medication(MedicationDetails::parse(input)?),
            // why: a set taken on a device whose clock runs a little ahead of the
            // database's is not "in the future".
            Self::Vitals(input) => {
                let not_after = now.checked_add_signed(CLOCK_SKEW).unwrap_or(now);
                EntryDetails::Vitals(VitalSigns::parse(input, not_after)?)
            }
            Self::Immunization(input) => {
                EntryDetails::Immunization(ImmunizationDetails::parse(input, today)?)
            }
        })
    }

    /// The same fields, with a status left out taken as `current`'s: a change that does
    /// not mention the status (a note added, a dose changed) leaves it as it is, never
    /// making a stopped drug active again.
    pub fn keeping_status_of(&self, current: &EntryDetails) -> EntryInput {
        let mut input = self.clone();
        let status = match &mut input {
            Self::Allergy(input) => &mut input.status,
            Self::Medication(input) => &mut input.status,
            Self::Vitals(input) => &mut input.status,
            Self::Immunization(input) => &mut input.status,
        };
        if status.is_none() {
            *status = Some(current.status().to_owned());
        }
        input
    }

    /// The clinician's reason to record a medication an allergy warns against.
    pub fn override_reason(&self) -> Option<&str> {
        match self {
            Self::Medication(input) => input.override_reason.as_deref(),
            _ => None,
        }
    }
}
