use async_trait::async_trait;

use super::LockedResource;
use crate::patients::PatientId;
use crate::DomainError;

/// The records locks may be taken on, as the lock service needs to know them.
///
/// Contract: `patient_of` answers the patient whose chart holds the record, or `None`
/// when no such record exists (a deleted document counts as none).
#[async_trait]
pub trait LockableRecords: Send + Sync {
    async fn patient_of(&self, resource: LockedResource) -> Result<Option<PatientId>, DomainError>;
}
