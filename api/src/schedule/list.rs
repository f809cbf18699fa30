use actix_web::{get, web};
use domain::schedule::Schedule;
use domain::PageRequest;

use super::dto::{AppointmentBody, AppointmentQuery};
use crate::error::{ApiError, Problem};
use crate::http::{Caller, Cursor, PageBody};

/// Appointments by start time, filtered by provider, patient and a time window.
#[utoipa::path(
    tag = "schedule",
    security(("bearer" = [])),
    params(AppointmentQuery),
    responses(
        (status = 200, description = "A page of appointments", body = PageBody<AppointmentBody>),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not see the schedule", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("")]
pub async fn list_appointments(
    caller: Caller,
    query: web::Query<AppointmentQuery>,
    schedule: web::Data<Schedule>,
) -> Result<web::Json<PageBody<AppointmentBody>>, ApiError> {
    let page = PageRequest::new(
        query.limit,
        query.cursor.as_deref().map(Cursor::decode).transpose()?,
    )?;
    let found = schedule
        .list(&caller.principal, &caller.audit, query.filter(), page)
        .await?;
    Ok(web::Json(PageBody::from_page(found, AppointmentBody::from)))
}
