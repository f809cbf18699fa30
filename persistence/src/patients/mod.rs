//! The SQL backend of the patient repository.

mod entity;
mod sql_patients;

pub use sql_patients::SqlPatientRepository;
