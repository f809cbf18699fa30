//! The SQL backend of the patient repository.

mod entity;
mod sql_patients;

pub(crate) use sql_patients::is_active_patient;
pub use sql_patients::SqlPatientRepository;
