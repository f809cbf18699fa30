//! The SQL database: one pool per node, built by URL scheme, migrated at start.

use std::str::FromStr;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use domain::health::HealthProbe;
use migrations::{Migrator, MigratorTrait};
use sea_orm::{DatabaseConnection, SqlxPostgresConnector, SqlxSqliteConnector};
use sqlx::postgres::{PgConnectOptions, PgConnection, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{ConnectOptions, Connection as _};

use crate::connection::Connection;
use crate::health::SqlProbe;

/// The advisory lock key that serialises migrations across nodes ("practica" in ASCII).
const MIGRATION_LOCK_KEY: i64 = 0x7072_6163_7469_6361;

/// How to reach the database and how many connections this node may hold.
#[derive(Debug, Clone)]
pub struct DatabaseOptions {
    /// `sqlite://path/to/file.db` or `postgres://user@host/db`.
    pub url: String,
    pub max_connections: u32,
    /// How long a request waits for a free connection before it fails.
    pub acquire_timeout: Duration,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DatabaseKind {
    Sqlite,
    Postgres,
}

/// The node's connection pool to the database that holds the truth.
#[derive(Clone)]
pub struct Database {
    connection: DatabaseConnection,
    bounded: Connection,
    pool: Pool,
    statements: Arc<AtomicU64>,
}

#[derive(Clone)]
enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// A snapshot of the pool, for metrics.
#[derive(Debug, Clone, Copy)]
pub struct PoolStats {
    pub open: u32,
    pub idle: u32,
    pub max: u32,
}

#[derive(Debug, thiserror::Error)]
pub enum DatabaseError {
    #[error("unsupported database URL scheme: expected `sqlite:` or `postgres:`")]
    UnsupportedScheme,
    #[error("invalid database URL")]
    InvalidUrl(#[source] sqlx::Error),
    #[error("could not connect to the database")]
    Connect(#[source] sqlx::Error),
    #[error("database migration failed")]
    Migrate(#[source] sea_orm::DbErr),
    #[error("could not make the database file owner-only")]
    Permissions(#[source] std::io::Error),
}

impl DatabaseKind {
    /// The backend a URL names, judged by its scheme alone.
    pub fn of_url(url: &str) -> Result<Self, DatabaseError> {
        if url.starts_with("sqlite:") {
            Ok(Self::Sqlite)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Ok(Self::Postgres)
        } else {
            Err(DatabaseError::UnsupportedScheme)
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sqlite => "sqlite",
            Self::Postgres => "postgres",
        }
    }
}

impl Database {
    /// Opens the pool and proves it with one connection, so a wrong URL fails at start.
    pub async fn connect(options: &DatabaseOptions) -> Result<Self, DatabaseError> {
        let pool = match DatabaseKind::of_url(&options.url)? {
            DatabaseKind::Sqlite => Pool::Sqlite(connect_sqlite(options).await?),
            DatabaseKind::Postgres => Pool::Postgres(connect_postgres(options).await?),
        };
        let mut connection = match &pool {
            Pool::Sqlite(pool) => SqlxSqliteConnector::from_sqlx_sqlite_pool(pool.clone()),
            Pool::Postgres(pool) => SqlxPostgresConnector::from_sqlx_postgres_pool(pool.clone()),
        };
        let statements = Arc::new(AtomicU64::new(0));
        let counted = statements.clone();
        connection.set_metric_callback(move |_| {
            counted.fetch_add(1, Ordering::Relaxed);
        });
        Ok(Self {
            bounded: Connection::new(connection.clone()),
            connection,
            pool,
            statements,
        })
    }

    /// Applies every pending migration.
    ///
    /// A schema already current is only read: a node that connects as a role owning
    /// nothing (which cannot create the migrations' own table) starts after
    /// `practica migrate` has run as the owner.
    ///
    /// On PostgreSQL several nodes may start at once: they queue on an advisory lock so
    /// that one applies the migrations and the others then find none pending. The lock
    /// lives in a session of its own, outside the pool, and ends with it, so a node that
    /// dies mid-way releases it.
    pub async fn migrate(&self) -> Result<(), DatabaseError> {
        if self.schema_is_current().await {
            return Ok(());
        }
        let Pool::Postgres(pool) = &self.pool else {
            return Migrator::up(&self.connection, None)
                .await
                .map_err(DatabaseError::Migrate);
        };
        let mut lock_session = PgConnection::connect_with(&pool.connect_options())
            .await
            .map_err(DatabaseError::Connect)?;
        sqlx::query("SELECT pg_advisory_lock($1)")
            .bind(MIGRATION_LOCK_KEY)
            .execute(&mut lock_session)
            .await
            .map_err(DatabaseError::Connect)?;
        let outcome = Migrator::up(&self.connection, None)
            .await
            .map_err(DatabaseError::Migrate);
        // Ending the session releases the lock.
        if let Err(error) = lock_session.close().await {
            tracing::warn!(error = %error, "closing the migration lock session failed");
        }
        outcome
    }

    /// Whether every migration is recorded as applied. Any failure to tell (no
    /// migrations table yet) means no: the migrations then run, and say what is wrong.
    async fn schema_is_current(&self) -> bool {
        use sea_orm::{ConnectionTrait, Statement};
        let backend = self.connection.get_database_backend();
        let Ok(rows) = self
            .connection
            .query_all(Statement::from_string(
                backend,
                "SELECT version FROM seaql_migrations",
            ))
            .await
        else {
            return false;
        };
        let applied: std::collections::HashSet<String> = rows
            .iter()
            .filter_map(|row| row.try_get::<String>("", "version").ok())
            .collect();
        Migrator::migrations()
            .iter()
            .all(|migration| applied.contains(migration.name()))
    }

    /// The pool, for repositories: waits within a request's budget.
    pub fn connection(&self) -> &Connection {
        &self.bounded
    }

    pub fn kind(&self) -> DatabaseKind {
        match self.pool {
            Pool::Sqlite(_) => DatabaseKind::Sqlite,
            Pool::Postgres(_) => DatabaseKind::Postgres,
        }
    }

    /// How many statements this node has run through the ORM (the few a request runs
    /// on its held PostgreSQL connection directly are not among them).
    pub fn statements_run(&self) -> u64 {
        self.statements.load(Ordering::Relaxed)
    }

    pub fn pool_stats(&self) -> PoolStats {
        let (open, idle, max) = match &self.pool {
            Pool::Sqlite(pool) => (
                pool.size(),
                pool.num_idle(),
                pool.options().get_max_connections(),
            ),
            Pool::Postgres(pool) => (
                pool.size(),
                pool.num_idle(),
                pool.options().get_max_connections(),
            ),
        };
        PoolStats {
            open,
            idle: u32::try_from(idle).unwrap_or(u32::MAX),
            max,
        }
    }

    /// Closes every connection; later queries fail. For shutdown and for tests that
    /// need a database that has gone away.
    pub async fn close(&self) {
        match &self.pool {
            Pool::Sqlite(pool) => pool.close().await,
            Pool::Postgres(pool) => pool.close().await,
        }
    }

    pub fn health_probe(&self) -> Arc<dyn HealthProbe> {
        Arc::new(SqlProbe::new(self.bounded.clone()))
    }
}

async fn connect_sqlite(options: &DatabaseOptions) -> Result<SqlitePool, DatabaseError> {
    let connect_options =
        SqliteConnectOptions::from_str(&options.url).map_err(DatabaseError::InvalidUrl)?;
    keep_private(connect_options.get_filename()).map_err(DatabaseError::Permissions)?;
    let connect_options = connect_options
        .create_if_missing(true)
        // why: WAL lets readers proceed while one writer commits; NORMAL is durable in WAL
        // mode except for the last transactions before a power cut, SQLite's own advice.
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        // why: SQLite has one writer; a writer that finds the lock taken waits this long
        // instead of failing at once with SQLITE_BUSY.
        .busy_timeout(Duration::from_secs(5))
        .disable_statement_logging();
    SqlitePoolOptions::new()
        .max_connections(options.max_connections)
        .acquire_timeout(options.acquire_timeout)
        .connect_with(connect_options)
        .await
        .map_err(DatabaseError::Connect)
}

/// Creates the database file owner-only (`0600`), or makes an existing one so, before
/// SQLite opens it: SQLite gives its `-wal` and `-shm` files the database file's own
/// permissions. An in-memory database has no file.
fn keep_private(file: &std::path::Path) -> std::io::Result<()> {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    let name = file.as_os_str().to_string_lossy();
    if name.is_empty() || name == ":memory:" || name.starts_with("file:") {
        return Ok(());
    }
    std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .open(file)?;
    for suffix in ["", "-wal", "-shm"] {
        let mut path = file.as_os_str().to_owned();
        path.push(suffix);
        match std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)) {
            Err(error) if error.kind() != std::io::ErrorKind::NotFound => return Err(error),
            _ => {}
        }
    }
    Ok(())
}

/// How long a pooled PostgreSQL connection may have been idle and still be handed out
/// without a ping.
const UNTESTED_IDLE: Duration = Duration::from_secs(1);

/// How long after the database was found unreachable every pooled connection is pinged
/// before use, however recently used: the others idle in the pool may be dead too (a
/// restart, a terminated backend), and each would otherwise fail one request.
const SUSPECT_FOR_MS: i64 = 10_000;

static SUSPECT_UNTIL_MS: AtomicI64 = AtomicI64::new(0);

/// Marks the pooled connections suspect: the database was found unreachable.
pub(crate) fn suspect_connections() {
    SUSPECT_UNTIL_MS.store(
        chrono::Utc::now().timestamp_millis() + SUSPECT_FOR_MS,
        Ordering::Relaxed,
    );
}

fn connections_suspect() -> bool {
    chrono::Utc::now().timestamp_millis() < SUSPECT_UNTIL_MS.load(Ordering::Relaxed)
}

async fn connect_postgres(options: &DatabaseOptions) -> Result<PgPool, DatabaseError> {
    let connect_options = PgConnectOptions::from_str(&options.url)
        .map_err(DatabaseError::InvalidUrl)?
        .application_name("practica")
        .disable_statement_logging();
    PgPoolOptions::new()
        .max_connections(options.max_connections)
        .acquire_timeout(options.acquire_timeout)
        // why: a ping on every checkout is a round trip per statement. A connection in
        // steady use is known to be alive; one idle for a while (which a restart or a
        // firewall may have cut) is pinged first, and replaced if it does not answer.
        .test_before_acquire(false)
        .before_acquire(|connection, metadata| {
            Box::pin(async move {
                if metadata.idle_for < UNTESTED_IDLE && !connections_suspect() {
                    return Ok(true);
                }
                Ok(connection.ping().await.is_ok())
            })
        })
        .connect_with(connect_options)
        .await
        .map_err(DatabaseError::Connect)
}
