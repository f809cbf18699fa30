//! The committed contract is what the code generates, and what the server serves.

use reqwest::StatusCode;
use serde_json::Value;
use tests::{test_on_every_database, Backend, TestApp};

#[test]
fn committed_openapi_yaml_matches_the_code() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../openapi.yaml");
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    let generated = api::openapi::yaml().unwrap();
    assert!(
        committed == generated,
        "openapi.yaml differs from the code's contract; regenerate it with \
         `cargo run -q -p api -- openapi > openapi.yaml` and review the diff"
    );
}

#[test]
fn the_contract_is_openapi_3_1_with_problem_answers() {
    let document: Value = serde_json::to_value(api::openapi::document()).unwrap();
    assert!(document["openapi"].as_str().unwrap().starts_with("3.1"));
    assert!(document["components"]["schemas"]["Problem"].is_object());
    let ready_503 = &document["paths"]["/health/ready"]["get"]["responses"]["503"];
    assert!(
        ready_503["content"]["application/problem+json"].is_object(),
        "{ready_503}"
    );
}

async fn the_server_serves_the_contract_and_swagger_ui(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let served: Value = app.get("/openapi.json").await.json().await.unwrap();
    let generated = serde_json::to_value(api::openapi::document()).unwrap();
    assert_eq!(served, generated);

    let response = app.get("/docs/").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.text().await.unwrap().contains("swagger"));
    let redirected = app.get("/docs").await;
    assert_eq!(redirected.status(), StatusCode::OK, "/docs leads to the UI");
}

test_on_every_database!(the_server_serves_the_contract_and_swagger_ui);
