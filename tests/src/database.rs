use sqlx::{Connection, Executor, PgConnection};
use tempfile::TempDir;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A database created for one test and removed after it: a SQLite file in a temporary
/// directory, or a PostgreSQL database dropped when the last node using it is gone.
pub struct TestDatabase {
    pub backend: Backend,
    pub url: String,
    /// For SQLite: the directory holding the file, deleted on drop.
    _directory: Option<TempDir>,
    /// For PostgreSQL: the server URL and the database's name, for dropping it.
    postgres: Option<(String, String)>,
}

impl TestDatabase {
    pub async fn create(backend: Backend) -> Option<Self> {
        match backend {
            Backend::Sqlite => {
                let directory = tempfile::tempdir().expect("a temporary directory");
                let url = format!(
                    "sqlite://{}",
                    directory.path().join("practica.db").display()
                );
                Some(Self {
                    backend,
                    url,
                    _directory: Some(directory),
                    postgres: None,
                })
            }
            Backend::Postgres => {
                let server_url = required_env("PRACTICA_TEST_DATABASE_URL")?;
                let name = format!("practica_test_{}", Uuid::now_v7().simple());
                let mut admin = PgConnection::connect(&server_url)
                    .await
                    .expect("PRACTICA_TEST_DATABASE_URL must reach a PostgreSQL server");
                admin
                    .execute(format!("CREATE DATABASE {name}").as_str())
                    .await
                    .expect("the test user may create databases");
                let url = with_database_name(&server_url, &name);
                Some(Self {
                    backend,
                    url,
                    _directory: None,
                    postgres: Some((server_url, name)),
                })
            }
        }
    }

    /// Makes the database unreachable for the application: on PostgreSQL new
    /// connections are refused and open ones terminated, as when the server goes away;
    /// SQLite has no server, so the node's pool is closed instead.
    pub async fn take_down(&self, pool: &persistence::Database) {
        match &self.postgres {
            Some((server_url, name)) => {
                let mut admin = PgConnection::connect(server_url)
                    .await
                    .expect("admin connection");
                admin
                    .execute(format!("ALTER DATABASE {name} WITH ALLOW_CONNECTIONS false").as_str())
                    .await
                    .expect("disallow connections");
                admin
                    .execute(
                        format!(
                            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"
                        )
                        .as_str(),
                    )
                    .await
                    .expect("terminate connections");
            }
            None => pool.close().await,
        }
    }

    /// Undoes [`take_down`](Self::take_down) on PostgreSQL; `false` on SQLite, whose
    /// closed pool stays closed.
    pub async fn bring_back(&self) -> bool {
        let Some((server_url, name)) = &self.postgres else {
            return false;
        };
        let mut admin = PgConnection::connect(server_url)
            .await
            .expect("admin connection");
        admin
            .execute(format!("ALTER DATABASE {name} WITH ALLOW_CONNECTIONS true").as_str())
            .await
            .expect("allow connections");
        true
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let Some((server_url, name)) = self.postgres.take() else {
            return;
        };
        // why: Drop cannot await, and the test's runtime may be shutting down; a thread
        // with its own small runtime drops the database whatever state the test left.
        let dropper = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime for dropping the test database");
            runtime.block_on(async {
                if let Ok(mut admin) = PgConnection::connect(&server_url).await {
                    let drop_sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                    if let Err(error) = admin.execute(drop_sql.as_str()).await {
                        eprintln!("could not drop test database {name}: {error}");
                    }
                }
            });
        });
        let _ = dropper.join();
    }
}

/// The variable's value; when unset, `None` after saying the test is skipped, or a
/// failure when `CI=true` (CI must run every backend).
pub(crate) fn required_env(name: &str) -> Option<String> {
    match std::env::var(name) {
        Ok(value) if !value.is_empty() => Some(value),
        _ if std::env::var("CI").is_ok_and(|ci| ci == "true") => {
            panic!("{name} must be set when CI=true: CI runs every backend")
        }
        _ => {
            eprintln!("skipped: {name} is not set");
            None
        }
    }
}

/// `postgres://u@h:5432/postgres?x=y` with the database part replaced by `name`.
fn with_database_name(server_url: &str, name: &str) -> String {
    let (base, query) = match server_url.split_once('?') {
        Some((base, query)) => (base, format!("?{query}")),
        None => (server_url, String::new()),
    };
    let without_scheme = base.split_once("://").map_or(base, |(_, rest)| rest);
    let base = if without_scheme.contains('/') {
        base.rsplit_once('/').map_or(base, |(head, _)| head)
    } else {
        base
    };
    format!("{base}/{name}{query}")
}

#[cfg(test)]
mod tests {
    use super::with_database_name;

    #[test]
    fn database_name_replaces_the_path_and_keeps_the_query() {
        assert_eq!(
            with_database_name("postgres://postgres@127.0.0.1:5432/postgres", "t1"),
            "postgres://postgres@127.0.0.1:5432/t1"
        );
        assert_eq!(
            with_database_name("postgres://postgres@127.0.0.1:5432", "t1"),
            "postgres://postgres@127.0.0.1:5432/t1"
        );
        assert_eq!(
            with_database_name("postgres://u@h/db?sslmode=disable", "t1"),
            "postgres://u@h/t1?sslmode=disable"
        );
    }
}
