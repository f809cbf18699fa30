use async_trait::async_trait;

use super::{Problem, ProblemId};
use crate::audit::AuditContext;
use crate::locks::FencingToken;
use crate::patients::{PatientId, PatientStanding};
use crate::{DomainError, Page, PageRequest, Rule};

/// Where problem lists live. The store decides nothing: it loads, applies the rule it
/// is given, writes and audits.
///
/// Contract for every backend:
/// - every read and write is audited with it, as for patients;
/// - `create` loads where `patient` stands and inserts what the rule records;
/// - `modify` loads the problem (`NotFound`), applies the rule, and writes the result
///   only at the version it loaded (`PreconditionFailed` with the stored version
///   otherwise) and, under a lock's `fence`, only if no later holder wrote it
///   (`LockLost`).
#[async_trait]
pub trait ProblemRepository: Send + Sync {
    async fn create(
        &self,
        context: &AuditContext,
        patient: PatientId,
        record: Rule<'_, PatientStanding, Problem>,
    ) -> Result<Problem, DomainError>;

    async fn get(
        &self,
        context: &AuditContext,
        id: ProblemId,
    ) -> Result<Option<Problem>, DomainError>;

    /// The patient's problems, oldest first; `None` for an unknown patient.
    async fn list_for_patient(
        &self,
        context: &AuditContext,
        patient: PatientId,
        page: PageRequest,
    ) -> Result<Option<Page<Problem>>, DomainError>;

    async fn modify(
        &self,
        context: &AuditContext,
        id: ProblemId,
        fence: Option<FencingToken>,
        change: Rule<'_, Problem, Problem>,
    ) -> Result<Problem, DomainError>;
}
