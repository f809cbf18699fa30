//! `/api/v1/auth`: login, refresh, logout, and the caller's sessions. Also the
//! extractors every protected endpoint declares its needs with.

mod dto;
mod extractor;
mod login;
mod logout;
mod refresh;
mod sessions;

use utoipa_actix_web::service_config::ServiceConfig;

pub use dto::SessionBody;
pub use extractor::{bearer_token, Authenticated, Authorized, ManageUsers};

pub fn configure(config: &mut ServiceConfig) {
    config.service(
        utoipa_actix_web::scope("/auth")
            .service(login::login)
            .service(refresh::refresh)
            .service(logout::logout)
            .service(sessions::list_sessions)
            .service(sessions::revoke_session),
    );
}
