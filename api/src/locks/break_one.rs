use actix_web::{delete, web, HttpResponse};
use domain::locks::Locks;

use super::dto::{parse_resource, LockBody, LockStatus, ResourceQuery};
use crate::error::{ApiError, Problem};
use crate::http::Caller;

/// Break whatever lock a record has (admins): for a record left locked by someone who
/// is away. Audited; the answer names the lock it ended.
#[utoipa::path(
    tag = "locks",
    security(("bearer" = [])),
    params(ResourceQuery),
    responses(
        (status = 200, description = "The lock that was ended, or `null` when there was none", body = LockStatus),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The lock store is unreachable", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[delete("/locks")]
pub async fn break_lock(
    caller: Caller,
    query: web::Query<ResourceQuery>,
    locks: web::Data<Locks>,
) -> Result<HttpResponse, ApiError> {
    let resource = parse_resource(&query.resource)?;
    let broken = locks
        .break_lock(&caller.principal, &caller.audit, resource)
        .await?;
    Ok(HttpResponse::Ok().json(LockStatus {
        resource: resource.to_string(),
        lock: broken.map(|lock| LockBody::seen_by(&lock, caller.principal.session_id)),
    }))
}
