//! The keys and the Lua of [`super::RedisLockManager`], each script compiled (hashed)
//! once per process.
//!
//! A script touches only the keys it is given in `KEYS` and builds no key names. Every
//! script on a lock gets that resource's keys alone, which share the hash tag
//! `{lock:<kind>/<id>}` and so one Redis Cluster slot:
//! - `practica:{lock:<kind>/<id>}:lock`: the live lock, a JSON document expiring (`PX`)
//!   when the lock does;
//! - `practica:{lock:<kind>/<id>}:fence`: the resource's fencing counter (`INCR`), which
//!   never expires, so fencing numbers never go back.
//!
//! Keys in other slots are indexes, read and written by single-key commands (or the one
//! script on an index, given that key alone); any entry may be stale, since the lock
//! scripts check the lock itself:
//! - `practica:lock-token:{<token>}`: the resource the lock `<token>` is on;
//! - `practica:lock-sessions:{<session id>}` and `practica:lock-users:{<user id>}`: sorted
//!   sets of the resources a session or user has locked, each scored by when its entry
//!   may be dropped.

use std::sync::LazyLock;

use domain::locks::LockedResource;
use redis::{Script, ScriptInvocation};
use uuid::Uuid;

/// How long an index entry outlives the lock it names: margin for the clocks of the
/// cluster nodes holding the lock and the index, and for renewals racing each other.
pub(super) const INDEX_GRACE_MS: i64 = 60_000;

/// One resource's keys, tagged `{lock:<resource>}`: one slot, so one script may touch both.
pub(super) struct LockKeys {
    pub lock: String,
    pub fence: String,
}

impl LockKeys {
    pub fn of(resource: LockedResource) -> Self {
        Self {
            lock: format!("practica:{{lock:{resource}}}:lock"),
            fence: format!("practica:{{lock:{resource}}}:fence"),
        }
    }
}

/// `script` on `resource`: its KEYS are that resource's keys, and only those.
pub(super) fn on_resource(script: &Script, resource: LockedResource) -> ScriptInvocation<'_> {
    let keys = LockKeys::of(resource);
    let mut invocation = script.prepare_invoke();
    invocation.key(keys.lock).key(keys.fence);
    invocation
}

pub(super) fn token_key(token: Uuid) -> String {
    format!("practica:lock-token:{{{token}}}")
}

pub(super) fn session_key(session: Uuid) -> String {
    format!("practica:lock-sessions:{{{session}}}")
}

pub(super) fn user_key(user: Uuid) -> String {
    format!("practica:lock-users:{{{user}}}")
}

pub(super) struct Scripts {
    pub acquire: Script,
    pub renew: Script,
    pub extend_hold: Script,
    pub release: Script,
    pub holder: Script,
    pub add_to_index: Script,
}

pub(super) static SCRIPTS: LazyLock<Scripts> = LazyLock::new(|| Scripts {
    acquire: script(ACQUIRE),
    renew: script(RENEW),
    extend_hold: script(EXTEND_HOLD),
    release: script(RELEASE),
    holder: script(HOLDER),
    add_to_index: script(ADD_TO_INDEX),
});

fn script(body: &str) -> Script {
    Script::new(&format!("{PRELUDE}{body}"))
}

/// Every script's source, for the test that none builds a key name.
#[cfg(test)]
pub(super) const SOURCES: [&str; 7] = [
    PRELUDE,
    ACQUIRE,
    RENEW,
    EXTEND_HOLD,
    RELEASE,
    HOLDER,
    ADD_TO_INDEX,
];

/// Shared Lua: the server's clock in ms, and the liveness rule.
const PRELUDE: &str = r#"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local function live_lock(key)
  local raw = redis.call('GET', key)
  if not raw then return nil end
  local l = cjson.decode(raw)
  if now >= l.expires_at then return nil end
  return l, raw
end
"#;

// Lock scripts. KEYS: the resource's lock, its fencing counter.

/// ARGV: a fresh token, resource, user id, session id, display name, ttl ms, hold ms.
/// Returns { 'acquired' | 'held' | 'locked', lock json }. The holder's own lock keeps
/// its `hold_until`, and no expiry goes past it.
const ACQUIRE: &str = r#"
local ttl = tonumber(ARGV[6])
local hold = tonumber(ARGV[7])
local l, raw = live_lock(KEYS[1])
if l then
  if l.session_id ~= ARGV[4] then return { 'locked', raw } end
  l.hold_until = l.hold_until or (now + hold)
  l.expires_at = math.min(now + ttl, l.hold_until)
  local json = cjson.encode(l)
  redis.call('SET', KEYS[1], json, 'PX', l.expires_at - now)
  return { 'held', json }
end
-- Floored by the clock in ms, so numbers keep growing should the counter be lost.
local fencing = redis.call('INCR', KEYS[2])
if fencing < now then
  redis.call('SET', KEYS[2], now)
  fencing = now
end
local hold_until = now + hold
local expires_at = math.min(now + ttl, hold_until)
local json = cjson.encode({
  token = ARGV[1], resource = ARGV[2], fencing = fencing,
  user_id = ARGV[3], session_id = ARGV[4], display_name = ARGV[5],
  acquired_at = now, expires_at = expires_at, hold_until = hold_until,
})
redis.call('SET', KEYS[1], json, 'PX', expires_at - now)
return { 'acquired', json }
"#;

/// ARGV: token, session id, ttl ms. Returns { 'renewed', lock json }, { 'lost' } or
/// { 'forbidden', lock json }.
const RENEW: &str = r#"
local ttl = tonumber(ARGV[3])
local l, raw = live_lock(KEYS[1])
if not l or l.token ~= ARGV[1] then return { 'lost' } end
if l.session_id ~= ARGV[2] then return { 'forbidden', raw } end
l.expires_at = math.min(now + ttl, l.hold_until or (now + ttl))
local json = cjson.encode(l)
redis.call('SET', KEYS[1], json, 'PX', l.expires_at - now)
return { 'renewed', json }
"#;

/// ARGV: ms to move the live lock's `hold_until` on by. Returns { 'extended', lock json }
/// or { 'none' }.
const EXTEND_HOLD: &str = r#"
local l = live_lock(KEYS[1])
if not l then return { 'none' } end
l.hold_until = (l.hold_until or l.expires_at) + tonumber(ARGV[1])
local json = cjson.encode(l)
redis.call('SET', KEYS[1], json, 'PX', l.expires_at - now)
return { 'extended', json }
"#;

/// ARGV: a mode and its arguments:
/// - 'token', token, session id: the lock `token`, if `session` holds it;
/// - 'session', session id: the lock, if that session holds it;
/// - 'user', user id, session id or '': the lock, if the user holds it in another session;
/// - 'any': whatever lock there is (an expired one is deleted too, and not returned).
///
/// Returns { 'released', lock json }, { 'none' } or { 'forbidden', lock json }.
const RELEASE: &str = r#"
local mode = ARGV[1]
local l, raw = live_lock(KEYS[1])
if mode == 'any' then
  redis.call('DEL', KEYS[1])
  if l then return { 'released', raw } end
  return { 'none' }
end
if not l then return { 'none' } end
if mode == 'token' then
  if l.token ~= ARGV[2] then return { 'none' } end
  if l.session_id ~= ARGV[3] then return { 'forbidden', raw } end
elseif mode == 'session' then
  if l.session_id ~= ARGV[2] then return { 'none' } end
elseif mode == 'user' then
  if l.user_id ~= ARGV[2] or l.session_id == ARGV[3] then return { 'none' } end
else
  return redis.error_reply('unknown release mode')
end
redis.call('DEL', KEYS[1])
return { 'released', raw }
"#;

/// Returns the live lock's json, or nil.
const HOLDER: &str = r#"
local l, raw = live_lock(KEYS[1])
if l then return raw end
return false
"#;

/// KEYS: a session's or user's index, a sorted set of resources scored by when their
/// entries may go. ARGV: resource, ms the entry must last. Never moves an entry's score
/// back (renewals may race), drops entries past their score, and keeps the set until
/// its last entry goes.
const ADD_TO_INDEX: &str = r#"
local until_ms = now + tonumber(ARGV[2])
local old = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not old or tonumber(old) < until_ms then
  redis.call('ZADD', KEYS[1], until_ms, ARGV[1])
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. now)
local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
redis.call('PEXPIREAT', KEYS[1], last[2])
return 1
"#;

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use domain::auth::{SessionId, UserId};
    use domain::locks::{LockHolder, LockManager, LockOutcome, LockToken};
    use domain::patients::PatientId;
    use domain::DomainError;

    use super::*;
    use crate::Redis;

    /// A key's hash tag: between its first `{` and the next `}`, if not empty.
    fn tag(key: &str) -> Option<&str> {
        let open = key.find('{')? + 1;
        let close = open + key[open..].find('}')?;
        Some(&key[open..close]).filter(|tag| !tag.is_empty())
    }

    #[test]
    fn a_resources_keys_share_its_tag_and_no_script_builds_a_key() {
        let resource = LockedResource::Patient(PatientId::generate());
        let keys = LockKeys::of(resource);
        let expected = format!("lock:{resource}");
        assert_eq!(tag(&keys.lock), Some(expected.as_str()));
        assert_eq!(tag(&keys.fence), Some(expected.as_str()));
        assert_ne!(keys.lock, keys.fence);
        let token = LockToken::generate().as_uuid();
        assert_eq!(tag(&token_key(token)), Some(token.to_string().as_str()));
        let session = SessionId::generate().as_uuid();
        assert_eq!(
            tag(&session_key(session)),
            Some(session.to_string().as_str())
        );
        let user = UserId::generate().as_uuid();
        assert_eq!(tag(&user_key(user)), Some(user.to_string().as_str()));
        for source in SOURCES {
            assert!(
                !source.contains("practica:"),
                "a script names a key: {source}"
            );
        }
    }

    fn someone() -> LockHolder {
        LockHolder {
            user_id: UserId::generate(),
            session_id: SessionId::generate(),
            display_name: "Dr Grey".to_owned(),
        }
    }

    #[tokio::test]
    async fn an_unreachable_redis_is_unavailable_never_a_success() {
        let locks = Redis::connect("redis://127.0.0.1:1", false, 1)
            .unwrap()
            .lock_manager();
        let (resource, who) = (LockedResource::Patient(PatientId::generate()), someone());
        let (token, minute) = (LockToken::generate(), Duration::from_secs(60));
        let unavailable = |result: Result<(), DomainError>| {
            assert!(
                matches!(result, Err(DomainError::Unavailable(_))),
                "{result:?}"
            );
        };
        unavailable(
            locks
                .acquire(resource, &who, minute, minute)
                .await
                .map(drop),
        );
        unavailable(locks.renew(token, who.session_id, minute).await.map(drop));
        unavailable(locks.release(token, who.session_id).await.map(drop));
        unavailable(locks.holder(resource).await.map(drop));
        unavailable(locks.break_lock(resource).await.map(drop));
        unavailable(locks.extend_hold(resource, minute).await.map(drop));
        unavailable(
            locks
                .release_all_for_session(who.session_id)
                .await
                .map(drop),
        );
        unavailable(
            locks
                .release_all_for_user(who.user_id, None)
                .await
                .map(drop),
        );
    }

    #[tokio::test]
    async fn a_lock_leaves_only_its_resources_keys_and_expiring_indexes() {
        let Ok(url) = std::env::var("PRACTICA_TEST_REDIS_URL") else {
            eprintln!("skipped: PRACTICA_TEST_REDIS_URL is not set");
            return;
        };
        let redis = Redis::connect(&url, false, 2).unwrap();
        let locks = redis.lock_manager();
        let mut connection = redis.pool().get().await.unwrap();
        let (resource, who) = (LockedResource::Patient(PatientId::generate()), someone());
        let Ok(LockOutcome::Done(held)) = locks
            .acquire(
                resource,
                &who,
                Duration::from_secs(60),
                Duration::from_secs(60),
            )
            .await
        else {
            panic!("a free lock is taken");
        };
        let keys = LockKeys::of(resource);
        let mut pttls = redis::pipe();
        for key in [
            keys.lock.clone(),
            keys.fence.clone(),
            token_key(held.token.as_uuid()),
            session_key(who.session_id.as_uuid()),
            user_key(who.user_id.as_uuid()),
        ] {
            pttls.cmd("PTTL").arg(key);
        }
        let pttls: Vec<i64> = pttls.query_async(&mut connection).await.unwrap();
        assert!(pttls[0] > 0, "the lock expires");
        assert_eq!(pttls[1], -1, "the counter never does");
        assert!(
            pttls[2..].iter().all(|&ms| ms > 60_000),
            "indexes outlive the lock"
        );
        locks.release(held.token, who.session_id).await.unwrap();
        let left: Vec<String> = redis::cmd("KEYS")
            .arg(format!("*{}*", resource.id()))
            .query_async(&mut connection)
            .await
            .unwrap();
        assert_eq!(left, vec![keys.fence]);
    }
}
