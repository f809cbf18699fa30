//! Clinical notes: `/api/v1/patients/{id}/notes` and `/api/v1/notes/...` (clinicians).

mod amend;
mod dto;
mod get;
mod list;
mod revise;
mod sign;
mod write;

use utoipa_actix_web::service_config::ServiceConfig;

/// Registered before the `/patients` scope, so that its nested paths reach these routes.
pub fn configure(config: &mut ServiceConfig) {
    config
        .service(write::write_note)
        .service(list::list_notes)
        .service(
            utoipa_actix_web::scope("/notes")
                .service(get::get_note)
                .service(revise::revise_note)
                .service(sign::sign_note)
                .service(amend::add_addendum),
        );
}
