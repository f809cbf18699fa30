use async_trait::async_trait;

use super::{Patient, PatientId, PatientSearch};
use crate::audit::{AuditAction, AuditContext};
use crate::locks::FencingToken;
use crate::{DomainError, Page, PageRequest, Rule};

/// Where patient records live.
///
/// Contract for every backend:
/// - every method that reads or writes a patient also writes its audit event (as
///   `context`'s actor) in the same transaction: no event, no work, and no work, no event;
/// - `create` inserts the patient the rule registers; MRNs are unique by the store's
///   unique key, and on a collision the store runs the rule again for a fresh MRN;
/// - `modify` loads the patient (`NotFound`), applies the rule, and writes the result
///   only at the version it loaded, in one conditional statement
///   (`PreconditionFailed { current }` otherwise).
#[async_trait]
pub trait PatientRepository: Send + Sync {
    async fn create(
        &self,
        context: &AuditContext,
        register: Rule<'_, (), Patient>,
    ) -> Result<Patient, DomainError>;

    /// The patient, archived or not.
    async fn get(
        &self,
        context: &AuditContext,
        id: PatientId,
    ) -> Result<Option<Patient>, DomainError>;

    /// Changes a patient, audited as `action`.
    async fn modify(
        &self,
        context: &AuditContext,
        id: PatientId,
        action: AuditAction,
        fence: Option<FencingToken>,
        change: Rule<'_, Patient, Patient>,
    ) -> Result<Patient, DomainError>;

    /// Matching patients in creation order; one audit event per patient returned.
    async fn search(
        &self,
        context: &AuditContext,
        search: PatientSearch,
        page: PageRequest,
    ) -> Result<Page<Patient>, DomainError>;
}
