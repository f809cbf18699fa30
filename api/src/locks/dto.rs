use chrono::{DateTime, Utc};
use domain::auth::SessionId;
use domain::locks::{LockedResource, RecordLock};
use domain::DomainError;
use serde::{Deserialize, Serialize};
use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn};
use utoipa::openapi::Required;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::error::LockHolderBody;

/// The record a request names, as `kind/{id}`.
pub fn parse_resource(raw: &str) -> Result<LockedResource, DomainError> {
    LockedResource::parse(raw).map_err(|message| DomainError::invalid("resource", message))
}

/// A request for a record's lock.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct LockRequest {
    #[schema(schema_with = crate::http::text_fields::lock_resource)]
    pub resource: String,
    /// How long the lease lasts unless renewed, in seconds; 120 when left out.
    #[serde(default, deserialize_with = "crate::http::whole_number::optional_u64")]
    #[schema(example = 120, minimum = 1, maximum = 3600)]
    pub ttl_seconds: Option<u64>,
}

/// A renewal: a new lease from now.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RenewRequest {
    /// The new lease, in seconds; 120 when left out.
    #[serde(default, deserialize_with = "crate::http::whole_number::optional_u64")]
    #[schema(minimum = 1, maximum = 3600)]
    pub ttl_seconds: Option<u64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResourceQuery {
    pub resource: String,
}

// why: by hand, since utoipa's derive leaves out `required` for a parameter whose
// schema comes from a function (the resource's pattern is the domain's).
impl IntoParams for ResourceQuery {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        vec![ParameterBuilder::new()
            .name("resource")
            .parameter_in(ParameterIn::Query)
            .required(Required::True)
            .schema(Some(crate::http::text_fields::lock_resource()))
            .build()]
    }
}

/// A record lock: who holds it, since when, until when.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LockBody {
    /// The lock's secret, shown to its holder only: send it as `Lock-Token` with each
    /// change, and to renew or release the lock.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<Uuid>,
    #[schema(example = "notes/0193b2a4-5c1e-7d3f-9a40-1f2e3d4c5b6a")]
    pub resource: String,
    /// Larger for every new holder of this record's lock.
    pub fencing_token: i64,
    pub holder: LockHolderBody,
    pub acquired_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// The latest the lock can be held: renewals stop extending it here (the server's
    /// `lock_max_hold_secs` after it was taken, unless an admin extended it).
    pub hold_until: DateTime<Utc>,
}

impl LockBody {
    /// The lock as `viewer` may see it: with its token only for the holding session.
    pub fn seen_by(lock: &RecordLock, viewer: SessionId) -> Self {
        Self {
            token: (lock.holder.session_id == viewer).then(|| lock.token.as_uuid()),
            resource: lock.resource.to_string(),
            fencing_token: lock.fencing.get(),
            holder: LockHolderBody::from(&lock.holder),
            acquired_at: lock.acquired_at,
            expires_at: lock.expires_at,
            hold_until: lock.hold_until,
        }
    }
}

/// The record's lock as a record's `GET` shows it to `viewer`.
pub fn shown_to(lock: Option<RecordLock>, viewer: SessionId) -> Option<LockBody> {
    lock.map(|lock| LockBody::seen_by(&lock, viewer))
}

/// Whether a record is locked, and by whom.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LockStatus {
    pub resource: String,
    /// The live lock, or `null` when nobody holds one.
    pub lock: Option<LockBody>,
}
