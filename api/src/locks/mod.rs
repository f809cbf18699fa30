//! Record locks: `/api/v1/locks` (anyone who may change the record); admins break them
//! at `/api/v1/admin/locks` and let them be held longer at `/api/v1/admin/locks/extension`,
//! mounted in the admin scope by `routes`.

mod acquire;
mod break_one;
pub mod dto;
mod hold_extension;
mod release;
mod renew;
mod status;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(config: &mut ServiceConfig) {
    config.service(
        utoipa_actix_web::scope("/locks")
            .service(acquire::acquire_lock)
            .service(status::lock_status)
            .service(renew::renew_lock)
            .service(release::release_lock),
    );
}

pub(crate) use break_one::break_lock;
pub(crate) use hold_extension::extend_hold;
