//! The clinical chart's lists, under `/api/v1/patients/{id}/...` and their own paths,
//! and the chart summary.

mod entries;
pub(crate) mod problems;
mod summary;

use utoipa_actix_web::service_config::ServiceConfig;

/// Registered before the `/patients` scope, so that its nested paths reach these routes.
pub fn configure(config: &mut ServiceConfig) {
    problems::configure(config);
    entries::configure(config);
    config.service(summary::chart_summary);
}
