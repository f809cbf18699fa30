//! `/api/v1/patients`: registering, finding, changing and archiving patients.

mod archive;
mod create;
pub(crate) mod dto;
mod get;
mod search;
mod update;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(config: &mut ServiceConfig) {
    config.service(
        utoipa_actix_web::scope("/patients")
            .service(search::search_patients)
            .service(create::create_patient)
            .service(get::get_patient)
            .service(update::update_patient)
            .service(archive::archive_patient_record)
            .service(archive::archive_patient),
    );
}
