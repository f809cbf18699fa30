//! [`SessionStore`] on Redis: a JSON document per session, a key per refresh hash, a
//! set of session ids per user. Every check-and-change runs as one Lua script, so it is
//! atomic across nodes, and every expiry is judged by Redis's own clock (`TIME`).

use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use deadpool_redis::Pool;
use domain::auth::{
    NewSession, RefreshMatch, RevocationReason, Session, SessionId, SessionLookup, SessionStore,
    TokenHash, UserId,
};
use domain::DomainError;
use redis::Script;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

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
    pool: Pool,
}

impl RedisSessionStore {
    pub fn new(pool: Pool) -> Self {
        Self { pool }
    }

    async fn connection(&self) -> StoreResult<deadpool_redis::Connection> {
        self.pool.get().await.map_err(StoreError::from)
    }
}

fn session_key(id: Uuid) -> String {
    format!("practica:session:{id}")
}

fn refresh_key(hash: &str) -> String {
    format!("practica:refresh:{hash}")
}

fn user_key(id: Uuid) -> String {
    format!("practica:user-sessions:{id}")
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

/// Shared Lua: the server's clock in ms, and the liveness rule.
const PRELUDE: &str = r#"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local function live(s)
  return s.revoked_at == cjson.null and now < s.idle_expires_at and now < s.absolute_expires_at
end
local function save(key, s)
  redis.call('SET', key, cjson.encode(s), 'KEEPTTL')
end
"#;

/// KEYS: session, refresh, user-set. ARGV: json (times relative: created_at = 0), idle ms, absolute ms, retention ms.
const CREATE: &str = r#"
local s = cjson.decode(ARGV[1])
local idle, absolute, retention = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
s.created_at = now
s.last_seen_at = now
s.absolute_expires_at = now + absolute
s.idle_expires_at = math.min(now + idle, s.absolute_expires_at)
local ttl = absolute + retention
redis.call('SET', KEYS[1], cjson.encode(s), 'PX', ttl)
redis.call('SET', KEYS[2], s.id, 'PX', ttl)
redis.call('SADD', KEYS[3], s.id)
if redis.call('PTTL', KEYS[3]) < ttl then redis.call('PEXPIRE', KEYS[3], ttl) end
return cjson.encode(s)
"#;

/// KEYS: session. ARGV: idle ms, touch interval ms.
const TOUCH: &str = r#"
local raw = redis.call('GET', KEYS[1])
if not raw then return false end
local s = cjson.decode(raw)
if not live(s) then return false end
if now - s.last_seen_at >= tonumber(ARGV[2]) then
  s.last_seen_at = now
  s.idle_expires_at = math.min(now + tonumber(ARGV[1]), s.absolute_expires_at)
  save(KEYS[1], s)
end
return cjson.encode(s)
"#;

/// KEYS: refresh. Returns { session json, now } or nil.
const FIND_BY_REFRESH: &str = r#"
local id = redis.call('GET', KEYS[1])
if not id then return false end
local raw = redis.call('GET', 'practica:session:' .. id)
if not raw then return false end
return { raw, tostring(now) }
"#;

/// KEYS: session. ARGV: presented hash, next hash, idle ms, retention ms.
const ROTATE: &str = r#"
local raw = redis.call('GET', KEYS[1])
if not raw then return false end
local s = cjson.decode(raw)
if not live(s) or s.refresh_token_hash ~= ARGV[1] then return false end
s.previous_refresh_token_hash = ARGV[1]
s.refresh_token_hash = ARGV[2]
s.rotated_at = now
s.last_seen_at = now
s.idle_expires_at = math.min(now + tonumber(ARGV[3]), s.absolute_expires_at)
s.generation = s.generation + 1
save(KEYS[1], s)
redis.call('SET', 'practica:refresh:' .. ARGV[2], s.id, 'PX', s.absolute_expires_at - now + tonumber(ARGV[4]))
return cjson.encode(s)
"#;

/// KEYS: session. ARGV: reason. Returns 1 when a live session ended.
const REVOKE: &str = r#"
local raw = redis.call('GET', KEYS[1])
if not raw then return 0 end
local s = cjson.decode(raw)
if not live(s) then return 0 end
s.revoked_at = now
s.revoked_reason = ARGV[1]
save(KEYS[1], s)
return 1
"#;

/// KEYS: user-set. ARGV: reason, id to keep (or ""). Returns how many ended.
const REVOKE_ALL: &str = r#"
local ended = 0
for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local key = 'practica:session:' .. id
  local raw = redis.call('GET', key)
  if not raw then
    redis.call('SREM', KEYS[1], id)
  elseif id ~= ARGV[2] then
    local s = cjson.decode(raw)
    if s.revoked_at == cjson.null then
      s.revoked_at = now
      s.revoked_reason = ARGV[1]
      save(key, s)
      if s.idle_expires_at > now and s.absolute_expires_at > now then ended = ended + 1 end
    end
  end
end
return ended
"#;

/// KEYS: user-set. Returns the JSON of every live session.
const LIST_LIVE: &str = r#"
local out = {}
for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local raw = redis.call('GET', 'practica:session:' .. id)
  if raw then
    if live(cjson.decode(raw)) then table.insert(out, raw) end
  end
end
return out
"#;

fn script(body: &str) -> Script {
    Script::new(&format!("{PRELUDE}{body}"))
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
            let mut connection = self.connection().await?;
            let created: String = script(CREATE)
                .key(session_key(stored.id))
                .key(refresh_key(&stored.refresh_token_hash))
                .key(user_key(stored.user_id))
                .arg(json)
                .arg(millis(new.idle_timeout))
                .arg(millis(new.absolute_timeout))
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
    ) -> Result<Option<Session>, DomainError> {
        domain_result(async move {
            let mut connection = self.connection().await?;
            let touched: Option<String> = script(TOUCH)
                .key(session_key(id.as_uuid()))
                .arg(millis(idle_timeout))
                .arg(TOUCH_INTERVAL_MS)
                .invoke_async(&mut connection)
                .await?;
            touched.as_deref().map(to_session).transpose()
        })
        .await
    }

    async fn get(&self, id: SessionId) -> Result<Option<Session>, DomainError> {
        domain_result(async move {
            let mut connection = self.connection().await?;
            let raw: Option<String> = deadpool_redis::redis::cmd("GET")
                .arg(session_key(id.as_uuid()))
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
            let found: Option<(String, String)> = script(FIND_BY_REFRESH)
                .key(refresh_key(hash.as_str()))
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
            let rotated: Option<String> = script(ROTATE)
                .key(session_key(id.as_uuid()))
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
            let ended: i64 = script(REVOKE)
                .key(session_key(id.as_uuid()))
                .arg(reason.as_str())
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
            let keep = keep.map(|id| id.to_string()).unwrap_or_default();
            let ended: i64 = script(REVOKE_ALL)
                .key(user_key(user.as_uuid()))
                .arg(reason.as_str())
                .arg(keep)
                .invoke_async(&mut connection)
                .await?;
            Ok(u64::try_from(ended).unwrap_or(0))
        })
        .await
    }

    async fn list_live_for_user(&self, user: UserId) -> Result<Vec<Session>, DomainError> {
        domain_result(async move {
            let mut connection = self.connection().await?;
            let raw: Vec<String> = script(LIST_LIVE)
                .key(user_key(user.as_uuid()))
                .invoke_async(&mut connection)
                .await?;
            let mut sessions = raw
                .iter()
                .map(|json| to_session(json))
                .collect::<Result<Vec<_>, _>>()?;
            sessions.sort_by_key(|session| (session.created_at, session.id));
            Ok(sessions)
        })
        .await
    }
}
