//! [`SessionStore`] on Redis. Every check-and-change runs as one Lua script (see
//! [`super::redis_scripts`]), so it is atomic across nodes, and every expiry is judged
//! by Redis's own clock (`TIME`).
//!
//! The key layout, for Redis Cluster, is in [`super::redis_scripts`].

use std::time::Duration;

use crate::redis::{RedisConnection, RedisPool};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::auth::{
    NewSession, RefreshMatch, RevocationReason, Session, SessionId, SessionLookup, SessionStore,
    TokenHash, TouchedSession, UserId,
};
use domain::DomainError;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::redis_scripts::{on_session, refresh_key, user_key, SessionKeys, SCRIPTS};
use crate::error::{domain_result, StoreError, StoreResult};

/// How long an ended session's record stays readable after its absolute expiry.
const RETENTION_MS: i64 = 24 * 3600 * 1000;
/// As in the SQL store: a touch within this long of the last one skips its write.
const TOUCH_INTERVAL_MS: i64 = 15_000;

/// The stored form; instants in milliseconds since the epoch, for Lua to compare.
#[derive(Debug, Serialize, Deserialize)]
struct StoredSession {
    id: Uuid,
    user_id: Uuid,
    refresh_token_hash: String,
    previous_refresh_token_hash: Option<String>,
    refresh_key: String,
    generation: i64,
    created_at: i64,
    last_seen_at: i64,
    rotated_at: Option<i64>,
    idle_expires_at: i64,
    absolute_expires_at: i64,
    revoked_at: Option<i64>,
    revoked_reason: Option<String>,
    client_ip: Option<String>,
    user_agent: Option<String>,
}

pub struct RedisSessionStore {
    pool: RedisPool,
}

impl RedisSessionStore {
    pub fn new(pool: RedisPool) -> Self {
        Self { pool }
    }

    async fn connection(&self) -> StoreResult<RedisConnection> {
        self.pool.get().await.map_err(StoreError::from)
    }
}

/// The ids in the user's session index, a single-key read.
async fn session_ids(connection: &mut RedisConnection, user: UserId) -> StoreResult<Vec<Uuid>> {
    let ids: Vec<String> = redis::cmd("ZRANGE")
        .arg(user_key(user.as_uuid()))
        .arg(0)
        .arg(-1)
        .query_async(connection)
        .await?;
    ids.iter().map(|id| parse_id(id)).collect()
}

fn parse_id(id: &str) -> StoreResult<Uuid> {
    Uuid::parse_str(id).map_err(|error| StoreError::internal(format!("session id {id:?}: {error}")))
}

fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

fn instant(ms: i64) -> StoreResult<DateTime<Utc>> {
    DateTime::from_timestamp_millis(ms)
        .ok_or_else(|| StoreError::internal(format!("instant out of range: {ms}")))
}

fn to_session(json: &str) -> StoreResult<Session> {
    let stored: StoredSession = serde_json::from_str(json)?;
    Ok(Session {
        id: SessionId::from_uuid(stored.id),
        user_id: UserId::from_uuid(stored.user_id),
        refresh_token_hash: TokenHash::from_stored(stored.refresh_token_hash),
        previous_refresh_token_hash: stored
            .previous_refresh_token_hash
            .map(TokenHash::from_stored),
        refresh_key: stored.refresh_key,
        generation: stored.generation,
        created_at: instant(stored.created_at)?,
        last_seen_at: instant(stored.last_seen_at)?,
        rotated_at: stored.rotated_at.map(instant).transpose()?,
        idle_expires_at: instant(stored.idle_expires_at)?,
        absolute_expires_at: instant(stored.absolute_expires_at)?,
        revoked_at: stored.revoked_at.map(instant).transpose()?,
        revoked_reason: stored
            .revoked_reason
            .as_deref()
            .and_then(RevocationReason::parse),
        client_ip: stored.client_ip,
        user_agent: stored.user_agent,
    })
}

#[async_trait]
impl SessionStore for RedisSessionStore {
    async fn create(&self, new: NewSession) -> Result<Session, DomainError> {
        domain_result(async move {
            let stored = StoredSession {
                id: new.id.as_uuid(),
                user_id: new.user_id.as_uuid(),
                refresh_token_hash: new.refresh_token_hash.as_str().to_owned(),
                previous_refresh_token_hash: None,
                refresh_key: new.refresh_key,
                generation: 0,
                created_at: 0,
                last_seen_at: 0,
                rotated_at: None,
                idle_expires_at: 0,
                absolute_expires_at: 0,
                revoked_at: None,
                revoked_reason: None,
                client_ip: new.client_ip,
                user_agent: new.user_agent,
            };
            let json = serde_json::to_string(&stored)?;
            let absolute = millis(new.absolute_timeout);
            let ttl = absolute.saturating_add(RETENTION_MS);
            let mut connection = self.connection().await?;
            // why: the user's index and the hash's pointer live in other slots than the
            // session, so they are written first, each on its own: a session that exists
            // is always in its user's index, for logout everywhere to find. Should the
            // session then not be written, both name a record that is absent and expire.
            let _: () = SCRIPTS
                .add_to_user
                .key(user_key(stored.user_id))
                .arg(stored.id.to_string())
                .arg(ttl)
                .invoke_async(&mut connection)
                .await?;
            let _: () = redis::cmd("SET")
                .arg(refresh_key(&stored.refresh_token_hash))
                .arg(stored.id.to_string())
                .arg("PX")
                .arg(ttl)
                .query_async(&mut connection)
                .await?;
            let created: String = on_session(&SCRIPTS.create, stored.id)
                .arg(json)
                .arg(millis(new.idle_timeout))
                .arg(absolute)
                .arg(RETENTION_MS)
                .invoke_async(&mut connection)
                .await?;
            to_session(&created)
        })
        .await
    }

    async fn touch(
        &self,
        id: SessionId,
        idle_timeout: Duration,
        token_expires_at: DateTime<Utc>,
    ) -> Result<Option<TouchedSession>, DomainError> {
        domain_result(async move {
            let mut connection = self.connection().await?;
            let touched: Option<(String, String)> = on_session(&SCRIPTS.touch, id.as_uuid())
                .arg(millis(idle_timeout))
                .arg(TOUCH_INTERVAL_MS)
                .arg(token_expires_at.timestamp_millis())
                .invoke_async(&mut connection)
                .await?;
            let Some((json, now)) = touched else {
                return Ok(None);
            };
            Ok(Some(TouchedSession {
                session: to_session(&json)?,
                now: instant(now.parse()?)?,
            }))
        })
        .await
    }

    async fn get(&self, id: SessionId) -> Result<Option<Session>, DomainError> {
        domain_result(async move {
            let mut connection = self.connection().await?;
            let raw: Option<String> = redis::cmd("GET")
                .arg(SessionKeys::of(id.as_uuid()).record)
                .query_async(&mut connection)
                .await?;
            raw.as_deref().map(to_session).transpose()
        })
        .await
    }

    async fn find_by_refresh_hash(
        &self,
        hash: &TokenHash,
    ) -> Result<Option<SessionLookup>, DomainError> {
        domain_result(async move {
            let mut connection = self.connection().await?;
            let pointer: Option<String> = redis::cmd("GET")
                .arg(refresh_key(hash.as_str()))
                .query_async(&mut connection)
                .await?;
            let Some(id) = pointer else {
                return Ok(None);
            };
            let found: Option<(String, String)> = on_session(&SCRIPTS.find, parse_id(&id)?)
                .arg(hash.as_str())
                .invoke_async(&mut connection)
                .await?;
            let Some((json, now)) = found else {
                return Ok(None);
            };
            let session = to_session(&json)?;
            let matched = if session.refresh_token_hash == *hash {
                RefreshMatch::Current
            } else {
                RefreshMatch::Previous
            };
            let now = instant(now.parse()?)?;
            Ok(Some(SessionLookup {
                session,
                matched,
                now,
            }))
        })
        .await
    }

    async fn rotate(
        &self,
        id: SessionId,
        presented: &TokenHash,
        next: &TokenHash,
        idle_timeout: Duration,
    ) -> Result<Option<Session>, DomainError> {
        domain_result(async move {
            let mut connection = self.connection().await?;
            let raw: Option<String> = redis::cmd("GET")
                .arg(SessionKeys::of(id.as_uuid()).record)
                .query_async(&mut connection)
                .await?;
            let Some(raw) = raw else {
                return Ok(None);
            };
            let stored: StoredSession = serde_json::from_str(&raw)?;
            // why: a hash once replaced is never current again, so this early answer
            // stands; the script checks again, atomically.
            if stored.refresh_token_hash != presented.as_str() {
                return Ok(None);
            }
            // why: `next`'s pointer lives in `next`'s slot, so it is written before the
            // rotation and outside it, expiring with the session's record (the absolute
            // expiry never moves). Should the rotation lose a race, the pointer names a
            // session whose set never held `next`, and the lookup ignores it.
            let _: () = redis::cmd("SET")
                .arg(refresh_key(next.as_str()))
                .arg(stored.id.to_string())
                .arg("PXAT")
                .arg(stored.absolute_expires_at.saturating_add(RETENTION_MS))
                .query_async(&mut connection)
                .await?;
            let rotated: Option<String> = on_session(&SCRIPTS.rotate, id.as_uuid())
                .arg(presented.as_str())
                .arg(next.as_str())
                .arg(millis(idle_timeout))
                .arg(RETENTION_MS)
                .invoke_async(&mut connection)
                .await?;
            rotated.as_deref().map(to_session).transpose()
        })
        .await
    }

    async fn revoke(&self, id: SessionId, reason: RevocationReason) -> Result<bool, DomainError> {
        domain_result(async move {
            let mut connection = self.connection().await?;
            let ended: i64 = on_session(&SCRIPTS.revoke, id.as_uuid())
                .arg(reason.as_str())
                .arg("live")
                .invoke_async(&mut connection)
                .await?;
            Ok(ended > 0)
        })
        .await
    }

    async fn revoke_all_for_user(
        &self,
        user: UserId,
        keep: Option<SessionId>,
        reason: RevocationReason,
    ) -> Result<u64, DomainError> {
        domain_result(async move {
            let mut connection = self.connection().await?;
            let keep = keep.map(SessionId::as_uuid);
            let mut ended = 0;
            // why: one script per session, each on that session's slot; ids whose
            // record is absent are left for the index to drop when they expire, since
            // one may be a session still being created.
            for id in session_ids(&mut connection, user).await? {
                if Some(id) == keep {
                    continue;
                }
                let one: u64 = on_session(&SCRIPTS.revoke, id)
                    .arg(reason.as_str())
                    .arg("any")
                    .invoke_async(&mut connection)
                    .await?;
                ended += one;
            }
            Ok(ended)
        })
        .await
    }

    async fn list_live_for_user(&self, user: UserId) -> Result<Vec<Session>, DomainError> {
        domain_result(async move {
            let mut connection = self.connection().await?;
            let ids = session_ids(&mut connection, user).await?;
            if ids.is_empty() {
                return Ok(Vec::new());
            }
            let (seconds, micros): (i64, i64) =
                redis::cmd("TIME").query_async(&mut connection).await?;
            let now = instant(seconds.saturating_mul(1000).saturating_add(micros / 1000))?;
            // why: one GET each, not a pipeline: on Redis Cluster the sessions' keys
            // lie in different slots, and a pipeline goes to one node.
            let mut sessions = Vec::new();
            for id in &ids {
                let raw: Option<String> = redis::cmd("GET")
                    .arg(SessionKeys::of(*id).record)
                    .query_async(&mut connection)
                    .await?;
                let Some(json) = raw else { continue };
                let session = to_session(&json)?;
                if session.is_live_at(now) {
                    sessions.push(session);
                }
            }
            sessions.sort_by_key(|session| (session.created_at, session.id));
            Ok(sessions)
        })
        .await
    }
}
