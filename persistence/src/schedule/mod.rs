//! The SQL backend of the appointment repository.

mod entity;
mod sql_appointments;

pub use sql_appointments::SqlAppointmentRepository;
