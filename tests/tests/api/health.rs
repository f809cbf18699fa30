//! `/health/live` and `/health/ready`.

use reqwest::StatusCode;
use serde_json::Value;
use tests::{redis_url, test_on_every_database, Backend, TestApp};

fn component<'a>(body: &'a Value, name: &str) -> &'a Value {
    body["components"]
        .as_array()
        .and_then(|all| all.iter().find(|c| c["name"] == name))
        .unwrap_or_else(|| panic!("no {name} component in {body}"))
}

async fn ready_when_the_database_answers(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let response = app.get("/health/ready").await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["status"], "ready");
    assert_eq!(component(&body, "database")["status"], "up");
}

async fn not_ready_while_the_database_is_down_but_still_alive(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    assert_eq!(app.get("/health/ready").await.status(), StatusCode::OK);
    let token = app.admin_token().await;

    app.test_database.take_down(app.database()).await;

    let me = app
        .authed(reqwest::Method::GET, "/api/v1/me", &token)
        .send()
        .await
        .unwrap();
    assert_eq!(
        me.status(),
        StatusCode::SERVICE_UNAVAILABLE,
        "an outage is no server bug"
    );
    assert!(me.headers().contains_key("retry-after"));
    assert_eq!(
        me.json::<Value>().await.unwrap()["code"],
        "service_unavailable"
    );

    let response = app.get("/health/ready").await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["code"], "not_ready");
    assert_ne!(component(&body, "database")["status"], "up");
    assert!(
        !body.to_string().contains("practica_test_"),
        "the cause leaked into the body: {body}"
    );
    // Liveness does not depend on the database: restarting this node would not help.
    assert_eq!(app.get("/health/live").await.status(), StatusCode::OK);

    if app.test_database.bring_back().await {
        let response = app.get("/health/ready").await;
        assert_eq!(
            response.status(),
            StatusCode::OK,
            "ready again once the database is back"
        );
    }
}

async fn not_ready_when_redis_is_configured_but_unreachable(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, |settings| {
        // Nothing listens on port 1.
        settings.redis_url = Some("redis://127.0.0.1:1".to_owned());
    })
    .await
    else {
        return;
    };
    let response = app.get("/health/ready").await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    let body: Value = response.json().await.unwrap();
    assert_eq!(component(&body, "database")["status"], "up");
    assert_ne!(component(&body, "redis")["status"], "up");
}

async fn ready_with_a_reachable_redis(backend: Backend) {
    let Some(redis) = redis_url() else { return };
    let Some(app) = TestApp::spawn_with(backend, |s| s.redis_url = Some(redis)).await else {
        return;
    };
    let response = app.get("/health/ready").await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert_eq!(component(&body, "redis")["status"], "up");
}

test_on_every_database!(
    ready_when_the_database_answers,
    not_ready_while_the_database_is_down_but_still_alive,
    not_ready_when_redis_is_configured_but_unreachable,
    ready_with_a_reachable_redis,
);
