//! A browser app on another origin: granted when its origin is on the allow-list, with
//! the headers the contract uses; any other origin gets no grant.

use reqwest::{Method, StatusCode};
use tests::{access_token, Backend, TestApp, ADMIN_PASSWORD};

const APP: &str = "http://127.0.0.1:5173";

async fn app_allowing(origins: &[&str]) -> TestApp {
    let origins: Vec<String> = origins.iter().map(|origin| (*origin).to_owned()).collect();
    TestApp::spawn_with(Backend::Sqlite, move |settings| {
        settings.http.cors_allowed_origins = origins;
    })
    .await
    .expect("SQLite always runs")
}

fn header(response: &reqwest::Response, name: &str) -> String {
    response
        .headers()
        .get(name)
        .map(|value| value.to_str().unwrap().to_ascii_lowercase())
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_allowed_origin_may_send_the_contracts_headers_and_read_its_answers() {
    let app = app_allowing(&[APP]).await;
    let preflight = app
        .client
        .request(
            Method::OPTIONS,
            app.url("/api/v1/patients/0190a0f0-0000-7000-8000-000000000000"),
        )
        .header("origin", APP)
        .header("access-control-request-method", "PUT")
        .header(
            "access-control-request-headers",
            "authorization, content-type, if-match, idempotency-key, lock-token, x-request-id",
        )
        .send()
        .await
        .unwrap();
    assert!(preflight.status().is_success(), "{}", preflight.status());
    assert_eq!(header(&preflight, "access-control-allow-origin"), APP);
    let allowed = header(&preflight, "access-control-allow-headers");
    for wanted in [
        "authorization",
        "if-match",
        "idempotency-key",
        "lock-token",
        "x-request-id",
    ] {
        assert!(allowed.contains(wanted), "{wanted} in {allowed}");
    }
    assert!(header(&preflight, "access-control-allow-methods").contains("put"));

    let pair = app.login("admin", ADMIN_PASSWORD).await;
    let me = app
        .authed(Method::GET, "/api/v1/me", &access_token(&pair))
        .header("origin", APP)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), StatusCode::OK);
    assert_eq!(header(&me, "access-control-allow-origin"), APP);
    let exposed = header(&me, "access-control-expose-headers");
    for wanted in [
        "etag",
        "location",
        "retry-after",
        "content-range",
        "x-request-id",
        "idempotent-replayed",
    ] {
        assert!(exposed.contains(wanted), "{wanted} in {exposed}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_origin_gets_no_grant_and_none_is_granted_by_default() {
    for app in [app_allowing(&[APP]).await, app_allowing(&[]).await] {
        let preflight = app
            .client
            .request(Method::OPTIONS, app.url("/api/v1/me"))
            .header("origin", "http://evil.example")
            .header("access-control-request-method", "GET")
            .header("access-control-request-headers", "authorization")
            .send()
            .await
            .unwrap();
        assert_eq!(header(&preflight, "access-control-allow-origin"), "");
        let answer = app
            .client
            .get(app.url("/health/live"))
            .header("origin", "http://evil.example")
            .send()
            .await
            .unwrap();
        assert_eq!(
            answer.status(),
            StatusCode::OK,
            "the request itself is served"
        );
        assert_eq!(header(&answer, "access-control-allow-origin"), "");
    }
}
