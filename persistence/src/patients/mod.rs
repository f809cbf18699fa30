//! The SQL backend of the patient repository.

pub(crate) mod entity;
mod rows;
mod sql_patients;

pub(crate) use sql_patients::standing;
pub use sql_patients::SqlPatientRepository;
