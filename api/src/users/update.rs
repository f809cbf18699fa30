use actix_web::http::StatusCode;
use actix_web::{patch, web, HttpResponse};
use domain::audit::AuditContext;
use domain::auth::{Accounts, UserId};

use super::dto::{user_response, UpdateUserRequest, UserBody};

use crate::auth::{Authorized, ManageUsers};
use crate::error::{ApiError, Problem};
use crate::http::IfMatch;
use crate::http::Origin;

/// Change a user account at the version named in `If-Match`. Deactivating it or
/// changing its roles ends all its sessions.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "The user's id"),
        ("If-Match" = String, Header, description = "The ETag the change is based on", pattern = "^\"[1-9][0-9]{0,17}\"$"),
    ),
    request_body = UpdateUserRequest,
    responses(
        (status = 200, description = "Changed", body = UserBody, headers(("ETag" = String))),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such user", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A change of the caller's own roles or activation (`own_admin_rights`): another administrator must make it", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Changed since; `currentVersion` says to what", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is missing", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[patch("/{id}")]
pub async fn update_user(
    caller: Authorized<ManageUsers>,
    Origin(origin): Origin,
    id: web::Path<UserId>,
    IfMatch(version): IfMatch,
    body: web::Json<UpdateUserRequest>,
    accounts: web::Data<Accounts>,
) -> Result<HttpResponse, ApiError> {
    let changes = body.into_inner().parse()?;
    let user = accounts
        .update(
            &caller.principal,
            &AuditContext::of(&caller.principal, origin),
            id.into_inner(),
            version,
            changes,
        )
        .await?;
    Ok(user_response(StatusCode::OK, user))
}
