use actix_web::{post, web, HttpResponse};
use domain::locks::Locks;
use serde::Deserialize;
use utoipa::ToSchema;

use super::dto::{parse_resource, LockBody};
use crate::error::{ApiError, Problem};
use crate::http::Caller;

/// How much longer a record's lock may be held.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct HoldExtension {
    #[schema(schema_with = crate::http::text_fields::lock_resource)]
    pub resource: String,
    /// Seconds added to the lock's `holdUntil`, at most a week.
    #[serde(deserialize_with = "crate::http::whole_number::u64")]
    #[schema(example = 3600, minimum = 1, maximum = 604800)]
    pub extra_seconds: u64,
}

/// Let a record's lock be held longer (admins): for a clinician whose work on a record
/// runs past the longest hold (`lock_max_hold_secs`). Their renewals then go on until
/// the new `holdUntil`. Audited.
#[utoipa::path(
    tag = "locks",
    security(("bearer" = [])),
    request_body = HoldExtension,
    responses(
        (status = 200, description = "The lock as it now is", body = LockBody),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such record, or no live lock on it", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The lock store is unreachable", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/locks/extension")]
pub async fn extend_hold(
    caller: Caller,
    body: web::Json<HoldExtension>,
    locks: web::Data<Locks>,
) -> Result<HttpResponse, ApiError> {
    let resource = parse_resource(&body.resource)?;
    let lock = locks
        .extend_hold(
            &caller.principal,
            &caller.audit,
            resource,
            body.extra_seconds,
        )
        .await?;
    Ok(HttpResponse::Ok().json(LockBody::seen_by(&lock, caller.principal.session_id)))
}
