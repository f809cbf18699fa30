use actix_web::{get, web, HttpResponse};
use domain::locks::{LockGate, LockedResource};
use domain::schedule::{AppointmentId, Schedule};

use super::dto::AppointmentBody;
use crate::error::{ApiError, Problem};
use crate::http::{versioned_ok, Caller};
use crate::locks::dto::shown_to;

/// One appointment, with its `ETag`.
#[utoipa::path(
    tag = "schedule",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The appointment's id")),
    responses(
        (status = 200, description = "The appointment", body = AppointmentBody, headers(("ETag" = String))),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not see the schedule", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such appointment", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/{id}")]
pub async fn get_appointment(
    caller: Caller,
    id: web::Path<AppointmentId>,
    schedule: web::Data<Schedule>,
    locks: web::Data<LockGate>,
) -> Result<HttpResponse, ApiError> {
    let appointment = schedule
        .get(&caller.principal, &caller.audit, id.into_inner())
        .await?;
    let lock = locks
        .shown_holder(LockedResource::Appointment(appointment.id))
        .await?;
    let version = appointment.version;
    let mut body = AppointmentBody::from(appointment);
    body.lock = shown_to(lock, caller.principal.session_id);
    Ok(versioned_ok(version, body))
}
