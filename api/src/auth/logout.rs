use actix_web::{post, web, HttpResponse};
use domain::auth::AuthService;

use crate::error::{ApiError, Problem};
use crate::http::Caller;

/// End the current session, on every node at once.
#[utoipa::path(
    tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Signed out"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/logout")]
pub async fn logout(
    caller: Caller,
    auth: web::Data<AuthService>,
) -> Result<HttpResponse, ApiError> {
    auth.logout(&caller.principal, &caller.audit).await?;
    Ok(HttpResponse::NoContent().finish())
}
