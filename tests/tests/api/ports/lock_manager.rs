use std::sync::Arc;

use domain::locks::conformance as suite;
use domain::locks::LockManager;
use persistence::locks::SqlLockManager;
use persistence::Redis;
use tests::{redis_cluster_url, redis_url, Backend, TestApp};

async fn run_suite(locks: Arc<dyn LockManager>) {
    suite::a_lock_is_held_by_one_session_at_a_time(locks.as_ref()).await;
    suite::the_holding_session_gets_its_lock_back_renewed(locks.as_ref()).await;
    suite::of_many_at_once_exactly_one_wins(locks.clone()).await;
    suite::an_expired_lock_is_taken_over_with_a_larger_fencing_number(locks.as_ref()).await;
    suite::renewal_extends_the_lease(locks.as_ref()).await;
    suite::only_the_holder_releases(locks.as_ref()).await;
    suite::a_broken_lock_is_gone(locks.as_ref()).await;
    suite::a_sessions_locks_end_with_it(locks.as_ref()).await;
    suite::a_users_locks_end_with_their_sessions(locks.as_ref()).await;
    suite::no_renewal_extends_a_lock_past_its_hold(locks.as_ref()).await;
    suite::an_extended_hold_lets_renewals_go_on(locks.as_ref()).await;
}

async fn sql_lock_manager_conforms(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    run_suite(Arc::new(SqlLockManager::new(
        app.database().connection().clone(),
    )))
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sql_lock_manager_conforms_on_sqlite() {
    sql_lock_manager_conforms(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sql_lock_manager_conforms_on_postgres() {
    sql_lock_manager_conforms(Backend::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_lock_manager_conforms() {
    let Some(url) = redis_url() else { return };
    run_suite(Arc::new(
        Redis::connect(&url, false, 8).unwrap().lock_manager(),
    ))
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_lock_manager_conforms_on_redis_cluster() {
    let Some(urls) = redis_cluster_url() else {
        return;
    };
    run_suite(Arc::new(
        Redis::connect(&urls, true, 8).unwrap().lock_manager(),
    ))
    .await;
}
