//! What every answer carries, what is never stored for replay, and where metrics are served.

use reqwest::{Method, StatusCode};
use serde_json::json;
use tests::{access_token, test_on_every_database, Backend, TestApp, ADMIN_PASSWORD};

async fn metrics_keep_one_label_for_every_invented_method(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    for invented in ["FOO", "BAR", "BAZQUUX"] {
        let method = Method::from_bytes(invented.as_bytes()).unwrap();
        app.client
            .request(method, app.url("/health/live"))
            .send()
            .await
            .unwrap();
    }
    let text = app.get("/metrics").await.text().await.unwrap();
    for invented in ["FOO", "BAR", "BAZQUUX"] {
        assert!(
            !text.contains(invented),
            "{invented} became a label: {text}"
        );
    }
    let others: Vec<&str> = text
        .lines()
        .filter(|line| line.starts_with(r#"practica_http_requests_total{method="OTHER""#))
        .collect();
    assert_eq!(others.len(), 1, "one series for them all: {others:?}");
    assert!(others[0].ends_with(" 3"), "{others:?}");
}

async fn every_answer_carries_the_security_headers(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let admin = app.admin_token().await;
    let api = app
        .authed(Method::GET, "/api/v1/me", &admin)
        .send()
        .await
        .unwrap();
    assert_eq!(api.status(), StatusCode::OK);
    let refused = app.get("/api/v1/patients").await;
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    let unknown = app.get("/api/v1/nowhere").await;
    let health = app.get("/health/live").await;
    for (what, response) in [
        ("me", &api),
        ("401", &refused),
        ("404", &unknown),
        ("health", &health),
    ] {
        let headers = response.headers();
        assert_eq!(headers["x-content-type-options"], "nosniff", "{what}");
        assert_eq!(headers["referrer-policy"], "no-referrer", "{what}");
        assert_eq!(
            headers["content-security-policy"], "default-src 'none'; frame-ancestors 'none'",
            "{what}"
        );
    }
    for (what, response) in [("me", &api), ("401", &refused), ("404", &unknown)] {
        assert_eq!(response.headers()["cache-control"], "no-store", "{what}");
    }
    let docs = app.get("/docs/").await;
    assert_eq!(docs.status(), StatusCode::OK);
    let policy = docs.headers()["content-security-policy"].to_str().unwrap();
    assert!(policy.contains("script-src 'self'"), "{policy}");
    assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
}

async fn answers_carrying_credentials_are_never_stored_for_replay(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let pair = app.login("admin", ADMIN_PASSWORD).await;
    let access = access_token(&pair);
    // The raw path spells `auth` another way; the router still matches the refresh.
    let refreshed = app
        .client
        .post(app.url("/api/v1/%61uth/refresh"))
        .bearer_auth(&access)
        .header("idempotency-key", "keep-my-tokens")
        .json(&json!({ "refreshToken": pair["refreshToken"] }))
        .send()
        .await
        .unwrap();
    assert_eq!(refreshed.status(), StatusCode::OK);
    assert!(refreshed.headers().get("idempotent-replayed").is_none());

    let doctor = app.user_with_roles("doc", &["clinician"]).await;
    let patient = app.register_patient(&doctor, "Ada", "Lovelace").await;
    let locked = app
        .authed(Method::POST, "/api/v1/locks", &doctor)
        .header("idempotency-key", "keep-my-lock")
        .json(&json!({ "resource": format!("patients/{}", patient["id"].as_str().unwrap()) }))
        .send()
        .await
        .unwrap();
    assert_eq!(locked.status(), StatusCode::CREATED);
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM idempotency_keys")
            .await,
        0,
        "no token was stored to be replayed"
    );
}

async fn metrics_can_be_kept_off_the_client_port(backend: Backend) {
    let port = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        probe.local_addr().unwrap().port()
    };
    let metrics_listen: std::net::SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let Some(app) =
        TestApp::spawn_with(backend, |s| s.http.metrics_listen = Some(metrics_listen)).await
    else {
        return;
    };
    assert_eq!(app.get("/metrics").await.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        app.get("/%6Detrics").await.status(),
        StatusCode::NOT_FOUND,
        "however the path is spelled"
    );
    assert_eq!(app.get("/health/live").await.status(), StatusCode::OK);
    let metrics = format!("http://{metrics_listen}");
    let scraped = app
        .client
        .get(format!("{metrics}/metrics"))
        .send()
        .await
        .unwrap();
    assert_eq!(scraped.status(), StatusCode::OK);
    assert!(scraped
        .text()
        .await
        .unwrap()
        .contains("practica_http_requests_total"));
    let api = app
        .client
        .get(format!("{metrics}/health/live"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        api.status(),
        StatusCode::NOT_FOUND,
        "the metrics port serves metrics alone"
    );
}

test_on_every_database!(
    metrics_keep_one_label_for_every_invented_method,
    every_answer_carries_the_security_headers,
    answers_carrying_credentials_are_never_stored_for_replay,
    metrics_can_be_kept_off_the_client_port,
);
