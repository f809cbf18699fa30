//! [`LockManager`] on Redis. Every check-and-change of a lock runs as one Lua script (see
//! [`super::redis_lock_scripts`]), so it is atomic across nodes, and every expiry is
//! judged by Redis's own clock (`TIME`, `PX`).
//!
//! The key layout, for Redis Cluster, is in [`super::redis_lock_scripts`].

use std::time::Duration;

use async_trait::async_trait;
use domain::auth::{SessionId, UserId};
use domain::locks::{LockHolder, LockManager, LockOutcome, LockToken, LockedResource, RecordLock};
use domain::DomainError;

use crate::redis::{RedisConnection as Connection, RedisPool as Pool};

use super::redis_lock_scripts::{
    on_resource, session_key, token_key, user_key, LockKeys, INDEX_GRACE_MS, SCRIPTS,
};
use super::redis_stored_lock::{corrupt, parse_resource, to_lock};

/// [`LockManager`] on Redis.
pub struct RedisLockManager {
    pool: Pool,
}

impl RedisLockManager {
    pub fn new(pool: Pool) -> Self {
        Self { pool }
    }

    async fn connection(&self) -> Result<Connection, DomainError> {
        self.pool.get().await.map_err(unavailable)
    }
}

/// Redis could not be reached or refused a command: the API answers 503.
fn unavailable(error: impl Into<anyhow::Error>) -> DomainError {
    DomainError::Unavailable(error.into())
}

/// A ttl in ms, at least 1 (`PX 0` is an error).
fn millis(ttl: Duration) -> i64 {
    i64::try_from(ttl.as_millis()).unwrap_or(i64::MAX).max(1)
}

/// A script's answer: a status, and the lock json for those that carry one.
fn answer(mut reply: Vec<String>) -> Result<(String, Option<String>), DomainError> {
    if reply.is_empty() || reply.len() > 2 {
        return Err(corrupt("script reply", format!("{reply:?}")));
    }
    let json = (reply.len() == 2).then(|| reply.remove(1));
    Ok((reply.remove(0), json))
}

fn with_lock(json: Option<String>) -> Result<RecordLock, DomainError> {
    let json = json.ok_or_else(|| corrupt("script reply", "no lock"))?;
    to_lock(&json)
}

/// Adds `resource` to the holder's session and user indexes, to last `ttl` and a grace.
///
/// why: run before the lock script that acquires or renews, so that a live lock is
/// always in its holder's indexes, for the ends of sessions to find; should the lock
/// script then refuse or fail, the entries are stale, which every reader allows for.
async fn index_holder(
    connection: &mut Connection,
    resource: LockedResource,
    holder: &LockHolder,
    ttl: i64,
) -> Result<(), DomainError> {
    let lasting = ttl.saturating_add(INDEX_GRACE_MS);
    for key in [
        session_key(holder.session_id.as_uuid()),
        user_key(holder.user_id.as_uuid()),
    ] {
        let _: i64 = SCRIPTS
            .add_to_index
            .key(key)
            .arg(resource.to_string())
            .arg(lasting)
            .invoke_async(connection)
            .await
            .map_err(unavailable)?;
    }
    Ok(())
}

/// Points the lock's token at its resource until a grace after the lock expires.
async fn index_token(connection: &mut Connection, lock: &RecordLock) -> Result<(), DomainError> {
    let until = lock
        .expires_at
        .timestamp_millis()
        .saturating_add(INDEX_GRACE_MS);
    redis::cmd("SET")
        .arg(token_key(lock.token.as_uuid()))
        .arg(lock.resource.to_string())
        .arg("PXAT")
        .arg(until)
        .query_async::<()>(connection)
        .await
        .map_err(unavailable)
}

/// The resource the lock `token` is (or was lately) on.
async fn resource_of(
    connection: &mut Connection,
    token: LockToken,
) -> Result<Option<LockedResource>, DomainError> {
    let raw: Option<String> = redis::cmd("GET")
        .arg(token_key(token.as_uuid()))
        .query_async(connection)
        .await
        .map_err(unavailable)?;
    raw.as_deref().map(parse_resource).transpose()
}

/// The members of a session's or user's index: resources they may hold locks on.
async fn indexed(connection: &mut Connection, key: String) -> Result<Vec<String>, DomainError> {
    redis::cmd("ZRANGE")
        .arg(key)
        .arg(0)
        .arg(-1)
        .query_async(connection)
        .await
        .map_err(unavailable)
}

/// Runs the release script on `resource`; `args` name the mode and its arguments.
async fn release_one(
    connection: &mut Connection,
    resource: LockedResource,
    args: &[&str],
) -> Result<(String, Option<String>), DomainError> {
    let mut invocation = on_resource(&SCRIPTS.release, resource);
    for arg in args {
        invocation.arg(*arg);
    }
    let reply: Vec<String> = invocation
        .invoke_async(connection)
        .await
        .map_err(unavailable)?;
    answer(reply)
}

/// Drops the token pointers of ended locks.
///
/// why: only tidying; a pointer left behind names a lock the scripts no longer find
/// under that token, and expires soon after the lock would have. The locks have ended
/// by now, so a failure here is logged, not answered as though they had not.
async fn forget_tokens(connection: &mut Connection, ended: &[RecordLock]) {
    for lock in ended {
        let dropped = redis::cmd("DEL")
            .arg(token_key(lock.token.as_uuid()))
            .query_async::<i64>(&mut *connection)
            .await;
        if let Err(error) = dropped {
            tracing::warn!(%error, resource = %lock.resource, "dropping an ended lock's token pointer failed");
        }
    }
}

impl RedisLockManager {
    /// Ends, one script per resource, the live locks in index `key` the mode allows.
    async fn release_indexed(&self, key: String, args: &[&str]) -> Result<u64, DomainError> {
        let mut connection = self.connection().await?;
        let mut ended = Vec::new();
        // why: entries may be stale (released, expired, or never acquired), so each
        // resource's script checks its stored holder and ends only a lock that matches.
        for raw in indexed(&mut connection, key).await? {
            let resource = parse_resource(&raw)?;
            let (status, json) = release_one(&mut connection, resource, args).await?;
            if status == "released" {
                ended.push(with_lock(json)?);
            }
        }
        forget_tokens(&mut connection, &ended).await;
        u64::try_from(ended.len()).map_err(DomainError::internal)
    }
}

#[async_trait]
impl LockManager for RedisLockManager {
    async fn acquire(
        &self,
        resource: LockedResource,
        holder: &LockHolder,
        ttl: Duration,
        hold: Duration,
    ) -> Result<LockOutcome, DomainError> {
        let ttl = millis(ttl);
        let mut connection = self.connection().await?;
        index_holder(&mut connection, resource, holder, ttl).await?;
        let reply: Vec<String> = on_resource(&SCRIPTS.acquire, resource)
            .arg(LockToken::generate().to_string())
            .arg(resource.to_string())
            .arg(holder.user_id.to_string())
            .arg(holder.session_id.to_string())
            .arg(holder.display_name.as_str())
            .arg(ttl)
            .arg(millis(hold))
            .invoke_async(&mut connection)
            .await
            .map_err(unavailable)?;
        let (status, json) = answer(reply)?;
        let lock = with_lock(json)?;
        match status.as_str() {
            "acquired" | "held" => {
                // why: the token reaches the holder only once its pointer is written,
                // so renew and release always find it; should the write fail, the lock
                // lapses, or the same session acquires it again (same token) and retries.
                index_token(&mut connection, &lock).await?;
                Ok(LockOutcome::Done(lock))
            }
            "locked" => Ok(LockOutcome::HeldByAnother(lock)),
            other => Err(corrupt("acquire status", other)),
        }
    }

    async fn renew(
        &self,
        token: LockToken,
        session: SessionId,
        ttl: Duration,
    ) -> Result<LockOutcome, DomainError> {
        let ttl = millis(ttl);
        let mut connection = self.connection().await?;
        let Some(resource) = resource_of(&mut connection, token).await? else {
            return Ok(LockOutcome::Gone);
        };
        let raw: Option<String> = redis::cmd("GET")
            .arg(LockKeys::of(resource).lock)
            .query_async(&mut connection)
            .await
            .map_err(unavailable)?;
        // why: early answers, so that no other session's entry lands in the indexes; a
        // token once replaced never comes back, and the script checks again, atomically.
        let current = match raw.as_deref().map(to_lock).transpose()? {
            Some(current) if current.token == token => current,
            _ => return Ok(LockOutcome::Gone),
        };
        if current.holder.session_id != session {
            return Ok(LockOutcome::HeldByAnother(current));
        }
        index_holder(&mut connection, resource, &current.holder, ttl).await?;
        let reply: Vec<String> = on_resource(&SCRIPTS.renew, resource)
            .arg(token.to_string())
            .arg(session.to_string())
            .arg(ttl)
            .invoke_async(&mut connection)
            .await
            .map_err(unavailable)?;
        match answer(reply)? {
            (status, json) if status == "renewed" => {
                let lock = with_lock(json)?;
                index_token(&mut connection, &lock).await?;
                Ok(LockOutcome::Done(lock))
            }
            (status, _) if status == "lost" => Ok(LockOutcome::Gone),
            (status, json) if status == "forbidden" => {
                Ok(LockOutcome::HeldByAnother(with_lock(json)?))
            }
            (other, _) => Err(corrupt("renew status", other)),
        }
    }

    async fn release(
        &self,
        token: LockToken,
        session: SessionId,
    ) -> Result<LockOutcome, DomainError> {
        let mut connection = self.connection().await?;
        let Some(resource) = resource_of(&mut connection, token).await? else {
            return Ok(LockOutcome::Gone);
        };
        let (token_arg, session_arg) = (token.to_string(), session.to_string());
        let args = ["token", token_arg.as_str(), session_arg.as_str()];
        match release_one(&mut connection, resource, &args).await? {
            (status, json) if status == "released" => {
                let lock = with_lock(json)?;
                forget_tokens(&mut connection, std::slice::from_ref(&lock)).await;
                Ok(LockOutcome::Done(lock))
            }
            (status, _) if status == "none" => Ok(LockOutcome::Gone),
            (status, json) if status == "forbidden" => {
                Ok(LockOutcome::HeldByAnother(with_lock(json)?))
            }
            (other, _) => Err(corrupt("release status", other)),
        }
    }

    async fn holder(&self, resource: LockedResource) -> Result<Option<RecordLock>, DomainError> {
        let mut connection = self.connection().await?;
        let raw: Option<String> = on_resource(&SCRIPTS.holder, resource)
            .invoke_async(&mut connection)
            .await
            .map_err(unavailable)?;
        raw.as_deref().map(to_lock).transpose()
    }

    async fn extend_hold(
        &self,
        resource: LockedResource,
        by: Duration,
    ) -> Result<Option<RecordLock>, DomainError> {
        let mut connection = self.connection().await?;
        let reply: Vec<String> = on_resource(&SCRIPTS.extend_hold, resource)
            .arg(millis(by))
            .invoke_async(&mut connection)
            .await
            .map_err(unavailable)?;
        match answer(reply)? {
            (status, json) if status == "extended" => Ok(Some(with_lock(json)?)),
            (status, _) if status == "none" => Ok(None),
            (other, _) => Err(corrupt("extend status", other)),
        }
    }

    async fn break_lock(
        &self,
        resource: LockedResource,
    ) -> Result<Option<RecordLock>, DomainError> {
        let mut connection = self.connection().await?;
        match release_one(&mut connection, resource, &["any"]).await? {
            (status, json) if status == "released" => {
                let lock = with_lock(json)?;
                forget_tokens(&mut connection, std::slice::from_ref(&lock)).await;
                Ok(Some(lock))
            }
            (status, _) if status == "none" => Ok(None),
            (other, _) => Err(corrupt("break status", other)),
        }
    }

    async fn release_all_for_session(&self, session: SessionId) -> Result<u64, DomainError> {
        let session_arg = session.to_string();
        self.release_indexed(
            session_key(session.as_uuid()),
            &["session", session_arg.as_str()],
        )
        .await
    }

    async fn release_all_for_user(
        &self,
        user: UserId,
        except: Option<SessionId>,
    ) -> Result<u64, DomainError> {
        let user_arg = user.to_string();
        let except_arg = except
            .map(|session| session.to_string())
            .unwrap_or_default();
        self.release_indexed(
            user_key(user.as_uuid()),
            &["user", user_arg.as_str(), except_arg.as_str()],
        )
        .await
    }
}
