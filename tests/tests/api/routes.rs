//! Every route of the contract refuses anonymous callers, except the few that must not.

use reqwest::{Method, StatusCode};
use serde_json::Value;
use tests::{test_on_every_database, Backend, TestApp};

/// The operations anyone may call: signing in, and health for load balancers.
const PUBLIC: &[(&str, &str)] = &[
    ("post", "/api/v1/auth/login"),
    ("post", "/api/v1/auth/refresh"),
    ("get", "/health/live"),
    ("get", "/health/ready"),
];

async fn every_route_but_login_refresh_and_health_refuses_anonymous_calls(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let contract: Value = serde_json::to_value(api::openapi::document()).unwrap();
    let mut checked = 0;
    for (path, item) in contract["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let public = PUBLIC.contains(&(method.as_str(), path.as_str()));
            // A public operation says so with an empty list (`security: []`).
            let declares_security = operation["security"]
                .as_array()
                .is_some_and(|requirements| !requirements.is_empty());
            assert_eq!(
                declares_security, !public,
                "{method} {path}: the contract's security must match"
            );
            if public {
                continue;
            }
            let concrete = path.replace("{id}", &uuid::Uuid::now_v7().to_string());
            let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let response = app
                .client
                .request(method.clone(), app.url(&concrete))
                .header("content-type", "application/json")
                .body("{}")
                .send()
                .await
                .unwrap();
            assert_eq!(
                response.status(),
                StatusCode::UNAUTHORIZED,
                "{method} {path} answered anonymously"
            );
            checked += 1;
        }
    }
    assert!(checked >= 10, "only {checked} protected operations found");
    for (path, expected) in [
        ("/metrics", StatusCode::OK),
        ("/openapi.json", StatusCode::OK),
        ("/docs/", StatusCode::OK),
    ] {
        assert_eq!(app.get(path).await.status(), expected, "{path} is public");
    }
}

test_on_every_database!(every_route_but_login_refresh_and_health_refuses_anonymous_calls);
