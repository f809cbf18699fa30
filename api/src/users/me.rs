use actix_web::http::StatusCode;
use actix_web::{get, put, web, HttpResponse};
use domain::auth::{Accounts, Password};
use domain::DomainError;

use super::dto::{user_response, ChangePasswordRequest, UserBody};
use crate::auth::Authenticated;
use crate::error::{ApiError, Problem};
use crate::http::Caller;

/// The signed-in user's own account.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The caller's account", body = UserBody, headers(("ETag" = String))),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("")]
pub async fn get_me(
    Authenticated(principal): Authenticated,
    accounts: web::Data<Accounts>,
) -> Result<HttpResponse, ApiError> {
    let user = accounts.me(&principal).await?;
    Ok(user_response(StatusCode::OK, user))
}

/// Change one's own password; every other session of the caller ends.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    request_body = ChangePasswordRequest,
    responses(
        (status = 204, description = "Changed"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Wrong current password, or a new one that breaks the policy",
         body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many attempts at the current password; see Retry-After",
         body = Problem, content_type = "application/problem+json"),
    ),
)]
#[put("/password")]
pub async fn change_password(
    caller: Caller,
    body: web::Json<ChangePasswordRequest>,
    accounts: web::Data<Accounts>,
) -> Result<HttpResponse, ApiError> {
    let ChangePasswordRequest {
        current_password,
        new_password,
    } = body.into_inner();
    let new_password = Password::parse(new_password)
        .map_err(|message| DomainError::invalid("newPassword", message))?;
    accounts
        .change_password(
            &caller.principal,
            &caller.audit,
            Password::presented(current_password),
            new_password,
        )
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
