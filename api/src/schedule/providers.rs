use actix_web::{get, web, HttpResponse};
use domain::auth::User;
use domain::schedule::Schedule;

use super::dto::ProviderBody;
use crate::auth::Authenticated;
use crate::error::{ApiError, Problem};
use crate::http::{PageBody, Retirement};

/// Active clinicians, by name, with their specialty: every one on one page (a practice
/// has tens, not thousands), so `nextCursor` is `null`.
#[utoipa::path(
    tag = "schedule",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Providers", body = PageBody<ProviderBody>),
        (status = 403, description = "The role may not see the schedule", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/providers")]
pub async fn list_schedule_providers(
    Authenticated(principal): Authenticated,
    schedule: web::Data<Schedule>,
) -> Result<web::Json<PageBody<ProviderBody>>, ApiError> {
    let providers = schedule.providers(&principal).await?;
    Ok(web::Json(PageBody {
        items: providers.into_iter().map(provider_body).collect(),
        next_cursor: None,
    }))
}

/// Deprecated on 2026-12-07, with its sunset six months on.
const RETIREMENT: Retirement = Retirement {
    since: "@1796601600",
    sunset: "Mon, 07 Jun 2027 00:00:00 GMT",
};

/// Active clinicians as a bare array (retired: use `GET /api/v1/schedule/providers`,
/// which answers a list as every other list is answered, `{items, nextCursor}`).
#[utoipa::path(
    tag = "schedule",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Providers", body = Vec<ProviderBody>, headers(
            ("Deprecation" = String, description = "RFC 9745: since when the operation is deprecated"),
            ("Sunset" = String, description = "RFC 8594: after when it may be removed"),
            ("Link" = String, description = "The successor operation (`rel=\"successor-version\"`)"),
        )),
        (status = 403, description = "The role may not see the schedule", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("")]
pub async fn list_providers(
    Authenticated(principal): Authenticated,
    schedule: web::Data<Schedule>,
) -> Result<HttpResponse, ApiError> {
    let providers = schedule.providers(&principal).await?;
    let mut response =
        HttpResponse::Ok().json(providers.into_iter().map(provider_body).collect::<Vec<_>>());
    RETIREMENT.mark(response.headers_mut(), "/api/v1/schedule/providers");
    Ok(response)
}

fn provider_body(user: User) -> ProviderBody {
    ProviderBody {
        id: user.id.as_uuid(),
        display_name: user.display_name.as_str().to_owned(),
        specialty: user.specialty.map(|s| s.as_str().to_owned()),
    }
}
