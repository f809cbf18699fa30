use async_trait::async_trait;

use super::{Appointment, AppointmentFilter, AppointmentId};
use crate::audit::AuditContext;
use crate::locks::FencingToken;
use crate::patients::{PatientId, PatientStanding};
use crate::{DomainError, Page, PageRequest, Rule};

/// Where appointments live.
///
/// Contract for every backend:
/// - a provider is never double-booked: of overlapping appointments that are not
///   cancelled, at most one exists, decided by the store however many nodes book at
///   once; the loser gets `SlotTaken { conflicting }`;
/// - `create` loads where `patient` stands and inserts what the rule books;
/// - `modify` loads the appointment (`NotFound`), applies the rule, and writes the
///   result only at the version it loaded (`PreconditionFailed` otherwise), checking the
///   provider's time when the result claims time it did not hold;
/// - every read and write is audited in the same transaction, as for patients.
#[async_trait]
pub trait AppointmentRepository: Send + Sync {
    async fn create(
        &self,
        context: &AuditContext,
        patient: PatientId,
        book: Rule<'_, PatientStanding, Appointment>,
    ) -> Result<Appointment, DomainError>;

    async fn get(
        &self,
        context: &AuditContext,
        id: AppointmentId,
    ) -> Result<Option<Appointment>, DomainError>;

    async fn modify(
        &self,
        context: &AuditContext,
        id: AppointmentId,
        fence: Option<FencingToken>,
        change: Rule<'_, Appointment, Appointment>,
    ) -> Result<Appointment, DomainError>;

    /// Matching appointments by start time.
    async fn list(
        &self,
        context: &AuditContext,
        filter: AppointmentFilter,
        page: PageRequest,
    ) -> Result<Page<Appointment>, DomainError>;
}
