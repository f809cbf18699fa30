use actix_web::{post, web, HttpResponse};
use domain::auth::{AuthService, Password};

use super::dto::{LoginRequest, TokenPairBody};
use crate::error::{ApiError, Problem};
use crate::http::Origin;
use crate::middleware::carrying_credentials;

/// Sign in with a username and password; opens a session any node accepts.
#[utoipa::path(
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in", body = TokenPairBody),
        (status = 401, description = "Unknown user, wrong password or inactive account (one answer for all)",
         body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failed attempts; see Retry-After",
         body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/login")]
pub async fn login(
    Origin(origin): Origin,
    body: web::Json<LoginRequest>,
    auth: web::Data<AuthService>,
) -> Result<HttpResponse, ApiError> {
    let LoginRequest { username, password } = body.into_inner();
    let pair = auth
        .login(&username, Password::presented(password), origin)
        .await?;
    Ok(carrying_credentials(
        HttpResponse::Ok().json(TokenPairBody::from(pair)),
    ))
}
