//! Appointments to and from their rows.

use domain::auth::UserId;
use domain::patients::PatientId;
use domain::schedule::{Appointment, AppointmentId, AppointmentStatus, Reason, TimeSlot};
use domain::Version;

use super::entity::Model;
use crate::error::{corrupt, StoreResult};

pub(super) fn appointment_row(appointment: &Appointment) -> Model {
    Model {
        id: appointment.id.as_uuid(),
        patient_id: appointment.patient_id.as_uuid(),
        provider_id: appointment.provider_id.as_uuid(),
        starts_at: appointment.slot.start(),
        ends_at: appointment.slot.end(),
        reason: appointment.reason.as_str().to_owned(),
        status: appointment.status.as_str().to_owned(),
        version: appointment.version.get(),
        fence: None,
        created_at: appointment.created_at,
        updated_at: appointment.updated_at,
    }
}

pub(crate) fn to_appointment(row: Model) -> StoreResult<Appointment> {
    let id = row.id;
    let corrupt = |what: &str, why: String| corrupt("appointment", id, what, why);
    Ok(Appointment {
        id: AppointmentId::from_uuid(row.id),
        patient_id: PatientId::from_uuid(row.patient_id),
        provider_id: UserId::from_uuid(row.provider_id),
        slot: TimeSlot::new(row.starts_at, row.ends_at).map_err(|e| corrupt("time", e))?,
        reason: Reason::parse(&row.reason).map_err(|e| corrupt("reason", e))?,
        status: AppointmentStatus::parse(&row.status).map_err(|e| corrupt("status", e))?,
        version: Version::new(row.version)
            .ok_or_else(|| corrupt("version", row.version.to_string()))?,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}
