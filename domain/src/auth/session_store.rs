use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{
    NewSession, RevocationReason, Session, SessionId, SessionLookup, TokenHash, TouchedSession,
    UserId,
};
use crate::DomainError;

/// Where sessions live: a store every node shares, so any node accepts any session
/// and a revocation on one node is seen by all on their next request.
///
/// Contract for every backend:
/// - every expiry is judged by the store's own clock, never the calling node's;
/// - `touch` answers `None` for a session that is unknown, revoked or expired;
/// - `rotate` is atomic: of two calls presenting the same current hash, exactly one
///   gets `Some`;
/// - backend failures are `DomainError::Internal`.
#[async_trait]
pub trait SessionStore: Send + Sync {
    async fn create(&self, session: NewSession) -> Result<Session, DomainError>;

    /// The live session with `id`, with the store's clock when it looked, its idle
    /// expiry pushed to now + `idle_timeout` (never past the absolute expiry) while that
    /// clock is before `token_expires_at`: an expired access token extends nothing.
    /// Backends may skip the write when the session was seen moments ago.
    async fn touch(
        &self,
        id: SessionId,
        idle_timeout: Duration,
        token_expires_at: DateTime<Utc>,
    ) -> Result<Option<TouchedSession>, DomainError>;

    async fn get(&self, id: SessionId) -> Result<Option<Session>, DomainError>;

    /// The session whose current refresh hash is `hash`, or that spent `hash` before
    /// (any generation back), live or not.
    async fn find_by_refresh_hash(
        &self,
        hash: &TokenHash,
    ) -> Result<Option<SessionLookup>, DomainError>;

    /// Replaces the current refresh hash `presented` with `next` (keeping `presented`
    /// as the previous one, stamping the rotation time and extending the idle expiry),
    /// if `presented` is still current and the session live. `None` otherwise.
    async fn rotate(
        &self,
        id: SessionId,
        presented: &TokenHash,
        next: &TokenHash,
        idle_timeout: Duration,
    ) -> Result<Option<Session>, DomainError>;

    /// Ends a live session; `false` when it was not live.
    async fn revoke(&self, id: SessionId, reason: RevocationReason) -> Result<bool, DomainError>;

    /// Ends every live session of `user` except `keep`; returns how many ended.
    async fn revoke_all_for_user(
        &self,
        user: UserId,
        keep: Option<SessionId>,
        reason: RevocationReason,
    ) -> Result<u64, DomainError>;

    /// The user's live sessions, oldest first.
    async fn list_live_for_user(&self, user: UserId) -> Result<Vec<Session>, DomainError>;
}

/// The conformance suite every [`SessionStore`] backend passes. `user` must exist in the
/// backing store (sessions reference users).
#[cfg(feature = "conformance")]
#[allow(clippy::unwrap_used, clippy::expect_used)]
pub mod conformance {
    use super::*;
    use crate::auth::RefreshMatch;
    use chrono::TimeDelta;

    fn new_session(user: UserId, token: &str, idle: Duration, absolute: Duration) -> NewSession {
        NewSession {
            id: SessionId::generate(),
            user_id: user,
            refresh_token_hash: TokenHash::of(token),
            refresh_key: "k".repeat(32),
            idle_timeout: idle,
            absolute_timeout: absolute,
            client_ip: Some("192.0.2.7".to_owned()),
            user_agent: Some("conformance".to_owned()),
        }
    }

    const HOUR: Duration = Duration::from_secs(3600);

    pub async fn a_created_session_is_live_and_found(store: &dyn SessionStore, user: UserId) {
        let token = format!("token-{}", SessionId::generate());
        let created = store
            .create(new_session(user, &token, HOUR, HOUR))
            .await
            .unwrap();
        assert_eq!(created.user_id, user);
        assert_eq!(created.generation, 0);
        assert_eq!(created.client_ip.as_deref(), Some("192.0.2.7"));
        let touched = store
            .touch(created.id, HOUR, later())
            .await
            .unwrap()
            .expect("live");
        assert_eq!(touched.session.id, created.id);
        assert!(
            touched.now >= created.created_at,
            "the store's clock, not a stale time"
        );
        assert!(touched.session.is_live_at(touched.now));
        let found = store
            .find_by_refresh_hash(&TokenHash::of(&token))
            .await
            .unwrap()
            .expect("found");
        assert_eq!(found.session.id, created.id);
        assert_eq!(found.matched, RefreshMatch::Current);
        assert!(found.session.is_live_at(found.now));
        assert!(store
            .touch(SessionId::generate(), HOUR, later())
            .await
            .unwrap()
            .is_none());
    }

    pub async fn a_revoked_session_is_refused(store: &dyn SessionStore, user: UserId) {
        let created = store
            .create(new_session(user, "revoke-me", HOUR, HOUR))
            .await
            .unwrap();
        assert!(store
            .revoke(created.id, RevocationReason::Logout)
            .await
            .unwrap());
        assert!(store
            .touch(created.id, HOUR, later())
            .await
            .unwrap()
            .is_none());
        assert!(
            !store
                .revoke(created.id, RevocationReason::Logout)
                .await
                .unwrap(),
            "already ended"
        );
        let stored = store
            .get(created.id)
            .await
            .unwrap()
            .expect("kept for the record");
        assert_eq!(stored.revoked_reason, Some(RevocationReason::Logout));
    }

    pub async fn idle_and_absolute_expiry_end_a_session(store: &dyn SessionStore, user: UserId) {
        let idle = store
            .create(new_session(user, "idle", Duration::from_millis(600), HOUR))
            .await
            .unwrap();
        let absolute = store
            .create(new_session(
                user,
                "absolute",
                HOUR,
                Duration::from_millis(600),
            ))
            .await
            .unwrap();
        assert!(store
            .touch(idle.id, Duration::from_millis(600), later())
            .await
            .unwrap()
            .is_some());
        tokio::time::sleep(Duration::from_millis(800)).await;
        assert!(
            store
                .touch(idle.id, Duration::from_millis(600), later())
                .await
                .unwrap()
                .is_none(),
            "idle expiry"
        );
        assert!(
            store
                .touch(absolute.id, HOUR, later())
                .await
                .unwrap()
                .is_none(),
            "absolute expiry"
        );
    }

    pub async fn rotation_is_atomic_and_keeps_the_previous_hash(
        store: &dyn SessionStore,
        user: UserId,
    ) {
        let created = store
            .create(new_session(user, "gen0", HOUR, HOUR))
            .await
            .unwrap();
        let (gen0, gen1, rival) = (
            TokenHash::of("gen0"),
            TokenHash::of("gen1"),
            TokenHash::of("rival"),
        );
        let (first, second) = tokio::join!(
            store.rotate(created.id, &gen0, &gen1, HOUR),
            store.rotate(created.id, &gen0, &rival, HOUR),
        );
        let winners = [first.unwrap(), second.unwrap()]
            .into_iter()
            .flatten()
            .count();
        assert_eq!(winners, 1, "exactly one rotation of the same token wins");

        let current = store.get(created.id).await.unwrap().unwrap();
        assert_eq!(current.generation, 1);
        assert!(current.rotated_at.is_some());
        assert_eq!(
            current.previous_refresh_token_hash,
            Some(TokenHash::of("gen0"))
        );
        let previous = store
            .find_by_refresh_hash(&TokenHash::of("gen0"))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(previous.matched, RefreshMatch::Previous);
        assert!(
            store
                .rotate(
                    created.id,
                    &TokenHash::of("gen0"),
                    &TokenHash::of("gen2"),
                    HOUR
                )
                .await
                .unwrap()
                .is_none(),
            "a token no longer current cannot rotate"
        );
        let current_hash = current.refresh_token_hash.clone();
        let gen2 = TokenHash::of("gen2-real");
        assert!(store
            .rotate(created.id, &current_hash, &gen2, HOUR)
            .await
            .unwrap()
            .is_some());
        let older = store
            .find_by_refresh_hash(&gen0)
            .await
            .unwrap()
            .expect("an older spent token still names its session");
        assert_eq!(older.session.id, created.id);
        assert_eq!(older.matched, RefreshMatch::Previous);
    }

    /// An access token's expiry far ahead: touches that may extend the session.
    fn later() -> DateTime<Utc> {
        Utc::now() + TimeDelta::days(1)
    }

    /// Past the backends' 15 s between idle-expiry writes, a touch with an expired
    /// token answers the session and extends nothing; one with a live token extends it.
    pub async fn an_expired_token_extends_nothing(store: &dyn SessionStore, user: UserId) {
        let created = store
            .create(new_session(user, "expired-token", HOUR, HOUR * 2))
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_secs(16)).await;
        let expired = Utc::now() - TimeDelta::minutes(5);
        let untouched = store
            .touch(created.id, HOUR, expired)
            .await
            .unwrap()
            .expect("still live");
        assert_eq!(
            untouched.session.idle_expires_at, created.idle_expires_at,
            "an expired token extended the session"
        );
        let touched = store
            .touch(created.id, HOUR, later())
            .await
            .unwrap()
            .expect("live");
        assert!(touched.session.idle_expires_at > created.idle_expires_at);
    }

    pub async fn revoking_all_of_a_users_sessions_can_keep_one(
        store: &dyn SessionStore,
        user: UserId,
    ) {
        let keep = store
            .create(new_session(user, "keep", HOUR, HOUR))
            .await
            .unwrap();
        let other = store
            .create(new_session(user, "other", HOUR, HOUR))
            .await
            .unwrap();
        let ended = store
            .revoke_all_for_user(user, Some(keep.id), RevocationReason::PasswordChanged)
            .await
            .unwrap();
        assert!(ended >= 1);
        assert!(store
            .touch(other.id, HOUR, later())
            .await
            .unwrap()
            .is_none());
        assert!(store.touch(keep.id, HOUR, later()).await.unwrap().is_some());
        let live: Vec<_> = store.list_live_for_user(user).await.unwrap();
        assert_eq!(live.iter().map(|s| s.id).collect::<Vec<_>>(), vec![keep.id]);
    }
}
