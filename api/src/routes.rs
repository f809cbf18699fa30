//! The routes of the contract: each area registers its own, here they are only mounted.

use utoipa_actix_web::service_config::ServiceConfig;

use crate::health;

pub fn contract(config: &mut ServiceConfig) {
    health::configure(config);
}
