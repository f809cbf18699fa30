use std::sync::Arc;

use super::{Patient, PatientDetails, PatientId, PatientRepository, PatientSearch};
use crate::audit::{AuditAction, AuditContext};
use crate::auth::{Permission, Principal};
use crate::locks::{LockGate, LockToken, LockedResource};
use crate::{DomainError, Page, PageRequest, Version};

/// Registering and finding patients.
pub struct Patients {
    repository: Arc<dyn PatientRepository>,
    locks: LockGate,
}

const NOT_FOUND: DomainError = DomainError::NotFound {
    resource: "patient",
};

impl Patients {
    pub fn new(repository: Arc<dyn PatientRepository>, locks: LockGate) -> Self {
        Self { repository, locks }
    }

    pub async fn register(
        &self,
        caller: &Principal,
        context: &AuditContext,
        details: PatientDetails,
    ) -> Result<Patient, DomainError> {
        caller.require(Permission::WritePatients)?;
        self.repository
            .create(context, &|(), now| {
                Ok(Patient::register(details.clone(), now))
            })
            .await
    }

    pub async fn get(
        &self,
        caller: &Principal,
        context: &AuditContext,
        id: PatientId,
    ) -> Result<Patient, DomainError> {
        caller.require(Permission::ReadPatients)?;
        self.repository.get(context, id).await?.ok_or(NOT_FOUND)
    }

    pub async fn update(
        &self,
        caller: &Principal,
        context: &AuditContext,
        id: PatientId,
        expected: Version,
        lock: Option<LockToken>,
        details: PatientDetails,
    ) -> Result<Patient, DomainError> {
        caller.require(Permission::WritePatients)?;
        let fence = self
            .locks
            .admit(caller, LockedResource::Patient(id), lock)
            .await?;
        self.repository
            .modify(context, id, AuditAction::Update, fence, &|patient, _| {
                patient.revise(expected, details.clone())
            })
            .await
    }

    /// Archives (soft-deletes) a patient: the record stays, out of default lists.
    pub async fn archive(
        &self,
        caller: &Principal,
        context: &AuditContext,
        id: PatientId,
        expected: Version,
        lock: Option<LockToken>,
    ) -> Result<Patient, DomainError> {
        caller.require(Permission::WritePatients)?;
        let fence = self
            .locks
            .admit(caller, LockedResource::Patient(id), lock)
            .await?;
        self.repository
            .modify(context, id, AuditAction::Archive, fence, &|patient, _| {
                patient.archive(expected)
            })
            .await
    }

    pub async fn search(
        &self,
        caller: &Principal,
        context: &AuditContext,
        search: PatientSearch,
        page: PageRequest,
    ) -> Result<Page<Patient>, DomainError> {
        caller.require(Permission::ReadPatients)?;
        self.repository.search(context, search, page).await
    }
}
