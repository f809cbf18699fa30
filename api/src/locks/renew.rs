use actix_web::{put, web, HttpResponse};
use domain::locks::{LockToken, Locks};

use super::dto::{LockBody, RenewRequest};
use crate::error::{ApiError, Problem};
use crate::http::Caller;

/// The renewal a body asks for: none (an empty body) takes the default lease; anything
/// else must be a valid `RenewRequest`, never silently ignored.
fn renewal(body: &[u8]) -> Result<RenewRequest, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(RenewRequest::default());
    }
    // why: the contract's body may be `null`, which, like no body, asks for the default.
    let renewal: Option<RenewRequest> =
        serde_json::from_slice(body).map_err(|error| match error.classify() {
            serde_json::error::Category::Data => ApiError::UnprocessableBody(error.to_string()),
            _ => ApiError::MalformedJson {
                line: error.line(),
                column: error.column(),
            },
        })?;
    Ok(renewal.unwrap_or_default())
}

/// Renew a lock: a new lease from now, same token and fencing number, but never past the
/// lock's `holdUntil`; once that has passed the lock is gone (`423 lock_lost`).
#[utoipa::path(
    tag = "locks",
    security(("bearer" = [])),
    params(("token" = Uuid, Path, description = "The lock's token")),
    request_body(content = Option<RenewRequest>, description = "The new lease; 120 s when left out"),
    responses(
        (status = 200, description = "Renewed", body = LockBody),
        (status = 403, description = "Another session holds this lock", body = Problem, content_type = "application/problem+json"),
        (status = 423, description = "The lock expired or passed to another (`lock_lost`)", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The lock store is unreachable", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[put("/{token}")]
pub async fn renew_lock(
    caller: Caller,
    token: web::Path<LockToken>,
    body: web::Bytes,
    locks: web::Data<Locks>,
) -> Result<HttpResponse, ApiError> {
    let ttl = renewal(&body)?.ttl_seconds;
    let lock = locks
        .renew(&caller.principal, token.into_inner(), ttl)
        .await?;
    Ok(HttpResponse::Ok().json(LockBody::seen_by(&lock, caller.principal.session_id)))
}
