//! The services the handlers reach, built once on the chosen backends.

use std::sync::Arc;

use actix_web::web;
use domain::audit::AuditTrail;
use domain::auth::{Accounts, AuthService};
use domain::chart::entries::ChartEntries;
use domain::chart::problems::Problems;
use domain::chart::summary::ChartSummaries;
use domain::documents::{Documents, FileStore, UploadPolicy};
use domain::health::Readiness;
use domain::jobs::Jobs;
use domain::locks::{LockGate, LockManager, LockPolicy, Locks};
use domain::notes::Notes;
use domain::patients::Patients;
use domain::schedule::Schedule;
use persistence::audit::SqlAuditLog;
use persistence::auth::SqlUserRepository;
use persistence::chart::{
    SqlChartEntryRepository, SqlChartSummaryRepository, SqlProblemRepository,
};
use persistence::documents::SqlDocumentRepository;
use persistence::idempotency::SqlIdempotencyStore;
use persistence::jobs::{SqlJobRuns, SqlNodeRegistry};
use persistence::locks::SqlLockableRecords;
use persistence::notes::SqlNoteRepository;
use persistence::notifications::SqlOutbox;
use persistence::patients::SqlPatientRepository;
use persistence::schedule::SqlAppointmentRepository;
use persistence::Database;

use crate::http::NodeId;
use crate::metrics::Metrics;
use crate::middleware as mw;
use crate::settings::Settings;

/// The backends the EMR services stand on, chosen by the settings.
pub(super) struct Backends<'a> {
    pub(super) database: &'a Database,
    pub(super) files: Arc<dyn FileStore>,
    pub(super) locks: Arc<dyn LockManager>,
    pub(super) metrics: Arc<Metrics>,
}

/// Everything the handlers reach, built once and shared by every worker: each service
/// is one `.with(...)`, which both builds and registers it.
#[derive(Clone, Default)]
pub(super) struct Services(Vec<Registration>);

/// Puts one service into a worker's app data.
type Registration = Arc<dyn Fn(&mut web::ServiceConfig) + Send + Sync>;

impl Services {
    /// Adds `service` as app data, for handlers that take `web::Data<T>`.
    fn with<T: Send + Sync + 'static>(self, service: T) -> Self {
        self.with_shared(Arc::new(service))
    }

    /// Adds a service that something besides the handlers holds too.
    fn with_shared<T: Send + Sync + 'static>(mut self, service: Arc<T>) -> Self {
        let data = web::Data::from(service);
        self.0
            .push(Arc::new(move |config: &mut web::ServiceConfig| {
                config.app_data(data.clone());
            }));
        self
    }

    pub(super) fn register(&self, config: &mut web::ServiceConfig) {
        for register in &self.0 {
            register(config);
        }
    }

    /// The EMR services on the SQL database, beside the auth services already built.
    pub(super) fn build(
        settings: &Settings,
        Backends {
            database,
            files,
            locks,
            metrics,
        }: Backends,
        readiness: Readiness,
        auth: AuthService,
        accounts: Accounts,
        node_name: &str,
    ) -> anyhow::Result<Self> {
        let connection = database.connection().clone();
        let lockable_records = Arc::new(SqlLockableRecords::new(connection.clone()));
        let gate = LockGate::new(locks.clone(), lockable_records.clone());
        let upload_policy = UploadPolicy {
            max_bytes: settings.files.max_upload_bytes,
            allowed_media_types: settings.files.allowed_media_types.clone(),
        };
        Ok(Services::default()
            .with(readiness)
            .with_shared(metrics)
            .with(auth)
            .with(accounts)
            .with(settings.clone())
            .with(NodeId(node_name.to_owned()))
            .with(Patients::new(
                Arc::new(SqlPatientRepository::new(connection.clone())),
                gate.clone(),
            ))
            .with(Schedule::new(
                Arc::new(SqlAppointmentRepository::new(connection.clone())),
                Arc::new(SqlUserRepository::new(connection.clone())),
                gate.clone(),
            ))
            .with(Notes::new(
                Arc::new(SqlNoteRepository::new(connection.clone())),
                gate.clone(),
            ))
            .with(Problems::new(
                Arc::new(SqlProblemRepository::new(connection.clone())),
                gate.clone(),
            ))
            .with(ChartEntries::new(
                Arc::new(SqlChartEntryRepository::new(connection.clone())),
                Arc::new(SqlUserRepository::new(connection.clone())),
                gate.clone(),
            ))
            .with(ChartSummaries::new(Arc::new(
                SqlChartSummaryRepository::new(connection.clone()),
            )))
            .with(Documents::new(
                Arc::new(SqlDocumentRepository::new(connection.clone())),
                files,
                upload_policy,
                gate.clone(),
            ))
            .with(Locks::new(
                locks.clone(),
                lockable_records,
                Arc::new(SqlUserRepository::new(connection.clone())),
                Arc::new(SqlAuditLog::new(connection.clone())),
                LockPolicy {
                    max_hold: settings.lock_max_hold,
                    ..LockPolicy::default()
                },
            ))
            .with(gate)
            .with(Jobs::new(
                Arc::new(SqlJobRuns::new(connection.clone())),
                Arc::new(SqlAuditLog::new(connection.clone())),
                locks,
                Arc::new(SqlNodeRegistry::new(connection.clone())),
                Arc::new(SqlOutbox::new(connection.clone())),
                settings.job_schedule(),
            ))
            .with(AuditTrail::new(Arc::new(SqlAuditLog::new(
                connection.clone(),
            ))))
            .with(mw::AuditWriter(Arc::new(SqlAuditLog::new(
                connection.clone(),
            ))))
            .with(mw::Idempotency {
                store: Arc::new(SqlIdempotencyStore::new(connection)),
                max_body_bytes: settings.http.max_body_bytes,
            }))
    }
}
