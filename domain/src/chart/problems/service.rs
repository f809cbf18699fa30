use std::sync::Arc;

use chrono::NaiveDate;

use super::{Problem, ProblemId, ProblemInput, ProblemRepository};
use crate::audit::AuditContext;
use crate::auth::{Permission, Principal};
use crate::chart::fields::latest_today;
use crate::chart::problems::ProblemDetails;
use crate::locks::{LockGate, LockToken, LockedResource};
use crate::patients::PatientId;
use crate::{DomainError, Page, PageRequest, Version};

/// Keeping patients' problem lists: clinicians write them; billing reads them, as the
/// diagnoses its claims carry.
pub struct Problems {
    repository: Arc<dyn ProblemRepository>,
    locks: LockGate,
}

const NOT_FOUND: DomainError = DomainError::NotFound {
    resource: "problem",
};

impl Problems {
    pub fn new(repository: Arc<dyn ProblemRepository>, locks: LockGate) -> Self {
        Self { repository, locks }
    }

    pub async fn record(
        &self,
        caller: &Principal,
        context: &AuditContext,
        patient: PatientId,
        input: ProblemInput,
    ) -> Result<Problem, DomainError> {
        caller.require(Permission::WriteProblems)?;
        let author = caller.user_id;
        self.repository
            .create(context, patient, &|standing, now| {
                standing.admits_records_under_it()?;
                let details = ProblemDetails::parse(&input, latest_today(now))?;
                Ok(Problem::record(patient, details, author, now))
            })
            .await
    }

    pub async fn get(
        &self,
        caller: &Principal,
        context: &AuditContext,
        id: ProblemId,
    ) -> Result<Problem, DomainError> {
        caller.require(Permission::ReadProblems)?;
        self.repository.get(context, id).await?.ok_or(NOT_FOUND)
    }

    pub async fn list(
        &self,
        caller: &Principal,
        context: &AuditContext,
        patient: PatientId,
        page: PageRequest,
    ) -> Result<Page<Problem>, DomainError> {
        caller.require(Permission::ReadProblems)?;
        self.repository
            .list_for_patient(context, patient, page)
            .await?
            .ok_or(DomainError::NotFound {
                resource: "patient",
            })
    }

    /// Replaces what is stated about a problem, at the version the caller read.
    pub async fn revise(
        &self,
        caller: &Principal,
        context: &AuditContext,
        id: ProblemId,
        expected: Version,
        lock: Option<LockToken>,
        input: ProblemInput,
    ) -> Result<Problem, DomainError> {
        caller.require(Permission::WriteProblems)?;
        // why: a malformed body is refused (422) before the lock is consulted; its dates
        // are held to the database's clock in the rule below.
        ProblemDetails::parse(&input, NaiveDate::MAX)?;
        let fence = self
            .locks
            .admit(caller, LockedResource::Problem(id), lock)
            .await?;
        self.repository
            .modify(context, id, fence, &|problem, now| {
                // why: a change that leaves the status out leaves it as it is.
                let input = ProblemInput {
                    status: input
                        .status
                        .clone()
                        .or_else(|| Some(problem.details.status.as_str().to_owned())),
                    ..input.clone()
                };
                let details = ProblemDetails::parse(&input, latest_today(now))?;
                problem.revise(expected, details)
            })
            .await
    }
}
