use std::sync::Arc;

use domain::auth::conformance::session_store as suite;
use domain::auth::{SessionStore, UserId, UserRepository, Username};
use persistence::auth::{SqlSessionStore, SqlUserRepository};
use persistence::Redis;
use tests::{redis_cluster_url, redis_url, Backend, TestApp};

async fn run_suite(store: &dyn SessionStore, user: UserId) {
    suite::a_created_session_is_live_and_found(store, user).await;
    suite::a_revoked_session_is_refused(store, user).await;
    suite::idle_and_absolute_expiry_end_a_session(store, user).await;
    suite::rotation_is_atomic_and_keeps_the_previous_hash(store, user).await;
    suite::revoking_all_of_a_users_sessions_can_keep_one(store, user).await;
    suite::an_expired_token_extends_nothing(store, user).await;
}

/// The bootstrap admin of a fresh app: a user that exists in its database.
async fn admin_of(app: &TestApp) -> UserId {
    let users = SqlUserRepository::new(app.database().connection().clone());
    let admin = users
        .find_by_username(&Username::parse("admin").unwrap())
        .await
        .unwrap();
    admin.expect("the bootstrap admin").user.id
}

async fn sql_session_store_conforms(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let store: Arc<dyn SessionStore> =
        Arc::new(SqlSessionStore::new(app.database().connection().clone()));
    run_suite(store.as_ref(), admin_of(&app).await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sql_session_store_conforms_on_sqlite() {
    sql_session_store_conforms(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sql_session_store_conforms_on_postgres() {
    sql_session_store_conforms(Backend::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_session_store_conforms() {
    let Some(url) = redis_url() else { return };
    let store = Redis::connect(&url, false, 4).unwrap().session_store();
    run_suite(&store, UserId::generate()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_session_store_conforms_on_redis_cluster() {
    let Some(urls) = redis_cluster_url() else {
        return;
    };
    let store = Redis::connect(&urls, true, 4).unwrap().session_store();
    run_suite(&store, UserId::generate()).await;
}
