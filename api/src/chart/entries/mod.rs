//! The allergy, medication, vitals and immunization lists.

pub(crate) mod allergies;
pub(crate) mod common;
pub(crate) mod immunizations;
pub(crate) mod medications;
pub(crate) mod no_known_allergies;
pub(crate) mod vitals;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(config: &mut ServiceConfig) {
    config
        // why: before `/patients/{id}/allergies`'s neighbours, so that `none` is not
        // taken for anything else.
        .service(no_known_allergies::state_no_known_allergies)
        .service(no_known_allergies::get_no_known_allergies)
        .service(allergies::record_allergy)
        .service(allergies::list_allergies)
        .service(allergies::get_allergy)
        .service(allergies::revise_allergy)
        .service(medications::record_medication)
        .service(medications::list_medications)
        .service(medications::get_medication)
        .service(medications::revise_medication)
        .service(vitals::record_vitals)
        .service(vitals::list_vitals)
        .service(vitals::get_vitals)
        .service(vitals::revise_vitals)
        .service(immunizations::record_immunization)
        .service(immunizations::list_immunizations)
        .service(immunizations::get_immunization)
        .service(immunizations::revise_immunization);
}
