//! A Redis lock as the scripts store it (a JSON document), read back into the domain's.

use chrono::{DateTime, Utc};
use domain::auth::{SessionId, UserId};
use domain::locks::{FencingToken, LockHolder, LockToken, LockedResource, RecordLock};
use domain::DomainError;
use serde::Deserialize;
use uuid::Uuid;

/// The stored form, as the scripts write it; instants in ms since the epoch.
#[derive(Debug, Deserialize)]
struct StoredLock {
    token: Uuid,
    resource: String,
    fencing: i64,
    user_id: Uuid,
    session_id: Uuid,
    display_name: String,
    acquired_at: i64,
    expires_at: i64,
    /// Absent from locks taken before holds were bounded: their lease alone bounds them.
    hold_until: Option<i64>,
}

/// The hold of a lock that has none: 9999-12-31T23:59:59.999Z.
const UNBOUNDED_HOLD_MS: i64 = 253_402_300_799_999;

/// Redis holds what this backend would never have written.
pub(super) fn corrupt(what: &str, why: impl std::fmt::Display) -> DomainError {
    DomainError::internal(anyhow::anyhow!("unreadable {what} in Redis: {why}"))
}

fn instant(ms: i64) -> Result<DateTime<Utc>, DomainError> {
    DateTime::from_timestamp_millis(ms).ok_or_else(|| corrupt("lock instant", ms))
}

pub(super) fn parse_resource(raw: &str) -> Result<LockedResource, DomainError> {
    LockedResource::parse(raw).map_err(|why| corrupt("locked resource", format!("{raw:?}: {why}")))
}

pub(super) fn to_lock(json: &str) -> Result<RecordLock, DomainError> {
    let stored: StoredLock = serde_json::from_str(json).map_err(|e| corrupt("lock", e))?;
    Ok(RecordLock {
        token: LockToken::from_uuid(stored.token),
        resource: parse_resource(&stored.resource)?,
        fencing: FencingToken::new(stored.fencing),
        holder: LockHolder {
            user_id: UserId::from_uuid(stored.user_id),
            session_id: SessionId::from_uuid(stored.session_id),
            display_name: stored.display_name,
        },
        acquired_at: instant(stored.acquired_at)?,
        expires_at: instant(stored.expires_at)?,
        hold_until: instant(stored.hold_until.unwrap_or(UNBOUNDED_HOLD_MS))?,
    })
}
