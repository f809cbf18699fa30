//! The composition root: the one place that reads settings, builds every backend into
//! its port, and wires services and routes. `main` and the test harness both use it.

use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;
use std::time::Duration;

use actix_web::dev::{Server, ServerHandle};
use actix_web::middleware::{from_fn, ErrorHandlers};
use actix_web::{web, App, HttpServer};
use anyhow::Context;
use domain::documents::FileStore;
use domain::health::{HealthProbe, Readiness};
use domain::jobs::{JobPorts, NodeInfo, Scheduler};
use domain::locks::LockManager;
use persistence::documents::{DirectoryFileStore, SqlFileStore};
use persistence::jobs::{SqlHousekeeping, SqlJobRuns, SqlNodeRegistry};
use persistence::locks::SqlLockManager;
use persistence::{Database, DatabaseOptions, Redis};
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

use crate::error::{self, json_config, path_config, query_config};
use crate::metrics::{self, Metrics};
use crate::middleware as mw;
use crate::settings::{FileBackend, LockBackend, Settings};
use crate::{openapi, routes};

mod auth;
mod services;
mod start_event;

use auth::build_auth;
use services::{Backends, Services};

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
        match settings.database.migration_url {
            Some(_) => migrate(&settings).await?,
            None => database
                .migrate()
                .await
                .context("applying database migrations")?,
        }

        let mut probes: Vec<Arc<dyn HealthProbe>> = vec![database.health_probe()];
        let redis = match &settings.redis_url {
            Some(url) => {
                let redis = Redis::connect(
                    url,
                    settings.redis_cluster,
                    settings.database.max_connections as usize,
                )
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
        start_event::record_start(&settings, &database, &node_name).await?;
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
        let metrics_listener = settings
            .http
            .metrics_listen
            .map(|metrics| TcpListener::bind(metrics).with_context(|| format!("binding {metrics}")))
            .transpose()?;
        let metrics_address = web::Data::new(mw::MetricsAddress(
            metrics_listener
                .as_ref()
                .map(TcpListener::local_addr)
                .transpose()?,
        ));
        let node = NodeInfo {
            name: node_name.clone(),
            host: std::env::var("HOSTNAME").unwrap_or_else(|_| "unknown".to_owned()),
            listen_address: address.to_string(),
            process_id: std::process::id(),
            version: env!("CARGO_PKG_VERSION").to_owned(),
        };
        let scheduler = Scheduler::new(node, job_ports, settings.job_schedule());
        let max_body_bytes = settings.http.max_body_bytes;
        let cors_allowed_origins = settings.http.cors_allowed_origins.clone();
        let request_limits = web::Data::new(persistence::RequestLimits {
            connection_wait: settings.http.readiness_timeout,
            database_work: settings.database.statement_timeout,
        });

        let server = HttpServer::new(move || {
            App::new()
                .into_utoipa_app()
                .configure(routes::contract)
                .into_app()
                .configure(|config| services.register(config))
                .app_data(request_limits.clone())
                .app_data(metrics_address.clone())
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
                .wrap(from_fn(mw::audit_refusals))
                .wrap(from_fn(mw::request_limits))
                .wrap(mw::cors(&cors_allowed_origins))
                .wrap(from_fn(mw::observe))
                .wrap(from_fn(mw::metrics_port))
                .wrap(from_fn(mw::security_headers))
        })
        .workers(settings.http.workers.unwrap_or_else(default_workers))
        .shutdown_timeout(settings.http.shutdown_timeout.as_secs())
        .listen(listener)?;
        let server = match metrics_listener {
            Some(metrics) => server.listen(metrics)?,
            None => server,
        }
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
        // why: at SIGTERM the jobs stop at once, beside the requests draining, so their
        // leases pass to another node without waiting for the drain.
        let signalled = tokio::spawn(stop_on_terminate(stop.clone()));
        let outcome = self.server.await;
        signalled.abort();
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

/// Connects the database named by the settings.
pub async fn connect_database(settings: &Settings) -> anyhow::Result<Database> {
    let options = DatabaseOptions {
        url: settings.database.url.clone(),
        max_connections: settings.database.max_connections,
        // why: with the database away, a request waits this long for a connection and
        // then answers 503; no longer than readiness waits, so requests fail as fast
        // as the load balancer learns the node cannot serve.
        acquire_timeout: settings.http.readiness_timeout,
    };
    Database::connect(&options)
        .await
        .context("connecting to the database")
}

/// Applies pending migrations, on `database_migration_url` when set (a pooler in
/// transaction mode cannot hold the session the migration lock lives in). Also
/// `practica migrate`.
pub async fn migrate(settings: &Settings) -> anyhow::Result<()> {
    let options = DatabaseOptions {
        url: settings
            .database
            .migration_url
            .clone()
            .unwrap_or_else(|| settings.database.url.clone()),
        max_connections: 2,
        acquire_timeout: Duration::from_secs(5),
    };
    let database = Database::connect(&options)
        .await
        .context("connecting to the database for migrations")?;
    let outcome = database
        .migrate()
        .await
        .context("applying database migrations");
    database.close().await;
    outcome
}

/// Turns `stop` true when the process is asked to terminate (SIGTERM, Ctrl-C).
async fn stop_on_terminate(stop: tokio::sync::watch::Sender<bool>) {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let Ok(mut terminate) = signal(SignalKind::terminate()) else {
            return;
        };
        tokio::select! {
            _ = terminate.recv() => {}
            _ = tokio::signal::ctrl_c() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
    let _ = stop.send(true);
}

fn default_workers() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}
