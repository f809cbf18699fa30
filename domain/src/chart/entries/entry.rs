use chrono::{DateTime, NaiveDate, Utc};

use super::{
    AllergyDetails, AllergyStatus, ImmunizationDetails, ImmunizationStatus, MedicationDetails,
    MedicationStatus, VitalSigns, VitalsStatus,
};
use crate::auth::{Permission, UserId};
use crate::patients::PatientId;
use crate::{DomainError, ErrorCode, Version};

crate::id_type!(
    /// An entry of one of a patient's chart lists: an allergy, a medication, a vitals
    /// set or an immunization.
    ChartEntryId
);

/// Which list an entry is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EntryKind {
    Allergy,
    Medication,
    Vitals,
    Immunization,
}

impl EntryKind {
    pub const ALL: [EntryKind; 4] = [
        Self::Allergy,
        Self::Medication,
        Self::Vitals,
        Self::Immunization,
    ];

    /// The name stored with the entry and given in audit events.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Allergy => "allergy",
            Self::Medication => "medication",
            Self::Vitals => "vitals",
            Self::Immunization => "immunization",
        }
    }

    /// The list's name in paths: `/api/v1/{plural}/{id}`, and a lock's `{plural}/{id}`.
    pub fn plural(self) -> &'static str {
        match self {
            Self::Allergy => "allergies",
            Self::Medication => "medications",
            Self::Vitals => "vitals",
            Self::Immunization => "immunizations",
        }
    }

    pub fn from_plural(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.plural() == raw)
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == raw)
    }

    /// The lists are the clinicians': they alone read and write them.
    pub fn read_permission(self) -> Permission {
        Permission::ReadChart
    }

    pub fn write_permission(self) -> Permission {
        Permission::WriteChart
    }
}

/// What an entry states, by list.
#[derive(Debug, Clone, PartialEq)]
pub enum EntryDetails {
    Allergy(AllergyDetails),
    Medication(MedicationDetails),
    Vitals(VitalSigns),
    Immunization(ImmunizationDetails),
}

impl EntryDetails {
    pub fn kind(&self) -> EntryKind {
        match self {
            Self::Allergy(_) => EntryKind::Allergy,
            Self::Medication(_) => EntryKind::Medication,
            Self::Vitals(_) => EntryKind::Vitals,
            Self::Immunization(_) => EntryKind::Immunization,
        }
    }

    /// The entry's status, by name (each list has its own).
    pub fn status(&self) -> &'static str {
        match self {
            Self::Allergy(details) => details.status.as_str(),
            Self::Medication(details) => details.status.as_str(),
            Self::Vitals(details) => details.status.as_str(),
            Self::Immunization(details) => details.status.as_str(),
        }
    }

    /// Every list's mistaken entries end as `entered_in_error`: kept, and frozen.
    pub fn is_entered_in_error(&self) -> bool {
        self.status() == ENTERED_IN_ERROR
    }

    /// Refuses what cannot have happened before the patient was born (`born_on`): a
    /// vitals set taken, a vaccine given, an allergy's onset.
    pub fn check_not_before_birth(&self, born_on: Option<NaiveDate>) -> Result<(), DomainError> {
        let Some(born_on) = born_on else {
            return Ok(());
        };
        let (field, day) = match self {
            Self::Allergy(allergy) => ("onset", allergy.onset),
            Self::Vitals(vitals) => ("takenAt", Some(vitals.taken_at.date_naive())),
            Self::Immunization(immunization) => ("date", Some(immunization.date)),
            Self::Medication(_) => return Ok(()),
        };
        // why: a day's grace, for a UTC date of an observation made on the evening of
        // the day of birth west of Greenwich.
        match day {
            Some(day) if day < born_on.pred_opt().unwrap_or(born_on) => Err(DomainError::invalid(
                field,
                format!("must not come before the patient's birth ({born_on})"),
            )),
            _ => Ok(()),
        }
    }

    /// The same details, marked entered in error: what was recorded is kept as it was.
    pub fn marked_entered_in_error(self) -> Self {
        match self {
            Self::Allergy(allergy) => Self::Allergy(AllergyDetails {
                status: AllergyStatus::EnteredInError,
                ..allergy
            }),
            Self::Medication(medication) => Self::Medication(MedicationDetails {
                status: MedicationStatus::EnteredInError,
                ..medication
            }),
            Self::Vitals(vitals) => Self::Vitals(VitalSigns {
                status: VitalsStatus::EnteredInError,
                ..vitals
            }),
            Self::Immunization(immunization) => Self::Immunization(ImmunizationDetails {
                status: ImmunizationStatus::EnteredInError,
                ..immunization
            }),
        }
    }

    /// When the entry was observed, for the lists read in time order: a vitals set's
    /// time, an immunization's day (at its start, UTC).
    pub fn observed_at(&self) -> Option<DateTime<Utc>> {
        match self {
            Self::Vitals(vitals) => Some(vitals.taken_at),
            Self::Immunization(immunization) => {
                Some(immunization.date.and_time(chrono::NaiveTime::MIN).and_utc())
            }
            _ => None,
        }
    }
}

/// The status every list shares.
pub const ENTERED_IN_ERROR: &str = "entered_in_error";

/// An entry of a chart list.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartEntry {
    pub id: ChartEntryId,
    pub patient_id: PatientId,
    pub details: EntryDetails,
    pub recorded_by: UserId,
    pub version: Version,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl ChartEntry {
    pub fn record(
        patient_id: PatientId,
        details: EntryDetails,
        recorded_by: UserId,
        now: DateTime<Utc>,
    ) -> ChartEntry {
        ChartEntry {
            id: ChartEntryId::generate(),
            patient_id,
            details,
            recorded_by,
            version: Version::FIRST,
            created_at: now,
            updated_at: now,
        }
    }

    pub fn kind(&self) -> EntryKind {
        self.details.kind()
    }

    /// Whether a revision based on `expected` may change the entry: the version is the
    /// current one, and the entry was not marked entered in error (which freezes it).
    pub fn admits_revision(&self, expected: Version) -> Result<(), DomainError> {
        self.version.expect(expected)?;
        if self.details.is_entered_in_error() {
            return Err(DomainError::conflict(
                ErrorCode::InvalidTransition,
                format!(
                    "this {} was marked entered in error and no longer changes",
                    self.kind().as_str()
                ),
            ));
        }
        Ok(())
    }

    /// Replaces what the entry states, at the version the caller read. An entry marked
    /// entered in error stays as it is; marking it so keeps what it recorded (the
    /// record of the mistake), whatever else the change says.
    pub fn revise(self, expected: Version, details: EntryDetails) -> Result<Self, DomainError> {
        self.admits_revision(expected)?;
        if details.is_entered_in_error() {
            return Ok(ChartEntry {
                details: self.details.clone().marked_entered_in_error(),
                ..self
            });
        }
        if details.kind() != self.kind() {
            return Err(DomainError::internal(anyhow::anyhow!(
                "a {} was revised with a {}'s details",
                self.kind().as_str(),
                details.kind().as_str()
            )));
        }
        Ok(ChartEntry { details, ..self })
    }

    pub fn allergy(&self) -> Option<&AllergyDetails> {
        match &self.details {
            EntryDetails::Allergy(allergy) => Some(allergy),
            _ => None,
        }
    }
}
