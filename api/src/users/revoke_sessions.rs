use actix_web::{delete, web, HttpResponse};
use domain::audit::AuditContext;
use domain::auth::{AuthService, UserId};

use crate::auth::{Authorized, ManageUsers};
use crate::error::{ApiError, Problem};
use crate::http::Origin;

/// End every session of a user, on every node.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The user's id")),
    responses(
        (status = 204, description = "All the user's sessions ended"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such user", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[delete("/{id}/sessions")]
pub async fn revoke_user_sessions(
    caller: Authorized<ManageUsers>,
    Origin(origin): Origin,
    id: web::Path<UserId>,
    auth: web::Data<AuthService>,
) -> Result<HttpResponse, ApiError> {
    auth.revoke_all_sessions(
        &caller.principal,
        &AuditContext::of(&caller.principal, origin),
        id.into_inner(),
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
