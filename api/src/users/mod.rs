//! `/api/v1/users` (admins) and `/api/v1/me` (everyone, about themselves).

mod create;
mod dto;
mod get;
mod list;
mod me;
mod revoke_sessions;
mod update;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(config: &mut ServiceConfig) {
    config
        .service(
            utoipa_actix_web::scope("/users")
                .service(list::list_users)
                .service(create::create_user)
                .service(get::get_user)
                .service(update::update_user)
                .service(revoke_sessions::revoke_user_sessions),
        )
        .service(
            utoipa_actix_web::scope("/me")
                .service(me::get_me)
                .service(me::change_password),
        );
}
