//! The keys and the Lua of [`super::RedisSessionStore`], each script compiled (hashed)
//! once per process.
//!
//! A script touches only the keys it is given in `KEYS` and builds no key names, and
//! every script on a session gets that session's keys alone, which share the hash tag
//! `{<session id>}` and so one Redis Cluster slot:
//! - `practica:{<session id>}:session`: the session, a JSON document;
//! - `practica:{<session id>}:refresh-hashes`: every refresh hash it held, current and
//!   spent, the authority on whether it held one.
//!
//! Keys in other slots are read and written by single-key commands (or the one script
//! on a user's index, given that key alone):
//! - `practica:refresh:{<hash>}`: the id of the session that holds or held `<hash>`;
//! - `practica:user-sessions:{<user id>}`: a sorted set of the user's session ids, each
//!   scored by when its record expires.

use std::sync::LazyLock;

use redis::{Script, ScriptInvocation};
use uuid::Uuid;

/// One session's keys, tagged `{<session id>}`: one slot, so one script may touch both.
pub(super) struct SessionKeys {
    pub record: String,
    pub hashes: String,
}

impl SessionKeys {
    pub fn of(id: Uuid) -> Self {
        Self {
            record: format!("practica:{{{id}}}:session"),
            hashes: format!("practica:{{{id}}}:refresh-hashes"),
        }
    }
}

/// `script` on session `id`: its KEYS are that session's keys, and only those.
pub(super) fn on_session(script: &Script, id: Uuid) -> ScriptInvocation<'_> {
    let keys = SessionKeys::of(id);
    let mut invocation = script.prepare_invoke();
    invocation.key(keys.record).key(keys.hashes);
    invocation
}

pub(super) fn refresh_key(hash: &str) -> String {
    format!("practica:refresh:{{{hash}}}")
}

pub(super) fn user_key(id: Uuid) -> String {
    format!("practica:user-sessions:{{{id}}}")
}

pub(super) struct Scripts {
    pub create: Script,
    pub touch: Script,
    pub find: Script,
    pub rotate: Script,
    pub revoke: Script,
    pub add_to_user: Script,
}

pub(super) static SCRIPTS: LazyLock<Scripts> = LazyLock::new(|| Scripts {
    create: script(CREATE),
    touch: script(TOUCH),
    find: script(FIND),
    rotate: script(ROTATE),
    revoke: script(REVOKE),
    add_to_user: script(ADD_TO_USER),
});

fn script(body: &str) -> Script {
    Script::new(&format!("{PRELUDE}{body}"))
}

/// Every script's source, for the test that none builds a key name.
#[cfg(test)]
pub(super) const SOURCES: [&str; 7] = [PRELUDE, CREATE, TOUCH, FIND, ROTATE, REVOKE, ADD_TO_USER];

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

// Session scripts. KEYS: the session's record, the set of every refresh hash it held.

/// ARGV: json (times relative: created_at = 0), idle ms, absolute ms, retention ms.
const CREATE: &str = r#"
local s = cjson.decode(ARGV[1])
local idle, absolute, retention = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
s.created_at = now
s.last_seen_at = now
s.absolute_expires_at = now + absolute
s.idle_expires_at = math.min(now + idle, s.absolute_expires_at)
local ttl = absolute + retention
redis.call('SET', KEYS[1], cjson.encode(s), 'PX', ttl)
redis.call('SADD', KEYS[2], s.refresh_token_hash)
redis.call('PEXPIRE', KEYS[2], ttl)
return cjson.encode(s)
"#;

/// ARGV: idle ms, touch interval ms, the access token's expiry (ms). Returns { session
/// json, now } if it is live; extends it only while the token is.
const TOUCH: &str = r#"
local raw = redis.call('GET', KEYS[1])
if not raw then return false end
local s = cjson.decode(raw)
if not live(s) then return false end
if now < tonumber(ARGV[3]) and now - s.last_seen_at >= tonumber(ARGV[2]) then
  s.last_seen_at = now
  s.idle_expires_at = math.min(now + tonumber(ARGV[1]), s.absolute_expires_at)
  save(KEYS[1], s)
end
return { cjson.encode(s), tostring(now) }
"#;

/// ARGV: a refresh hash. Returns { session json, now } if the session holds or held it.
const FIND: &str = r#"
local raw = redis.call('GET', KEYS[1])
if not raw then return false end
local s = cjson.decode(raw)
if s.refresh_token_hash ~= ARGV[1] and redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 0 then
  return false
end
return { raw, tostring(now) }
"#;

/// ARGV: presented hash, next hash, idle ms, retention ms.
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
redis.call('SADD', KEYS[2], ARGV[2])
redis.call('PEXPIREAT', KEYS[2], s.absolute_expires_at + tonumber(ARGV[4]))
return cjson.encode(s)
"#;

/// ARGV: reason, "live" (end a live session only) or "any" (also mark an expired one).
/// Returns 1 when a live session ended.
const REVOKE: &str = r#"
local raw = redis.call('GET', KEYS[1])
if not raw then return 0 end
local s = cjson.decode(raw)
if s.revoked_at ~= cjson.null then return 0 end
local was_live = live(s)
if not was_live and ARGV[2] ~= 'any' then return 0 end
s.revoked_at = now
s.revoked_reason = ARGV[1]
save(KEYS[1], s)
if was_live then return 1 end
return 0
"#;

/// KEYS: the user's session index, a sorted set of session ids scored by when their
/// records expire. ARGV: session id, ms until its record expires. Drops expired ids.
const ADD_TO_USER: &str = r#"
local ttl = tonumber(ARGV[2])
redis.call('ZADD', KEYS[1], now + ttl, ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. now)
if redis.call('PTTL', KEYS[1]) < ttl then redis.call('PEXPIRE', KEYS[1], ttl) end
return 1
"#;

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use domain::auth::{NewSession, RevocationReason, SessionId, SessionStore, TokenHash, UserId};
    use redis::Script;

    use super::{on_session, refresh_key, user_key, SessionKeys, SOURCES};
    use crate::Redis;

    /// CRC16/XMODEM, which Redis Cluster maps keys to slots with.
    fn crc16(bytes: &[u8]) -> u16 {
        bytes.iter().fold(0, |crc, &byte| {
            (0..8).fold(crc ^ (u16::from(byte) << 8), |crc, _| {
                if crc & 0x8000 == 0 {
                    crc << 1
                } else {
                    (crc << 1) ^ 0x1021
                }
            })
        })
    }

    /// A key's hash tag: between its first `{` and the next `}`, if not empty.
    fn tag(key: &str) -> Option<&str> {
        let open = key.find('{')? + 1;
        let close = open + key[open..].find('}')?;
        Some(&key[open..close]).filter(|tag| !tag.is_empty())
    }

    /// A key's Redis Cluster slot, as the cluster specification defines it.
    fn slot(key: &str) -> u16 {
        crc16(tag(key).unwrap_or(key).as_bytes()) % 16384
    }

    fn redis_url() -> Option<String> {
        match std::env::var("PRACTICA_TEST_REDIS_URL") {
            Ok(url) if !url.is_empty() => Some(url),
            _ if std::env::var("CI").is_ok_and(|ci| ci == "true") => {
                panic!("PRACTICA_TEST_REDIS_URL must be set when CI=true: CI runs every backend")
            }
            _ => {
                eprintln!("skipped: PRACTICA_TEST_REDIS_URL is not set");
                None
            }
        }
    }

    #[test]
    fn slots_follow_the_cluster_specification() {
        assert_eq!(crc16(b"123456789"), 0x31C3);
        assert_eq!(slot("somekey"), 11058);
        assert_eq!(slot("foo{hash_tag}"), 2515);
        assert_eq!(slot("foo{}{bar}"), crc16(b"foo{}{bar}") % 16384);
        assert_eq!(slot("foo{bar}{zap}"), slot("bar"));
    }

    #[test]
    fn a_sessions_keys_carry_its_tag_and_no_script_builds_a_key() {
        let id = SessionId::generate().as_uuid();
        let keys = SessionKeys::of(id);
        let id = id.to_string();
        assert_eq!(tag(&keys.record), Some(id.as_str()));
        assert_eq!(tag(&keys.hashes), Some(id.as_str()));
        assert_ne!(keys.record, keys.hashes);
        assert_eq!(tag(&refresh_key("ab12")), Some("ab12"));
        assert_eq!(
            tag(&user_key(UserId::generate().as_uuid())).map(str::len),
            Some(36)
        );
        for source in SOURCES {
            assert!(
                !source.contains("practica:"),
                "a script names a key: {source}"
            );
        }
    }

    #[tokio::test]
    async fn every_key_of_a_stored_session_is_in_its_slot() {
        let Some(url) = redis_url() else { return };
        let redis = Redis::connect(&url, false, 2).unwrap();
        let store = redis.session_store();
        let mut connection = redis.pool().get().await.unwrap();
        let (id, hour) = (SessionId::generate(), Duration::from_secs(3600));
        let slot_of_id = slot(&id.to_string());

        // What every session script is given as KEYS: the session's keys, in its slot.
        let given: Vec<String> = on_session(&Script::new("return KEYS"), id.as_uuid())
            .invoke_async(&mut connection)
            .await
            .unwrap();
        assert_eq!(given.len(), 2);
        assert!(given.iter().all(|key| slot(key) == slot_of_id), "{given:?}");

        let (first, second) = (
            TokenHash::of(&format!("{id}-0")),
            TokenHash::of(&format!("{id}-1")),
        );
        let new = NewSession {
            id,
            user_id: UserId::generate(),
            refresh_token_hash: first.clone(),
            refresh_key: "k".repeat(32),
            idle_timeout: hour,
            absolute_timeout: hour,
            client_ip: None,
            user_agent: None,
        };
        store.create(new).await.unwrap();
        assert!(store
            .rotate(id, &first, &second, hour)
            .await
            .unwrap()
            .is_some());
        assert!(store.find_by_refresh_hash(&first).await.unwrap().is_some());
        assert!(store.revoke(id, RevocationReason::Logout).await.unwrap());

        // Every key naming the session is one the scripts were given, so in its slot.
        let (mut cursor, mut named) = (0_u64, Vec::<String>::new());
        loop {
            let (next, batch): (u64, Vec<String>) = redis::cmd("SCAN")
                .arg(cursor)
                .arg("MATCH")
                .arg(format!("*{id}*"))
                .arg("COUNT")
                .arg(1000)
                .query_async(&mut connection)
                .await
                .unwrap();
            named.extend(batch);
            if next == 0 {
                break;
            }
            cursor = next;
        }
        named.sort();
        let mut expected = given;
        expected.sort();
        assert_eq!(named, expected);
    }
}
