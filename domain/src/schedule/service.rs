use std::sync::Arc;

use super::{
    Appointment, AppointmentChanges, AppointmentFilter, AppointmentId, AppointmentRepository,
    NewAppointment,
};
use crate::audit::AuditContext;
use crate::auth::{Permission, Principal, User, UserRepository};
use crate::locks::{LockGate, LockToken, LockedResource};
use crate::{DomainError, Page, PageRequest, Version};

/// Booking and running appointments.
pub struct Schedule {
    appointments: Arc<dyn AppointmentRepository>,
    users: Arc<dyn UserRepository>,
    locks: LockGate,
}

impl Schedule {
    pub fn new(
        appointments: Arc<dyn AppointmentRepository>,
        users: Arc<dyn UserRepository>,
        locks: LockGate,
    ) -> Self {
        Self {
            appointments,
            users,
            locks,
        }
    }

    /// Active clinicians, to book with.
    pub async fn providers(&self, caller: &Principal) -> Result<Vec<User>, DomainError> {
        caller.require(Permission::ReadAppointments)?;
        self.users.providers().await
    }

    pub async fn book(
        &self,
        caller: &Principal,
        context: &AuditContext,
        appointment: NewAppointment,
    ) -> Result<Appointment, DomainError> {
        caller.require(Permission::WriteAppointments)?;
        let provider = self.users.get(appointment.provider_id).await?;
        let is_provider = provider
            .is_some_and(|user| user.active && user.roles.contains(crate::auth::Role::Clinician));
        if !is_provider {
            return Err(DomainError::invalid(
                "providerId",
                "is not an active clinician",
            ));
        }
        let patient = appointment.patient_id;
        self.appointments
            .create(context, patient, &|standing, now| {
                Appointment::book(appointment.clone(), standing, now)
            })
            .await
    }

    pub async fn get(
        &self,
        caller: &Principal,
        context: &AuditContext,
        id: AppointmentId,
    ) -> Result<Appointment, DomainError> {
        caller.require(Permission::ReadAppointments)?;
        self.appointments
            .get(context, id)
            .await?
            .ok_or(DomainError::NotFound {
                resource: "appointment",
            })
    }

    pub async fn change(
        &self,
        caller: &Principal,
        context: &AuditContext,
        id: AppointmentId,
        expected: Version,
        lock: Option<LockToken>,
        changes: AppointmentChanges,
    ) -> Result<Appointment, DomainError> {
        caller.require(Permission::WriteAppointments)?;
        let fence = self
            .locks
            .admit(caller, LockedResource::Appointment(id), lock)
            .await?;
        self.appointments
            .modify(context, id, fence, &|appointment, _| {
                appointment.change(expected, changes.clone())
            })
            .await
    }

    pub async fn list(
        &self,
        caller: &Principal,
        context: &AuditContext,
        filter: AppointmentFilter,
        page: PageRequest,
    ) -> Result<Page<Appointment>, DomainError> {
        caller.require(Permission::ReadAppointments)?;
        self.appointments.list(context, filter, page).await
    }
}
