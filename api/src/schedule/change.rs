use actix_web::http::StatusCode;
use actix_web::{patch, web, HttpResponse};
use domain::schedule::{AppointmentId, Schedule};

use super::dto::{appointment_response, AppointmentBody, AppointmentPatch};
use crate::error::{ApiError, Problem};
use crate::http::{Caller, IfMatch, PresentedLock};

/// Reschedule an appointment or move its status along, at the version in `If-Match`.
#[utoipa::path(
    tag = "schedule",
    security(("bearer" = [])),
    params(
        ("Lock-Token" = Option<uuid::Uuid>, Header, description = "The caller's lock on the record, for a write under a lock (`POST /api/v1/locks`)"),
        ("id" = Uuid, Path, description = "The appointment's id"),
        ("If-Match" = String, Header, description = "The ETag the change is based on", pattern = "^\"[1-9][0-9]{0,17}\"$"),
    ),
    request_body = AppointmentPatch,
    responses(
        (status = 200, description = "Changed", body = AppointmentBody, headers(("ETag" = String))),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not change appointments", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such appointment", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A transition the life of an appointment does not allow (`invalid_transition`), or the new time is taken (`appointment_conflict`)", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Changed since", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is missing", body = Problem, content_type = "application/problem+json"),
        (status = 423, description = "Another session holds the record's lock (`locked`, naming the holder), or the caller's lock expired or passed to another (`lock_lost`); nothing was written", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[patch("/{id}")]
pub async fn change_appointment(
    caller: Caller,
    id: web::Path<AppointmentId>,
    IfMatch(version): IfMatch,
    PresentedLock(lock): PresentedLock,
    body: web::Json<AppointmentPatch>,
    schedule: web::Data<Schedule>,
) -> Result<HttpResponse, ApiError> {
    let changes = body.into_inner().parse()?;
    let appointment = schedule
        .change(
            &caller.principal,
            &caller.audit,
            id.into_inner(),
            version,
            lock,
            changes,
        )
        .await?;
    Ok(appointment_response(StatusCode::OK, appointment))
}
