//! The schedule: providers and their appointments, never double-booked.

mod appointment;
mod repository;
mod service;

pub use appointment::{
    Appointment, AppointmentChanges, AppointmentFilter, AppointmentId, AppointmentStatus,
    NewAppointment, Reason, TimeSlot,
};
pub use repository::AppointmentRepository;
pub use service::Schedule;
