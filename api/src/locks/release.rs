use actix_web::{delete, web, HttpResponse};
use domain::locks::{LockToken, Locks};

use crate::error::{ApiError, Problem};
use crate::http::Caller;

/// Release a lock (its holding session only).
#[utoipa::path(
    tag = "locks",
    security(("bearer" = [])),
    params(("token" = Uuid, Path, description = "The lock's token")),
    responses(
        (status = 204, description = "Released"),
        (status = 403, description = "Another session holds this lock; it stays", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No live lock has this token", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The lock store is unreachable", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[delete("/{token}")]
pub async fn release_lock(
    caller: Caller,
    token: web::Path<LockToken>,
    locks: web::Data<Locks>,
) -> Result<HttpResponse, ApiError> {
    locks
        .release(&caller.principal, &caller.audit, token.into_inner())
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
