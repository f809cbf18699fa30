use std::time::Duration;

use async_trait::async_trait;

use super::{LockHolder, LockToken, LockedResource, RecordLock};
use crate::auth::{SessionId, UserId};
use crate::DomainError;

/// What a lock store found when asked to act on a lock. The store only compares and
/// changes, atomically; what each answer means for the caller (`Locked`, `Forbidden`,
/// `LockLost`, ...) is the domain's to decide.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LockOutcome {
    /// Done as asked: the lock, held by the asking session (taken, kept, renewed, or
    /// as it was when released).
    Done(RecordLock),
    /// Another session holds the live lock; nothing changed.
    HeldByAnother(RecordLock),
    /// No live lock answers to the token (expired, released, broken, taken over);
    /// nothing changed.
    Gone,
}

/// Who is editing what, for every node: leases on records with fencing numbers.
///
/// Contract for every backend:
/// - expiry is judged by the store's own clock; an expired lock is as good as none and
///   is taken over by the next `acquire`;
/// - every check-and-change is one atomic step, never a check followed by a write;
/// - `acquire` takes a free (or expired) lock with a fresh random token and a fencing
///   number larger than every earlier one on the resource, and never smaller than the
///   store's clock in milliseconds (so numbers keep growing should the store lose its
///   counters); the holding session gets its own lock back (same token, same fencing
///   number) with a new expiry: `Done`; another session's live lock: `HeldByAnother`;
/// - a lock is held at most until its `hold_until`, set at acquisition to the store's
///   now + `hold` and moved only by `extend_hold`: no expiry (acquisition, re-acquisition
///   or renewal) is ever set past it, so a lock no one lets go of ends;
/// - `renew` and `release` act only for the session holding the live lock `token`:
///   `Done`; held by another session: `HeldByAnother`; no live lock with that token:
///   `Gone`;
/// - a store that cannot be reached is `Unavailable`, never a silent success.
#[async_trait]
pub trait LockManager: Send + Sync {
    async fn acquire(
        &self,
        resource: LockedResource,
        holder: &LockHolder,
        ttl: Duration,
        hold: Duration,
    ) -> Result<LockOutcome, DomainError>;

    /// Extends the live lock `token` to the store's now + `ttl`, or to its
    /// `hold_until` if that comes first.
    async fn renew(
        &self,
        token: LockToken,
        session: SessionId,
        ttl: Duration,
    ) -> Result<LockOutcome, DomainError>;

    /// Ends the live lock `token`.
    async fn release(
        &self,
        token: LockToken,
        session: SessionId,
    ) -> Result<LockOutcome, DomainError>;

    /// The live lock on `resource`, if any.
    async fn holder(&self, resource: LockedResource) -> Result<Option<RecordLock>, DomainError>;

    /// Moves the live lock's `hold_until` on by `by`, whoever holds it; returns the lock
    /// as it now is, or `None` when there is no live lock.
    async fn extend_hold(
        &self,
        resource: LockedResource,
        by: Duration,
    ) -> Result<Option<RecordLock>, DomainError>;

    /// Ends whatever lock `resource` has, whoever holds it; returns the lock it ended.
    async fn break_lock(&self, resource: LockedResource)
        -> Result<Option<RecordLock>, DomainError>;

    /// Ends every lock `session` holds (the session ended); returns how many.
    async fn release_all_for_session(&self, session: SessionId) -> Result<u64, DomainError>;

    /// Ends every lock `user` holds in any session but `except` (their sessions were
    /// revoked); returns how many.
    async fn release_all_for_user(
        &self,
        user: UserId,
        except: Option<SessionId>,
    ) -> Result<u64, DomainError>;
}

/// The conformance suite every [`LockManager`] backend passes.
#[cfg(feature = "conformance")]
#[allow(clippy::unwrap_used, clippy::expect_used)]
pub mod conformance {
    use std::sync::Arc;

    use super::*;
    use crate::patients::PatientId;

    const MINUTE: Duration = Duration::from_secs(60);
    /// A hold longer than any test: the lease alone decides.
    const DAY: Duration = Duration::from_secs(24 * 3600);

    fn someone(name: &str) -> LockHolder {
        LockHolder {
            user_id: UserId::generate(),
            session_id: SessionId::generate(),
            display_name: name.to_owned(),
        }
    }

    fn a_record() -> LockedResource {
        LockedResource::Patient(PatientId::generate())
    }

    fn done(outcome: Result<LockOutcome, DomainError>) -> RecordLock {
        match outcome.unwrap() {
            LockOutcome::Done(lock) => lock,
            other => panic!("expected Done, got {other:?}"),
        }
    }

    pub async fn a_lock_is_held_by_one_session_at_a_time(locks: &dyn LockManager) {
        let record = a_record();
        let (grey, yang) = (someone("Dr Grey"), someone("Dr Yang"));
        let held = done(locks.acquire(record, &grey, MINUTE, DAY).await);
        assert_eq!(held.resource, record);
        assert_eq!(held.holder, grey);
        assert!(held.expires_at > held.acquired_at);
        assert_eq!(
            locks.acquire(record, &yang, MINUTE, DAY).await.unwrap(),
            LockOutcome::HeldByAnother(held.clone())
        );
        assert_eq!(locks.holder(record).await.unwrap(), Some(held));
        assert_eq!(locks.holder(a_record()).await.unwrap(), None);
    }

    pub async fn the_holding_session_gets_its_lock_back_renewed(locks: &dyn LockManager) {
        let record = a_record();
        let grey = someone("Dr Grey");
        let first = done(
            locks
                .acquire(record, &grey, Duration::from_secs(5), DAY)
                .await,
        );
        let again = done(locks.acquire(record, &grey, MINUTE, DAY).await);
        assert_eq!(again.token, first.token);
        assert_eq!(again.fencing, first.fencing);
        assert!(again.expires_at > first.expires_at);
    }

    pub async fn of_many_at_once_exactly_one_wins(locks: Arc<dyn LockManager>) {
        let record = a_record();
        let attempts = (0..50).map(|n| {
            let locks = locks.clone();
            tokio::spawn(async move {
                locks
                    .acquire(record, &someone(&format!("clinician {n}")), MINUTE, DAY)
                    .await
            })
        });
        let mut won = 0;
        for attempt in attempts {
            match attempt.await.unwrap() {
                Ok(LockOutcome::Done(_)) => won += 1,
                Ok(LockOutcome::HeldByAnother(_)) => {}
                other => panic!("an attempt failed: {other:?}"),
            }
        }
        assert_eq!(won, 1);
    }

    pub async fn an_expired_lock_is_taken_over_with_a_larger_fencing_number(
        locks: &dyn LockManager,
    ) {
        let record = a_record();
        let (grey, yang) = (someone("Dr Grey"), someone("Dr Yang"));
        let first = done(
            locks
                .acquire(record, &grey, Duration::from_millis(300), DAY)
                .await,
        );
        tokio::time::sleep(Duration::from_millis(700)).await;
        assert_eq!(locks.holder(record).await.unwrap(), None, "expired");
        let second = done(locks.acquire(record, &yang, MINUTE, DAY).await);
        assert!(second.fencing > first.fencing);
        assert_ne!(second.token, first.token);
        let now_ms = chrono::Utc::now().timestamp_millis();
        assert!(
            second.fencing.get() > now_ms - 60_000,
            "fencing numbers are floored by the store's clock in ms"
        );
        assert_eq!(
            locks
                .renew(first.token, grey.session_id, MINUTE)
                .await
                .unwrap(),
            LockOutcome::Gone
        );
        assert_eq!(
            locks.release(first.token, grey.session_id).await.unwrap(),
            LockOutcome::Gone
        );
        assert_eq!(locks.holder(record).await.unwrap(), Some(second));
    }

    pub async fn renewal_extends_the_lease(locks: &dyn LockManager) {
        let record = a_record();
        let grey = someone("Dr Grey");
        let held = done(
            locks
                .acquire(record, &grey, Duration::from_secs(5), DAY)
                .await,
        );
        let renewed = done(locks.renew(held.token, grey.session_id, MINUTE).await);
        assert!(renewed.expires_at > held.expires_at);
        assert_eq!(renewed.fencing, held.fencing);
        assert!(matches!(
            locks.renew(held.token, SessionId::generate(), MINUTE).await,
            Ok(LockOutcome::HeldByAnother(_))
        ));
    }

    pub async fn only_the_holder_releases(locks: &dyn LockManager) {
        let record = a_record();
        let grey = someone("Dr Grey");
        let held = done(locks.acquire(record, &grey, MINUTE, DAY).await);
        assert!(matches!(
            locks.release(held.token, SessionId::generate()).await,
            Ok(LockOutcome::HeldByAnother(_))
        ));
        assert_eq!(locks.holder(record).await.unwrap(), Some(held.clone()));
        let released = done(locks.release(held.token, grey.session_id).await);
        assert_eq!(released.token, held.token);
        assert_eq!(locks.holder(record).await.unwrap(), None);
        assert_eq!(
            locks.release(held.token, grey.session_id).await.unwrap(),
            LockOutcome::Gone
        );
        let next = done(
            locks
                .acquire(record, &someone("Dr Yang"), MINUTE, DAY)
                .await,
        );
        assert!(next.fencing > held.fencing);
    }

    pub async fn a_broken_lock_is_gone(locks: &dyn LockManager) {
        let record = a_record();
        let held = done(
            locks
                .acquire(record, &someone("Dr Grey"), MINUTE, DAY)
                .await,
        );
        assert_eq!(locks.break_lock(record).await.unwrap(), Some(held));
        assert_eq!(locks.holder(record).await.unwrap(), None);
        assert_eq!(locks.break_lock(record).await.unwrap(), None);
    }

    pub async fn a_sessions_locks_end_with_it(locks: &dyn LockManager) {
        let grey = someone("Dr Grey");
        let other = someone("Dr Yang");
        let (one, two, theirs) = (a_record(), a_record(), a_record());
        done(locks.acquire(one, &grey, MINUTE, DAY).await);
        done(locks.acquire(two, &grey, MINUTE, DAY).await);
        done(locks.acquire(theirs, &other, MINUTE, DAY).await);
        assert_eq!(
            locks
                .release_all_for_session(grey.session_id)
                .await
                .unwrap(),
            2
        );
        assert_eq!(locks.holder(one).await.unwrap(), None);
        assert_eq!(locks.holder(two).await.unwrap(), None);
        assert!(locks.holder(theirs).await.unwrap().is_some());
        assert_eq!(
            locks
                .release_all_for_session(grey.session_id)
                .await
                .unwrap(),
            0
        );
    }

    pub async fn a_users_locks_end_with_their_sessions(locks: &dyn LockManager) {
        let phone = someone("Dr Grey");
        let desktop = LockHolder {
            session_id: SessionId::generate(),
            ..phone.clone()
        };
        let other = someone("Dr Yang");
        let (one, two, theirs) = (a_record(), a_record(), a_record());
        done(locks.acquire(one, &phone, MINUTE, DAY).await);
        done(locks.acquire(two, &desktop, MINUTE, DAY).await);
        done(locks.acquire(theirs, &other, MINUTE, DAY).await);
        let ended = locks
            .release_all_for_user(phone.user_id, Some(desktop.session_id))
            .await
            .unwrap();
        assert_eq!(ended, 1, "the kept session keeps its lock");
        assert_eq!(locks.holder(one).await.unwrap(), None);
        assert!(locks.holder(two).await.unwrap().is_some());
        assert_eq!(
            locks
                .release_all_for_user(phone.user_id, None)
                .await
                .unwrap(),
            1
        );
        assert_eq!(locks.holder(two).await.unwrap(), None);
        assert!(locks.holder(theirs).await.unwrap().is_some());
    }

    pub async fn no_renewal_extends_a_lock_past_its_hold(locks: &dyn LockManager) {
        let record = a_record();
        let grey = someone("Dr Grey");
        let hold = Duration::from_millis(800);
        let held = done(locks.acquire(record, &grey, MINUTE, hold).await);
        assert!(held.hold_until <= held.acquired_at + chrono::Duration::milliseconds(800));
        assert!(held.expires_at <= held.hold_until, "{held:?}");
        let renewed = done(locks.renew(held.token, grey.session_id, MINUTE).await);
        assert_eq!(renewed.expires_at, held.hold_until);
        let again = done(locks.acquire(record, &grey, MINUTE, DAY).await);
        assert_eq!(again.token, held.token);
        assert_eq!(
            again.hold_until, held.hold_until,
            "re-acquiring keeps the hold"
        );
        assert_eq!(again.expires_at, held.hold_until);
        tokio::time::sleep(Duration::from_millis(1200)).await;
        assert_eq!(
            locks
                .renew(held.token, grey.session_id, MINUTE)
                .await
                .unwrap(),
            LockOutcome::Gone,
            "past its hold the lock has ended"
        );
        assert_eq!(locks.holder(record).await.unwrap(), None);
    }

    pub async fn an_extended_hold_lets_renewals_go_on(locks: &dyn LockManager) {
        let record = a_record();
        let grey = someone("Dr Grey");
        let held = done(
            locks
                .acquire(record, &grey, MINUTE, Duration::from_secs(1))
                .await,
        );
        let extended = locks
            .extend_hold(record, Duration::from_secs(3600))
            .await
            .unwrap()
            .expect("a live lock is extended");
        assert_eq!(extended.token, held.token);
        assert_eq!(extended.holder, grey);
        assert_eq!(
            extended.hold_until,
            held.hold_until + chrono::Duration::seconds(3600)
        );
        let renewed = done(locks.renew(held.token, grey.session_id, MINUTE).await);
        assert!(renewed.expires_at > held.acquired_at + chrono::Duration::seconds(30));
        assert_eq!(
            locks.extend_hold(a_record(), MINUTE).await.unwrap(),
            None,
            "no lock, nothing extended"
        );
    }
}
