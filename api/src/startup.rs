//! The composition root: the one place that reads settings, builds every backend into
//! its port, and wires services and routes. `main` and the test harness both use it.

use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;
use std::time::Duration;

use actix_web::dev::{Server, ServerHandle};
use actix_web::middleware::{from_fn, ErrorHandlers};
use actix_web::{web, App, HttpServer};
use anyhow::Context;
use domain::audit::AuditTrail;
use domain::auth::{
    Accounts, AuthService, BootstrapAdmin, LoginAttempts, Password, PasswordHasher, SessionStore,
    SigningKeys, UserRepository,
};
use domain::documents::{Documents, FileStore, UploadPolicy};
use domain::health::{HealthProbe, Readiness};
use domain::jobs::{JobPorts, Jobs, NodeInfo, Scheduler};
use domain::locks::{LockGate, LockManager, LockPolicy, Locks};
use domain::notes::Notes;
use domain::patients::Patients;
use domain::schedule::Schedule;
use persistence::audit::SqlAuditLog;
use persistence::auth::{SqlLoginAttempts, SqlSessionStore, SqlSigningKeyStore, SqlUserRepository};
use persistence::documents::{DirectoryFileStore, SqlDocumentRepository, SqlFileStore};
use persistence::idempotency::SqlIdempotencyStore;
use persistence::jobs::{SqlHousekeeping, SqlJobRuns, SqlNodeRegistry};
use persistence::locks::{SqlLockManager, SqlLockableRecords};
use persistence::notes::SqlNoteRepository;
use persistence::notifications::SqlOutbox;
use persistence::patients::SqlPatientRepository;
use persistence::schedule::SqlAppointmentRepository;
use persistence::{Database, DatabaseOptions, Redis};
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

use crate::error::{self, json_config, path_config, query_config};
use crate::http::NodeId;
use crate::metrics::{self, Metrics};
use crate::middleware as mw;
use crate::settings::{FileBackend, LockBackend, SessionBackend, Settings};
use crate::{openapi, routes};

/// A node, bound and ready to run.
pub struct Application {
    address: SocketAddr,
    server: Server,
    database: Database,
    /// This node's job scheduler, unless the settings keep it out of the jobs.
    scheduler: Option<Scheduler>,
    shutdown_timeout: Duration,
}

/// Routes mounted beside the contract, with the same middleware and configuration.
/// The test suite mounts probes here (a handler that panics, one that takes JSON).
pub type ExtraRoutes = fn(&mut web::ServiceConfig);

impl Application {
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        Self::build_with(settings, |_| {}).await
    }

    pub async fn build_with(settings: Settings, extra_routes: ExtraRoutes) -> anyhow::Result<Self> {
        let database = connect_database(&settings).await?;
        database
            .migrate()
            .await
            .context("applying database migrations")?;

        let mut probes: Vec<Arc<dyn HealthProbe>> = vec![database.health_probe()];
        let redis = match &settings.redis_url {
            Some(url) => {
                let redis = Redis::connect(url, settings.database.max_connections as usize)
                    .context("configuring Redis")?;
                probes.push(redis.health_probe());
                Some(redis)
            }
            None => None,
        };
        let readiness = Readiness::new(probes, settings.http.readiness_timeout);
        let locks: Arc<dyn LockManager> = match (settings.lock_backend, redis.as_ref()) {
            (LockBackend::Sql, _) => Arc::new(SqlLockManager::new(database.connection().clone())),
            (LockBackend::Redis, Some(redis)) => Arc::new(redis.lock_manager()),
            (LockBackend::Redis, None) => anyhow::bail!("lock_backend = redis needs redis_url"),
        };
        let (auth, accounts) =
            build_auth(&settings, &database, redis.as_ref(), locks.clone()).await?;
        let node_name = settings.node_id.clone().unwrap_or_else(|| {
            format!("node-{}", &uuid::Uuid::now_v7().simple().to_string()[20..])
        });
        let files: Arc<dyn FileStore> = match settings.files.backend {
            FileBackend::Sql => Arc::new(SqlFileStore::new(database.connection().clone())),
            FileBackend::Directory => Arc::new(
                DirectoryFileStore::open(&settings.files.directory)
                    .await
                    .context("opening the file directory")?,
            ),
        };
        let metrics = Arc::new(Metrics::new(&database)?);
        let job_ports = JobPorts {
            registry: Arc::new(SqlNodeRegistry::new(database.connection().clone())),
            locks: locks.clone(),
            runs: Arc::new(SqlJobRuns::new(database.connection().clone())),
            housekeeping: Arc::new(SqlHousekeeping::new(database.connection().clone())),
            files: files.clone(),
            observer: metrics.clone(),
        };
        let backends = Backends {
            database: &database,
            files,
            locks,
            metrics,
        };
        let services = Services::build(&settings, backends, readiness, auth, accounts, &node_name)?;
        let contract = openapi::document();

        let listener = TcpListener::bind(settings.http.listen)
            .with_context(|| format!("binding {}", settings.http.listen))?;
        let address = listener.local_addr()?;
        let node = NodeInfo {
            name: node_name.clone(),
            host: std::env::var("HOSTNAME").unwrap_or_else(|_| "unknown".to_owned()),
            listen_address: address.to_string(),
            process_id: std::process::id(),
            version: env!("CARGO_PKG_VERSION").to_owned(),
        };
        let scheduler = Scheduler::new(node, job_ports, settings.job_schedule());
        let max_body_bytes = settings.http.max_body_bytes;

        let server = HttpServer::new(move || {
            App::new()
                .into_utoipa_app()
                .configure(routes::contract)
                .into_app()
                .configure(|config| services.register(config))
                .app_data(json_config(max_body_bytes))
                .app_data(path_config())
                .app_data(query_config())
                .route("/metrics", web::get().to(metrics::scrape))
                .service(web::redirect("/docs", "/docs/"))
                .service(SwaggerUi::new("/docs/{_:.*}").url("/openapi.json", contract.clone()))
                .configure(extra_routes)
                .default_service(web::to(error::not_found))
                .wrap(from_fn(mw::catch_panic))
                .wrap(ErrorHandlers::new().default_handler(error::problem_for_bare_errors))
                .wrap(from_fn(mw::idempotency))
                .wrap(from_fn(mw::observe))
        })
        .workers(settings.http.workers.unwrap_or_else(default_workers))
        .shutdown_timeout(settings.http.shutdown_timeout.as_secs())
        .listen(listener)?
        .run();

        tracing::info!(
            %address,
            database = database.kind().as_str(),
            node = %node_name,
            redis = settings.redis_url.is_some(),
            "practica is listening"
        );
        Ok(Self {
            address,
            server,
            database,
            scheduler: settings.jobs.enabled.then_some(scheduler),
            shutdown_timeout: settings.http.shutdown_timeout,
        })
    }

    pub fn address(&self) -> SocketAddr {
        self.address
    }

    pub fn port(&self) -> u16 {
        self.address.port()
    }

    /// Stops the server; `graceful` lets in-flight requests finish first.
    pub fn handle(&self) -> ServerHandle {
        self.server.handle()
    }

    pub fn database(&self) -> &Database {
        &self.database
    }

    /// Serves until SIGTERM or Ctrl-C (or [`ServerHandle::stop`]), then lets in-flight
    /// requests finish within the shutdown time-out.
    ///
    /// Its job scheduler runs alongside; at the stop it lets go of its job leases, so
    /// another node takes the jobs over at once.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let scheduler = self
            .scheduler
            .map(|scheduler| tokio::spawn(scheduler.run(stopped)));
        let outcome = self.server.await;
        let _ = stop.send(true);
        if let Some(scheduler) = scheduler {
            // why: the scheduler finishes the job at hand, then lets go of its leases;
            // bounded like the requests, so a stuck job cannot hold the exit.
            match tokio::time::timeout(self.shutdown_timeout, scheduler).await {
                Ok(Ok(())) => {}
                Ok(Err(error)) => {
                    tracing::error!(error = %error, "the job scheduler ended abnormally")
                }
                Err(_) => {
                    tracing::warn!("the job scheduler did not stop in time; its leases lapse")
                }
            }
        }
        self.database.close().await;
        outcome
    }
}

/// The backends the EMR services stand on, chosen by the settings.
struct Backends<'a> {
    database: &'a Database,
    files: Arc<dyn FileStore>,
    locks: Arc<dyn LockManager>,
    metrics: Arc<Metrics>,
}

/// Everything the handlers reach, built once and shared by every worker: each service
/// is one `.with(...)`, which both builds and registers it.
#[derive(Clone, Default)]
struct Services(Vec<Registration>);

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

    fn register(&self, config: &mut web::ServiceConfig) {
        for register in &self.0 {
            register(config);
        }
    }

    /// The EMR services on the SQL database, beside the auth services already built.
    fn build(
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
        let gate = LockGate::new(locks.clone());
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
            .with(Documents::new(
                Arc::new(SqlDocumentRepository::new(connection.clone())),
                files,
                upload_policy,
                gate.clone(),
            ))
            .with(Locks::new(
                locks.clone(),
                Arc::new(SqlLockableRecords::new(connection.clone())),
                Arc::new(SqlUserRepository::new(connection.clone())),
                Arc::new(SqlAuditLog::new(connection.clone())),
                LockPolicy::default(),
            ))
            .with(gate)
            .with(Jobs::new(
                Arc::new(SqlJobRuns::new(connection.clone())),
                locks,
                Arc::new(SqlNodeRegistry::new(connection.clone())),
                Arc::new(SqlOutbox::new(connection.clone())),
                settings.job_schedule(),
            ))
            .with(AuditTrail::new(Arc::new(SqlAuditLog::new(
                connection.clone(),
            ))))
            .with(mw::Idempotency {
                store: Arc::new(SqlIdempotencyStore::new(connection)),
                max_body_bytes: settings.http.max_body_bytes,
            }))
    }
}

/// The auth services on the configured backends, with a signing key and a first admin
/// in place.
async fn build_auth(
    settings: &Settings,
    database: &Database,
    redis: Option<&Redis>,
    locks: Arc<dyn LockManager>,
) -> anyhow::Result<(AuthService, Accounts)> {
    let connection = database.connection().clone();
    let users: Arc<dyn UserRepository> = Arc::new(SqlUserRepository::new(connection.clone()));
    let sessions: Arc<dyn SessionStore> = match (settings.auth.session_backend, redis) {
        (SessionBackend::Sql, _) => Arc::new(SqlSessionStore::new(connection.clone())),
        (SessionBackend::Redis, Some(redis)) => Arc::new(redis.session_store()),
        (SessionBackend::Redis, None) => anyhow::bail!("session_backend = redis needs redis_url"),
    };
    let attempts: Arc<dyn LoginAttempts> = Arc::new(SqlLoginAttempts::new(connection.clone()));
    let keys = match &settings.auth.jwt_secret {
        Some(secret) => SigningKeys::pinned(secret.expose()),
        None => SigningKeys::from_store(Arc::new(SqlSigningKeyStore::new(connection))),
    };
    keys.ensure_signing_key()
        .await
        .context("preparing the token signing key")?;
    let hasher = tokio::task::spawn_blocking(PasswordHasher::owasp)
        .await
        .context("preparing the password hasher")??;

    let accounts = Accounts::new(
        users.clone(),
        sessions.clone(),
        hasher.clone(),
        locks.clone(),
    );
    let configured = match &settings.auth.admin_password {
        Some(secret) => {
            Some(Password::parse(secret.expose().to_owned()).map_err(anyhow::Error::msg)?)
        }
        None => None,
    };
    match accounts.bootstrap_admin(configured).await? {
        BootstrapAdmin::NotNeeded => {}
        BootstrapAdmin::Created => tracing::info!("created the first admin account `admin`"),
        BootstrapAdmin::CreatedWithPassword(password) => tracing::warn!(
            password = password.expose(),
            "created the first admin account `admin` with this random password, shown once: \
             sign in and change it, or set PRACTICA_ADMIN_PASSWORD before the first start"
        ),
    }
    let auth = AuthService::new(
        users,
        sessions,
        attempts,
        Arc::new(keys),
        hasher,
        settings.auth_config(),
        locks,
    );
    Ok((auth, accounts))
}

/// Connects the database named by the settings. Also used by `practica migrate`.
pub async fn connect_database(settings: &Settings) -> anyhow::Result<Database> {
    let options = DatabaseOptions {
        url: settings.database.url.clone(),
        max_connections: settings.database.max_connections,
        acquire_timeout: Duration::from_secs(5),
    };
    Database::connect(&options)
        .await
        .context("connecting to the database")
}

fn default_workers() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}
