use std::sync::Arc;

use domain::auth::conformance::login_attempts as suite;
use persistence::auth::SqlLoginAttempts;
use tests::{Backend, TestApp};

async fn sql_login_attempts_conform(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let store = Arc::new(SqlLoginAttempts::new(app.database().connection().clone()));
    suite::attempts_are_counted_up_to_the_limit_per_subject(store.as_ref()).await;
    suite::a_withdrawn_attempt_counts_no_more(store.as_ref()).await;
    suite::attempts_at_once_never_overrun_the_limit(store.clone()).await;
    suite::attempts_leave_the_window(store.as_ref()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sql_login_attempts_conform_on_sqlite() {
    sql_login_attempts_conform(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sql_login_attempts_conform_on_postgres() {
    sql_login_attempts_conform(Backend::Postgres).await;
}
