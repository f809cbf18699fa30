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

/// Change one's own password; every other session of the caller ends. An access token
/// issued while the password had to be changed stays restricted: the answer then says
/// `Practica-Refresh-Required: true`, and `POST /api/v1/auth/refresh` gives a token that
/// is not.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    request_body = ChangePasswordRequest,
    responses(
        (status = 204, description = "Changed", headers(
            ("Practica-Refresh-Required" = String, description = "`true` when the access token in hand is still restricted to changing the password: refresh it"),
        )),
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
    let mut answer = HttpResponse::NoContent();
    if caller.principal.password_change_required {
        answer.insert_header(("Practica-Refresh-Required", "true"));
    }
    Ok(answer.finish())
}
