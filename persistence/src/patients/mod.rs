//! The SQL backend of the patient repository.

pub(crate) mod entity;
pub(crate) mod rows;
mod sql_patients;

pub(crate) use sql_patients::standing;
pub use sql_patients::SqlPatientRepository;
