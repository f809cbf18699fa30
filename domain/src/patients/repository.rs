use async_trait::async_trait;

use super::{Patient, PatientDetails, PatientId, PatientSearch};
use crate::audit::AuditContext;
use crate::{DomainError, Page, PageRequest, Version};

/// Where patient records live.
///
/// Contract for every backend:
/// - every method that reads or writes a patient also writes its audit event (as
///   `context`'s actor) in the same transaction: no event, no work, and no work, no event;
/// - `update` and `archive` change the row only at version `expected`, in one
///   conditional statement: `PreconditionFailed { current }` otherwise, `NotFound` when
///   there is no such patient;
/// - MRNs are unique by the store's unique key.
#[async_trait]
pub trait PatientRepository: Send + Sync {
    async fn create(
        &self,
        context: &AuditContext,
        details: PatientDetails,
    ) -> Result<Patient, DomainError>;

    /// The patient, archived or not.
    async fn get(
        &self,
        context: &AuditContext,
        id: PatientId,
    ) -> Result<Option<Patient>, DomainError>;

    async fn update(
        &self,
        context: &AuditContext,
        id: PatientId,
        expected: Version,
        details: PatientDetails,
    ) -> Result<Patient, DomainError>;

    async fn archive(
        &self,
        context: &AuditContext,
        id: PatientId,
        expected: Version,
    ) -> Result<Patient, DomainError>;

    /// Matching patients in creation order; one audit event per patient returned.
    async fn search(
        &self,
        context: &AuditContext,
        search: PatientSearch,
        page: PageRequest,
    ) -> Result<Page<Patient>, DomainError>;
}
