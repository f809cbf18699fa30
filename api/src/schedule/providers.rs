use actix_web::{get, web};
use domain::schedule::Schedule;

use super::dto::ProviderBody;
use crate::auth::Authenticated;
use crate::error::{ApiError, Problem};

/// Active clinicians, by name, with their specialty.
#[utoipa::path(
    tag = "schedule",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Providers", body = Vec<ProviderBody>),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not see the schedule", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("")]
pub async fn list_providers(
    Authenticated(principal): Authenticated,
    schedule: web::Data<Schedule>,
) -> Result<web::Json<Vec<ProviderBody>>, ApiError> {
    let providers = schedule.providers(&principal).await?;
    Ok(web::Json(
        providers
            .into_iter()
            .map(|user| ProviderBody {
                id: user.id.as_uuid(),
                display_name: user.display_name.as_str().to_owned(),
                specialty: user.specialty.map(|s| s.as_str().to_owned()),
            })
            .collect(),
    ))
}
