use actix_web::{post, web, HttpResponse};
use domain::auth::AuthService;

use super::dto::{RefreshRequest, TokenPairBody};
use crate::error::{ApiError, Problem};
use crate::middleware::carrying_credentials;

/// Trade a refresh token for a new pair. Each refresh token works once: presenting a
/// spent one ends the whole session, except a repeat within seconds, which gets the
/// same pair again.
#[utoipa::path(
    tag = "auth",
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "A new pair", body = TokenPairBody),
        (status = 401, description = "Unknown, spent or expired refresh token",
         body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/refresh")]
pub async fn refresh(
    body: web::Json<RefreshRequest>,
    auth: web::Data<AuthService>,
) -> Result<HttpResponse, ApiError> {
    let pair = auth.refresh(&body.refresh_token).await?;
    Ok(carrying_credentials(
        HttpResponse::Ok().json(TokenPairBody::from(pair)),
    ))
}
