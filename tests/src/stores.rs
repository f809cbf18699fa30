//! Tests that run once per lock store: SQL on SQLite, SQL on PostgreSQL, and Redis.

use api::settings::{LockBackend, Settings};

use crate::{redis_url, Backend};

/// Where a test's record locks and job leases live.
#[derive(Debug, Clone, Copy)]
pub enum LockStore {
    Sql(Backend),
    Redis,
}

impl LockStore {
    /// The database the test's nodes use (SQLite beside Redis); `None`, and a note,
    /// when the store is not configured here.
    pub fn database(self) -> Option<Backend> {
        match self {
            LockStore::Sql(backend) => Some(backend),
            LockStore::Redis => redis_url().map(|_| Backend::Sqlite),
        }
    }

    /// Points a node's settings at this store.
    pub fn configure(self, settings: &mut Settings) {
        if let LockStore::Redis = self {
            settings.redis_url = redis_url();
            settings.lock_backend = LockBackend::Redis;
        }
    }
}

/// Defines one `#[tokio::test]` per lock store for each named async test body
/// `async fn name(store: LockStore)`: `name::sql_on_sqlite`, `name::sql_on_postgres`,
/// `name::redis`.
#[macro_export]
macro_rules! test_on_every_lock_store {
    ($($test:ident),+ $(,)?) => {$(
        mod $test {
            use $crate::{Backend, LockStore};

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sql_on_sqlite() {
                super::$test(LockStore::Sql(Backend::Sqlite)).await
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sql_on_postgres() {
                super::$test(LockStore::Sql(Backend::Postgres)).await
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn redis() {
                super::$test(LockStore::Redis).await
            }
        }
    )+};
}
