//! The SQL backend of the appointment repository.

mod entity;
mod sql_appointments;

pub(crate) use sql_appointments::appointment_of_patient;
pub use sql_appointments::SqlAppointmentRepository;
