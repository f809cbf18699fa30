//! Record locks: `/api/v1/locks` (anyone who may change the record) and
//! `/api/v1/admin/locks` (admins break them).

mod acquire;
mod break_lock;
pub mod dto;
mod release;
mod renew;
mod status;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(config: &mut ServiceConfig) {
    config
        .service(
            utoipa_actix_web::scope("/locks")
                .service(acquire::acquire_lock)
                .service(status::lock_status)
                .service(renew::renew_lock)
                .service(release::release_lock),
        )
        .service(utoipa_actix_web::scope("/admin").service(break_lock::break_lock));
}
