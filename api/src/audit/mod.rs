//! `/api/v1/audit`: the trail of who read or changed patient data (admins).

mod list;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(config: &mut ServiceConfig) {
    config.service(utoipa_actix_web::scope("/audit").service(list::list_audit_events));
}
