//! A lock never outlives its session: when sessions end, their locks end too.
//!
//! Failures are logged, never answered: the sign-out (or revocation) that caused them
//! has happened, and the locks lapse at their expiry anyway.

use super::LockManager;
use crate::auth::{SessionId, UserId};

pub async fn release_locks_of_session(locks: &dyn LockManager, session: SessionId) {
    if let Err(error) = locks.release_all_for_session(session).await {
        tracing::warn!(error = %error, %session, "releasing the locks of an ended session failed; they lapse at their expiry");
    }
}

pub async fn release_locks_of_user(
    locks: &dyn LockManager,
    user: UserId,
    except: Option<SessionId>,
) {
    if let Err(error) = locks.release_all_for_user(user, except).await {
        tracing::warn!(error = %error, %user, "releasing the locks of ended sessions failed; they lapse at their expiry");
    }
}
