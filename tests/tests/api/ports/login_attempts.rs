use domain::auth::conformance::login_attempts as suite;
use persistence::auth::SqlLoginAttempts;
use tests::{Backend, TestApp};

async fn sql_login_attempts_conform(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let store = SqlLoginAttempts::new(app.database().connection().clone());
    suite::failures_are_counted_per_subject_and_cleared(&store).await;
    suite::failures_leave_the_window(&store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sql_login_attempts_conform_on_sqlite() {
    sql_login_attempts_conform(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sql_login_attempts_conform_on_postgres() {
    sql_login_attempts_conform(Backend::Postgres).await;
}
