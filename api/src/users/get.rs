use actix_web::http::StatusCode;
use actix_web::{get, web, HttpResponse};
use domain::auth::{Accounts, UserId};

use super::dto::{user_response, UserBody};
use crate::auth::{Authorized, ManageUsers};
use crate::error::{ApiError, Problem};

/// One user account, with its `ETag`.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The user's id")),
    responses(
        (status = 200, description = "The user", body = UserBody, headers(("ETag" = String))),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such user", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/{id}")]
pub async fn get_user(
    caller: Authorized<ManageUsers>,
    id: web::Path<UserId>,
    accounts: web::Data<Accounts>,
) -> Result<HttpResponse, ApiError> {
    let user = accounts.get(&caller.principal, id.into_inner()).await?;
    Ok(user_response(StatusCode::OK, user))
}
