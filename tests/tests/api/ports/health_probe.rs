use domain::health::conformance;
use persistence::Redis;
use tests::{redis_cluster_url, redis_url, Backend, TestApp};

async fn sql_probe_conforms(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let probe = app.database().health_probe();
    conformance::reports_up_when_reachable(probe.as_ref()).await;
    app.test_database.take_down(app.database()).await;
    conformance::reports_down_when_unreachable(probe.as_ref()).await;
}

#[tokio::test]
async fn sql_probe_conforms_on_sqlite() {
    sql_probe_conforms(Backend::Sqlite).await;
}

#[tokio::test]
async fn sql_probe_conforms_on_postgres() {
    sql_probe_conforms(Backend::Postgres).await;
}

#[tokio::test]
async fn redis_probe_conforms() {
    let Some(url) = redis_url() else { return };
    let reachable = Redis::connect(&url, false, 2).unwrap().health_probe();
    conformance::reports_up_when_reachable(reachable.as_ref()).await;
    let unreachable = Redis::connect("redis://127.0.0.1:1", false, 2)
        .unwrap()
        .health_probe();
    conformance::reports_down_when_unreachable(unreachable.as_ref()).await;
}

#[tokio::test]
async fn redis_cluster_probe_conforms() {
    let Some(urls) = redis_cluster_url() else {
        return;
    };
    let reachable = Redis::connect(&urls, true, 2).unwrap().health_probe();
    conformance::reports_up_when_reachable(reachable.as_ref()).await;
    let unreachable = Redis::connect("redis://127.0.0.1:1", true, 2)
        .unwrap()
        .health_probe();
    conformance::reports_down_when_unreachable(unreachable.as_ref()).await;
}
