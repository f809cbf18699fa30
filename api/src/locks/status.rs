use actix_web::{get, web, HttpResponse};
use domain::locks::Locks;

use super::dto::{parse_resource, LockBody, LockStatus, ResourceQuery};
use crate::error::{ApiError, Problem};
use crate::http::Caller;

/// Who holds a record's lock, if anyone (the token only to its holder). Audited
/// (`read_lock`): it tells who works on whose chart.
#[utoipa::path(
    tag = "locks",
    security(("bearer" = [])),
    params(ResourceQuery),
    responses(
        (status = 200, description = "The record's lock, or `null`", body = LockStatus),
        (status = 403, description = "The role may not read this kind of record", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such record (or one the caller may not see, such as another clinician's draft note)", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The lock store is unreachable", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("")]
pub async fn lock_status(
    caller: Caller,
    query: web::Query<ResourceQuery>,
    locks: web::Data<Locks>,
) -> Result<HttpResponse, ApiError> {
    let resource = parse_resource(&query.resource)?;
    let lock = locks
        .holder(&caller.principal, &caller.audit, resource)
        .await?;
    Ok(HttpResponse::Ok().json(LockStatus {
        resource: resource.to_string(),
        lock: lock.map(|lock| LockBody::seen_by(&lock, caller.principal.session_id)),
    }))
}
