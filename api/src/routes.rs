//! The routes of the contract: each area registers its own, here they are only mounted.

use utoipa_actix_web::service_config::ServiceConfig;

use crate::{audit, auth, chart, documents, health, jobs, locks, notes, patients, schedule, users};

pub fn contract(config: &mut ServiceConfig) {
    health::configure(config);
    config.service(
        utoipa_actix_web::scope("/api/v1")
            .configure(auth::configure)
            .configure(users::configure)
            // why: before `patients`, whose `/patients` scope would otherwise take
            // `/patients/{id}/notes` and answer 404.
            .configure(notes::configure)
            .configure(chart::configure)
            .configure(documents::configure)
            .configure(patients::configure)
            .configure(schedule::configure)
            .configure(locks::configure)
            // why: one `/admin` scope: a second scope of the same prefix would never be
            // reached, since actix stops at the first scope whose prefix matches.
            .service(
                utoipa_actix_web::scope("/admin")
                    .service(locks::break_lock)
                    .service(locks::extend_hold)
                    .service(jobs::list_jobs)
                    .service(jobs::list_runs)
                    .service(jobs::run_now)
                    .service(jobs::list_nodes)
                    .service(jobs::list_notifications),
            )
            .configure(audit::configure),
    );
}
