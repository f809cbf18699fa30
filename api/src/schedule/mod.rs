//! `/api/v1/schedule/providers` (and the retired `/api/v1/providers`) and `/api/v1/appointments`: booking without double-booking.

mod book;
mod change;
pub(crate) mod dto;
mod get;
mod list;
mod providers;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(config: &mut ServiceConfig) {
    config
        .service(utoipa_actix_web::scope("/providers").service(providers::list_providers))
        .service(utoipa_actix_web::scope("/schedule").service(providers::list_schedule_providers))
        .service(
            utoipa_actix_web::scope("/appointments")
                .service(list::list_appointments)
                .service(book::book_appointment)
                .service(get::get_appointment)
                .service(change::change_appointment),
        );
}
