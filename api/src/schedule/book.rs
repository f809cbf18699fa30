use actix_web::http::StatusCode;
use actix_web::{post, web, HttpResponse};
use domain::schedule::Schedule;

use super::dto::{appointment_response, AppointmentBody, BookingInput};
use crate::error::{ApiError, Problem};
use crate::http::Caller;

/// Book an appointment. Two overlapping bookings for one provider never both succeed,
/// on any number of nodes: the loser gets 409 `appointment_conflict` naming the winner.
#[utoipa::path(
    tag = "schedule",
    security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retry return the first answer instead of booking twice")),
    request_body = BookingInput,
    responses(
        (status = 201, description = "Booked", body = AppointmentBody, headers(("ETag" = String), ("Location" = String))),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not book", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The provider is booked then (`appointment_conflict`, with `conflictingAppointmentId`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, an unknown patient or a provider who is not a clinician", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("")]
pub async fn book_appointment(
    caller: Caller,
    body: web::Json<BookingInput>,
    schedule: web::Data<Schedule>,
) -> Result<HttpResponse, ApiError> {
    let booking = body.into_inner().parse()?;
    let appointment = schedule
        .book(&caller.principal, &caller.audit, booking)
        .await?;
    Ok(appointment_response(StatusCode::CREATED, appointment))
}
