use actix_web::http::StatusCode;
use actix_web::{post, web, HttpResponse};
use domain::audit::AuditContext;
use domain::auth::Accounts;

use super::dto::{user_response, CreateUserRequest, UserBody};

use crate::auth::{Authorized, ManageUsers};
use crate::error::{ApiError, Problem};
use crate::http::Origin;

/// Create a user account.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    request_body = CreateUserRequest,
    responses(
        (status = 201, description = "Created", body = UserBody,
         headers(("ETag" = String, description = "The version"), ("Location" = String))),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The username is taken (`username_taken`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, listed in `errors`", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("")]
pub async fn create_user(
    caller: Authorized<ManageUsers>,
    Origin(origin): Origin,
    body: web::Json<CreateUserRequest>,
    accounts: web::Data<Accounts>,
) -> Result<HttpResponse, ApiError> {
    let (user, password) = body.into_inner().parse()?;
    let created = accounts
        .create(
            &caller.principal,
            &AuditContext::of(&caller.principal, origin),
            user,
            password,
        )
        .await?;
    Ok(user_response(StatusCode::CREATED, created))
}
