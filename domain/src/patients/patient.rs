use chrono::{DateTime, Utc};

use super::{Address, BirthDate, Email, EmergencyContact, Mrn, PersonName, Phone, Sex};
use crate::{DomainError, Version};

crate::id_type!(
    /// A patient's id.
    PatientId
);

/// Everything about a patient that staff enter and change (all of it, on every change:
/// a `PUT` replaces the record).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatientDetails {
    pub given_name: PersonName,
    pub family_name: PersonName,
    pub birth_date: BirthDate,
    pub sex: Sex,
    pub phone: Option<Phone>,
    pub email: Option<Email>,
    pub address: Address,
    pub emergency_contact: Option<EmergencyContact>,
    pub active: bool,
}

/// A patient record.
#[derive(Debug, Clone)]
pub struct Patient {
    pub id: PatientId,
    pub mrn: Mrn,
    pub details: PatientDetails,
    pub archived: bool,
    pub version: Version,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A patient search: every given criterion must hold.
#[derive(Debug, Clone, Default)]
pub struct PatientSearch {
    /// A case-insensitive prefix of the given or the family name.
    pub name_prefix: Option<String>,
    pub birth_date: Option<BirthDate>,
    pub mrn: Option<Mrn>,
    pub include_archived: bool,
}

impl PatientSearch {
    /// The name prefix searched for; a blank one searches every name.
    pub const NAME_PREFIX: crate::text::TextRule = crate::text::TextRule::optional(100);

    /// What was searched for, as the audit trail records it (a search that finds no one
    /// still tells who was looked for): `q=smi birthDate=1980-01-31 mrn=... includeArchived`.
    pub fn describe(&self) -> String {
        let mut terms = Vec::new();
        if let Some(prefix) = self.name_prefix.as_deref().filter(|p| !p.is_empty()) {
            terms.push(format!("q={prefix}"));
        }
        if let Some(birth_date) = self.birth_date {
            terms.push(format!("birthDate={}", birth_date.date()));
        }
        if let Some(mrn) = &self.mrn {
            terms.push(format!("mrn={}", mrn.as_str()));
        }
        if self.include_archived {
            terms.push("includeArchived".to_owned());
        }
        if terms.is_empty() {
            "every patient".to_owned()
        } else {
            terms.join(" ")
        }
    }
}

/// What the store knows of the patient a new clinical record is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatientStanding {
    Active,
    Archived,
    Unknown,
}

impl PatientStanding {
    /// New clinical records (appointments) that name a patient are only for registered
    /// patients who are not archived.
    pub fn admits_new_records(self) -> Result<(), DomainError> {
        match self {
            Self::Active => Ok(()),
            Self::Archived | Self::Unknown => Err(DomainError::invalid(
                "patientId",
                "is not a registered, unarchived patient",
            )),
        }
    }

    /// The same rule for a record added under the patient's own address
    /// (`/patients/{id}/notes`): there an unknown patient is a missing resource, and an
    /// archived one a state that refuses the change.
    pub fn admits_records_under_it(self) -> Result<(), DomainError> {
        match self {
            Self::Active => Ok(()),
            Self::Unknown => Err(DomainError::NotFound {
                resource: "patient",
            }),
            Self::Archived => Err(DomainError::Conflict {
                code: crate::ErrorCode::PatientArchived,
                message: "the patient is archived; nothing new is added to their record".to_owned(),
            }),
        }
    }
}

impl Patient {
    /// A newly registered patient with a fresh MRN.
    pub fn register(details: PatientDetails, now: DateTime<Utc>) -> Patient {
        Patient {
            id: PatientId::generate(),
            mrn: Mrn::generate(),
            details,
            archived: false,
            version: Version::FIRST,
            created_at: now,
            updated_at: now,
        }
    }

    /// The same patient under another MRN, after the store found this one taken.
    pub fn with_fresh_mrn(self) -> Patient {
        Patient {
            mrn: Mrn::generate(),
            ..self
        }
    }

    /// Replaces everything staff enter, at the version the caller read.
    pub fn revise(
        self,
        expected: Version,
        details: PatientDetails,
    ) -> Result<Patient, DomainError> {
        self.version.expect(expected)?;
        Ok(Patient { details, ..self })
    }

    /// Archives the record: it stays, out of default lists and closed to new records.
    pub fn archive(self, expected: Version) -> Result<Patient, DomainError> {
        self.version.expect(expected)?;
        Ok(Patient {
            archived: true,
            ..self
        })
    }

    pub fn standing(&self) -> PatientStanding {
        if self.archived {
            PatientStanding::Archived
        } else {
            PatientStanding::Active
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::patients::Address;

    fn details(given: &str) -> PatientDetails {
        PatientDetails {
            given_name: PersonName::parse(given).unwrap(),
            family_name: PersonName::parse("Doe").unwrap(),
            birth_date: BirthDate::from_stored(
                chrono::NaiveDate::from_ymd_opt(1980, 1, 2).unwrap(),
            ),
            sex: Sex::parse("female").unwrap(),
            phone: None,
            email: None,
            address: Address::parse(&[], None, None, None, None).unwrap(),
            emergency_contact: None,
            active: true,
        }
    }

    fn registered() -> Patient {
        Patient::register(details("Jane"), Utc::now())
    }

    #[test]
    fn a_registered_patient_starts_active_at_the_first_version() {
        let patient = registered();
        assert_eq!(patient.version, Version::FIRST);
        assert_eq!(patient.standing(), PatientStanding::Active);
        assert_ne!(patient.clone().with_fresh_mrn().mrn, patient.mrn);
    }

    #[test]
    fn a_revision_needs_the_current_version() {
        let patient = registered();
        let stale = patient
            .clone()
            .revise(Version::FIRST.next(), details("Joan"));
        assert!(
            matches!(stale, Err(DomainError::PreconditionFailed { current }) if current == Version::FIRST)
        );
        let revised = patient.revise(Version::FIRST, details("Joan")).unwrap();
        assert_eq!(revised.details.given_name.as_str(), "Joan");
    }

    #[test]
    fn an_archived_patient_admits_no_new_records() {
        let archived = registered().archive(Version::FIRST).unwrap();
        assert_eq!(archived.standing(), PatientStanding::Archived);
        assert!(archived.standing().admits_new_records().is_err());
        assert!(PatientStanding::Unknown.admits_new_records().is_err());
        assert!(PatientStanding::Active.admits_new_records().is_ok());
    }
}
