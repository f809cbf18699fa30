//! A request's reads on PostgreSQL share one pooled connection (sqlx pings each
//! connection it takes back, a round trip per checkout), and a transaction never waits
//! for a second connection while the request holds one.

use std::time::Duration;

use persistence::{within_request_limits, Connection, Database, DatabaseOptions, RequestLimits};
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use tests::{Backend, TestApp};

const LIMITS: RequestLimits = RequestLimits {
    connection_wait: Duration::from_secs(5),
    database_work: Duration::from_secs(10),
};

async fn backend_pid(connection: &impl ConnectionTrait) -> i32 {
    connection
        .query_one(Statement::from_string(
            DbBackend::Postgres,
            "SELECT pg_backend_pid() AS pid",
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get("", "pid")
        .unwrap()
}

async fn pool_of(size: u32) -> Option<(TestApp, Database)> {
    let app = TestApp::spawn(Backend::Postgres).await?;
    let database = Database::connect(&DatabaseOptions {
        url: app.test_database.url.clone(),
        max_connections: size,
        acquire_timeout: Duration::from_secs(5),
    })
    .await
    .unwrap();
    Some((app, database))
}

#[tokio::test]
async fn a_requests_reads_run_on_one_connection() {
    let Some((_app, database)) = pool_of(4).await else {
        return;
    };
    let connection: Connection = database.connection().clone();
    let (first, second, third) = within_request_limits(LIMITS, async {
        let first = backend_pid(&connection).await;
        let second = backend_pid(&connection).await;
        let third = backend_pid(&connection).await;
        (first, second, third)
    })
    .await;
    assert_eq!(
        (first, first),
        (second, third),
        "one connection for every read"
    );
}

#[tokio::test]
async fn a_transaction_after_reads_needs_no_second_connection() {
    // One connection in the pool: were the request to keep it, its transaction would
    // wait for a second one that never comes, and fail after the budget.
    let Some((_app, database)) = pool_of(1).await else {
        return;
    };
    let connection = database.connection().clone();
    let outcome = within_request_limits(LIMITS, async {
        let read_on = backend_pid(&connection).await;
        let transaction = connection.begin().await?;
        let written_on = backend_pid(&transaction).await;
        transaction.commit().await?;
        let read_again_on = backend_pid(&connection).await;
        Ok::<_, sea_orm::DbErr>((read_on, written_on, read_again_on))
    });
    let (read_on, written_on, read_again_on) =
        tokio::time::timeout(Duration::from_secs(4), outcome)
            .await
            .expect("the transaction found its connection at once")
            .unwrap();
    assert_eq!(read_on, written_on);
    assert_eq!(written_on, read_again_on);
}

#[tokio::test]
async fn concurrent_requests_each_hold_their_own() {
    let Some((_app, database)) = pool_of(4).await else {
        return;
    };
    let connection = database.connection().clone();
    let request = || {
        let connection = connection.clone();
        within_request_limits(LIMITS, async move {
            let first = backend_pid(&connection).await;
            tokio::time::sleep(Duration::from_millis(50)).await;
            (first, backend_pid(&connection).await)
        })
    };
    let ((a1, a2), (b1, b2)) = tokio::join!(request(), request());
    assert_eq!(a1, a2);
    assert_eq!(b1, b2);
    assert_ne!(a1, b1, "two requests at once never share a connection");
}
