//! The SQL backend of the appointment repository.

pub(crate) mod entity;
pub(crate) mod rows;
mod sql_appointments;

pub(crate) use sql_appointments::patient_of;
pub use sql_appointments::SqlAppointmentRepository;
