//! Request ids and metrics.

use reqwest::StatusCode;
use tests::{test_on_every_database, Backend, TestApp};

async fn a_request_id_is_echoed_or_generated(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let response = app
        .client
        .get(app.url("/health/live"))
        .header("x-request-id", "lb-7f3a.42")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["x-request-id"], "lb-7f3a.42");

    let generated = app.get("/api/v1/nowhere").await;
    assert_eq!(generated.status(), StatusCode::NOT_FOUND);
    let id = generated.headers()["x-request-id"].to_str().unwrap();
    let id = uuid::Uuid::parse_str(id).expect("a generated id is a UUID");
    assert_eq!(id.get_version_num(), 7);

    let unsafe_id = app
        .client
        .get(app.url("/health/live"))
        .header("x-request-id", "evil id with spaces")
        .send()
        .await
        .unwrap();
    assert_ne!(unsafe_id.headers()["x-request-id"], "evil id with spaces");
}

async fn metrics_count_requests_by_route_and_status_and_show_the_pool(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    for _ in 0..3 {
        app.get("/health/live").await;
    }
    app.get("/api/v1/patients/0192f3a4-7b1c-7def-8123-456789abcdef")
        .await;
    app.get("/api/v1/no-such-thing/0192f3a4-7b1c-7def-8123-456789abcdef")
        .await;

    let response = app.get("/metrics").await;
    assert_eq!(response.status(), StatusCode::OK);
    let text = response.text().await.unwrap();
    assert!(
        text.contains(
            r#"practica_http_requests_total{method="GET",route="/health/live",status="200"} 3"#
        ),
        "{text}"
    );
    assert!(
        text.contains(r#"route="<unmatched>",status="404""#),
        "{text}"
    );
    assert!(
        text.contains(r#"route="/api/v1/patients/{id}",status="401""#),
        "routes are labelled by pattern: {text}"
    );
    assert!(
        !text.contains("0192f3a4"),
        "raw paths must not become labels"
    );
    assert!(text.contains("practica_http_request_duration_seconds_bucket"));
    let backend_label = match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };
    assert!(
        text.contains(&format!(
            r#"practica_db_pool_max_connections{{backend="{backend_label}"}} 5"#
        )),
        "{text}"
    );
    assert!(text.contains(r#"practica_db_pool_connections{backend"#));
}

test_on_every_database!(
    a_request_id_is_echoed_or_generated,
    metrics_count_requests_by_route_and_status_and_show_the_pool,
);
