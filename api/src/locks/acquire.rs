use actix_web::http::header::LOCATION;
use actix_web::{post, web, HttpResponse};
use domain::locks::Locks;

use super::dto::{parse_resource, LockBody, LockRequest};
use crate::error::{ApiError, Problem};
use crate::http::Caller;
use crate::middleware::carrying_credentials;

/// Lock a record for editing; locking needs the right to change the record. The caller's
/// own session gets its lock back, renewed. A lock is held at most `holdUntil`, however
/// often it is renewed.
#[utoipa::path(
    tag = "locks",
    security(("bearer" = [])),
    request_body = LockRequest,
    responses(
        (status = 201, description = "Locked; send the token as `Lock-Token` with each change", body = LockBody, headers(("Location" = String))),
        (status = 403, description = "The role may not change this kind of record", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such record, or one the caller may not see (another clinician's draft note)", body = Problem, content_type = "application/problem+json"),
        (status = 423, description = "Another session holds the lock (`locked`); the problem names the holder and since when", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The lock store is unreachable; nothing was locked", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("")]
pub async fn acquire_lock(
    caller: Caller,
    body: web::Json<LockRequest>,
    locks: web::Data<Locks>,
) -> Result<HttpResponse, ApiError> {
    let resource = parse_resource(&body.resource)?;
    let lock = locks
        .acquire(&caller.principal, &caller.audit, resource, body.ttl_seconds)
        .await?;
    Ok(carrying_credentials(
        HttpResponse::Created()
            .insert_header((LOCATION, format!("/api/v1/locks/{}", lock.token)))
            .json(LockBody::seen_by(&lock, caller.principal.session_id)),
    ))
}
