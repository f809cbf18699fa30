//! The problem list: `/api/v1/patients/{id}/problems` and `/api/v1/problems/{id}`.

pub(crate) mod dto;
mod get;
mod list;
mod record;
mod revise;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(config: &mut ServiceConfig) {
    config
        .service(record::record_problem)
        .service(list::list_problems)
        .service(
            utoipa_actix_web::scope("/problems")
                .service(get::get_problem)
                .service(revise::revise_problem),
        );
}
