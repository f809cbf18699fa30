//! Patients: who the practice cares for, registered by the front desk.

mod contact;
mod fields;
mod patient;
mod repository;
mod service;

pub use contact::{Address, CountryCode, Email, EmergencyContact, Phone};
pub use fields::{BirthDate, Mrn, PersonName, Sex};
pub use patient::{Patient, PatientDetails, PatientId, PatientSearch, PatientStanding};
pub use repository::PatientRepository;
pub use service::Patients;
