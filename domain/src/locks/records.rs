use async_trait::async_trait;

use super::LockedResource;
use crate::auth::UserId;
use crate::notes::NoteStanding;
use crate::patients::PatientId;
use crate::DomainError;

/// What the lock service knows of a lockable record: whose chart holds it, and, for a
/// note, who may see it at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockableRecord {
    pub patient: PatientId,
    pub note: Option<NoteStanding>,
}

impl LockableRecord {
    /// Whether `user` may know the record exists: a draft note is its author's alone;
    /// every other record is for whoever holds the permission.
    pub fn is_visible_to(&self, user: UserId) -> bool {
        self.note.is_none_or(|note| note.is_visible_to(user))
    }
}

/// The records locks may be taken on, as the lock service needs to know them.
///
/// Contract: `find` answers the record's [`LockableRecord`], or `None` when no such
/// record exists (a deleted document counts as none, and so does a job's lease).
#[async_trait]
pub trait LockableRecords: Send + Sync {
    async fn find(&self, resource: LockedResource) -> Result<Option<LockableRecord>, DomainError>;
}
