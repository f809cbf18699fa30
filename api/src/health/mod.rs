//! `/health/live` and `/health/ready`, for load balancers and orchestrators.

mod live;
mod ready;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(config: &mut ServiceConfig) {
    config.service(live::live).service(ready::ready);
}
