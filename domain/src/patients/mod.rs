//! Patients: who the practice cares for, registered by the front desk.

mod fields;
mod patient;
mod repository;
mod service;

pub use fields::{
    Address, BirthDate, CountryCode, Email, EmergencyContact, Mrn, PersonName, Phone, Sex,
};
pub use patient::{Patient, PatientDetails, PatientId, PatientSearch, PatientStanding};
pub use repository::PatientRepository;
pub use service::Patients;
