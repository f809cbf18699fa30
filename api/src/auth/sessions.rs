use actix_web::{delete, get, web, HttpResponse};
use domain::auth::{AuthService, SessionId};

use super::{Authenticated, SessionBody};
use crate::error::{ApiError, Problem};
use crate::http::Caller;

/// The caller's live sessions, oldest first.
#[utoipa::path(
    tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Live sessions", body = Vec<SessionBody>),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/sessions")]
pub async fn list_sessions(
    Authenticated(principal): Authenticated,
    auth: web::Data<AuthService>,
) -> Result<web::Json<Vec<SessionBody>>, ApiError> {
    let sessions = auth.sessions_of(&principal).await?;
    let bodies = sessions
        .into_iter()
        .map(|session| {
            let current = session.id == principal.session_id;
            SessionBody::new(session, current)
        })
        .collect();
    Ok(web::Json(bodies))
}

/// End one session: one of the caller's own, or (admin) anyone's.
#[utoipa::path(
    tag = "auth",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The session's id")),
    responses(
        (status = 204, description = "Ended"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such session of the caller's", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[delete("/sessions/{id}")]
pub async fn revoke_session(
    caller: Caller,
    id: web::Path<SessionId>,
    auth: web::Data<AuthService>,
) -> Result<HttpResponse, ApiError> {
    auth.revoke_session(&caller.principal, &caller.audit, id.into_inner())
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
