//! Whether a write may go ahead given the lock on its record: the one rule every
//! lockable write (update, archive, sign, addendum, document change, appointment
//! change) obeys.

use std::sync::Arc;

use super::{FencingToken, LockManager, LockToken, LockableRecords, LockedResource, RecordLock};
use crate::auth::{Principal, SessionId};
use crate::DomainError;

/// The check every lockable write passes, shared by the services that write records.
#[derive(Clone)]
pub struct LockGate {
    manager: Arc<dyn LockManager>,
    records: Arc<dyn LockableRecords>,
}

impl LockGate {
    pub fn new(manager: Arc<dyn LockManager>, records: Arc<dyn LockableRecords>) -> Self {
        Self { manager, records }
    }

    /// The fencing number `caller` writes `resource` under, presenting `presented`
    /// (its `Lock-Token`), or why it may not write. An unreachable lock store fails the
    /// write: never a write without the check.
    pub async fn admit(
        &self,
        caller: &Principal,
        resource: LockedResource,
        presented: Option<LockToken>,
    ) -> Result<Option<FencingToken>, DomainError> {
        let lock = self.manager.holder(resource).await?;
        match admit_write(lock.as_ref(), caller.session_id, presented) {
            // why: a record the caller may not see (another's draft note) is locked
            // only by the one who may; saying so would tell the caller it exists.
            Err(refused @ (DomainError::Locked { .. } | DomainError::LockLost)) => {
                let record = self.records.find(resource).await?;
                match record {
                    Some(record) if !record.is_visible_to(caller.user_id) => {
                        Err(DomainError::NotFound {
                            resource: resource.record_type(),
                        })
                    }
                    _ => Err(refused),
                }
            }
            admitted => admitted,
        }
    }

    /// The live lock on `resource`, for showing who is editing it beside the record.
    /// A lock store that cannot be reached shows no lock (and logs why): reading a
    /// record must not depend on it, while changing one does.
    pub async fn shown_holder(
        &self,
        resource: LockedResource,
    ) -> Result<Option<RecordLock>, DomainError> {
        match self.manager.holder(resource).await {
            Err(DomainError::Unavailable(error)) => {
                tracing::warn!(
                    error = format!("{error:#}"),
                    "the lock store is unreachable; the record is shown without its lock"
                );
                Ok(None)
            }
            other => other,
        }
    }
}

/// Decides a write by `session`, presenting `presented` (its `Lock-Token`, if any),
/// against `lock`, the record's live lock if there is one:
/// - held by another session: `Locked`, naming the holder;
/// - held by this session: the write goes ahead under the lock's fencing number (a
///   token that names another lock is `LockLost`);
/// - held by nobody, with a token presented: the lock expired or was broken, `LockLost`;
/// - held by nobody, no token: the write goes ahead on its version alone.
pub fn admit_write(
    lock: Option<&RecordLock>,
    session: SessionId,
    presented: Option<LockToken>,
) -> Result<Option<FencingToken>, DomainError> {
    match (lock, presented) {
        (Some(lock), _) if lock.holder.session_id != session => Err(DomainError::Locked {
            holder: lock.holder.clone(),
            since: lock.acquired_at,
        }),
        (Some(lock), Some(token)) if lock.token != token => Err(DomainError::LockLost),
        (Some(lock), _) => Ok(Some(lock.fencing)),
        (None, Some(_)) => Err(DomainError::LockLost),
        (None, None) => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::*;
    use crate::auth::UserId;
    use crate::locks::{LockHolder, LockedResource};
    use crate::patients::PatientId;

    fn lock_of(session: SessionId) -> RecordLock {
        RecordLock {
            token: LockToken::generate(),
            resource: LockedResource::Patient(PatientId::generate()),
            fencing: FencingToken::new(7),
            holder: LockHolder {
                user_id: UserId::generate(),
                session_id: session,
                display_name: "Dr Grey".to_owned(),
            },
            acquired_at: Utc::now(),
            expires_at: Utc::now(),
            hold_until: Utc::now(),
        }
    }

    #[test]
    fn another_sessions_lock_refuses_the_write_naming_the_holder() {
        let lock = lock_of(SessionId::generate());
        let refused = admit_write(Some(&lock), SessionId::generate(), None);
        assert!(
            matches!(refused, Err(DomainError::Locked { holder, .. }) if holder.display_name == "Dr Grey")
        );
        let with_its_token = admit_write(Some(&lock), SessionId::generate(), Some(lock.token));
        assert!(
            matches!(with_its_token, Err(DomainError::Locked { .. })),
            "a token does not make another session the holder"
        );
    }

    #[test]
    fn the_holder_writes_under_its_fencing_number() {
        let me = SessionId::generate();
        let lock = lock_of(me);
        assert_eq!(
            admit_write(Some(&lock), me, Some(lock.token)).unwrap(),
            Some(FencingToken::new(7))
        );
        assert_eq!(
            admit_write(Some(&lock), me, None).unwrap(),
            Some(FencingToken::new(7))
        );
        let stale = admit_write(Some(&lock), me, Some(LockToken::generate()));
        assert!(matches!(stale, Err(DomainError::LockLost)));
    }

    #[test]
    fn a_token_for_a_lock_that_is_gone_is_a_lost_lock() {
        let lost = admit_write(None, SessionId::generate(), Some(LockToken::generate()));
        assert!(matches!(lost, Err(DomainError::LockLost)));
    }

    #[test]
    fn with_no_lock_a_write_goes_ahead_on_its_version_alone() {
        assert_eq!(
            admit_write(None, SessionId::generate(), None).unwrap(),
            None
        );
    }
}
