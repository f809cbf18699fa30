use async_trait::async_trait;

use super::{Appointment, AppointmentChanges, AppointmentFilter, AppointmentId, NewAppointment};
use crate::audit::AuditContext;
use crate::{DomainError, Page, PageRequest, Version};

/// Where appointments live.
///
/// Contract for every backend:
/// - a provider is never double-booked: of overlapping appointments that are not
///   cancelled, at most one exists, decided by the store however many nodes book at
///   once; the loser gets `SlotTaken { conflicting }`;
/// - `update` changes the row only at version `expected` (`PreconditionFailed`), and
///   checks the transition from the status it finds (`Conflict { code:
///   "invalid_transition" }`) in the same transaction;
/// - every read and write is audited in its own transaction, as for patients;
/// - an unknown patient or provider is `Invalid` on the field naming it.
#[async_trait]
pub trait AppointmentRepository: Send + Sync {
    async fn create(
        &self,
        context: &AuditContext,
        appointment: NewAppointment,
    ) -> Result<Appointment, DomainError>;

    async fn get(
        &self,
        context: &AuditContext,
        id: AppointmentId,
    ) -> Result<Option<Appointment>, DomainError>;

    async fn update(
        &self,
        context: &AuditContext,
        id: AppointmentId,
        expected: Version,
        changes: AppointmentChanges,
    ) -> Result<Appointment, DomainError>;

    /// Matching appointments by start time.
    async fn list(
        &self,
        context: &AuditContext,
        filter: AppointmentFilter,
        page: PageRequest,
    ) -> Result<Page<Appointment>, DomainError>;
}
