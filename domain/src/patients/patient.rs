use std::fmt;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{Address, BirthDate, Email, EmergencyContact, Mrn, PersonName, Phone, Sex};
use crate::Version;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PatientId(Uuid);

impl PatientId {
    pub fn from_uuid(id: Uuid) -> Self {
        Self(id)
    }

    pub fn as_uuid(self) -> Uuid {
        self.0
    }
}

impl fmt::Display for PatientId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

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
