//! Every error answer is an RFC 9457 problem with a stable code.

use reqwest::{Response, StatusCode};
use serde_json::Value;
use tests::{test_on_every_database, Backend, TestApp};

async fn problem(response: Response, status: StatusCode, code: &str) -> Value {
    assert_eq!(response.status(), status);
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(content_type, "application/problem+json");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["status"], status.as_u16());
    assert_eq!(body["code"], code);
    assert_eq!(body["type"], format!("urn:practica:problem:{code}"));
    assert!(body["title"].as_str().is_some_and(|t| !t.is_empty()));
    assert!(body["detail"].as_str().is_some_and(|d| !d.is_empty()));
    body
}

async fn unknown_route_is_a_404_problem(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let response = app.get("/api/v1/no-such-thing").await;
    problem(response, StatusCode::NOT_FOUND, "route_not_found").await;
}

async fn a_known_route_with_the_wrong_method_is_a_405_problem(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let response = app
        .client
        .delete(app.url("/health/live"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["allow"], "GET");
    problem(
        response,
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
    )
    .await;
    let patient = app
        .client
        .request(
            reqwest::Method::PATCH,
            app.url("/api/v1/patients/0190a0f0-0000-7000-8000-000000000000"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(patient.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(patient.headers()["allow"], "GET, PUT, DELETE");
}

async fn malformed_json_is_a_400_problem_naming_the_position(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let response = app
        .client
        .post(app.url("/test/echo"))
        .header("content-type", "application/json")
        .body("{\n  \"message\": \"hello\",\n  oops\n}")
        .send()
        .await
        .unwrap();
    let body = problem(response, StatusCode::BAD_REQUEST, "malformed_json").await;
    let detail = body["detail"].as_str().unwrap();
    assert!(detail.contains("line 3"), "{detail}");
    assert!(detail.contains("column 3"), "{detail}");
}

async fn json_of_the_wrong_shape_is_a_422_problem(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let response = app
        .client
        .post(app.url("/test/echo"))
        .json(&serde_json::json!({ "message": "hi", "surplus": 1 }))
        .send()
        .await
        .unwrap();
    let body = problem(response, StatusCode::UNPROCESSABLE_ENTITY, "invalid_body").await;
    assert!(body["detail"].as_str().unwrap().contains("surplus"));
}

async fn a_body_that_is_not_json_is_a_415_problem(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let response = app
        .client
        .post(app.url("/test/echo"))
        .header("content-type", "text/plain")
        .body("{\"message\": \"hello\"}")
        .send()
        .await
        .unwrap();
    problem(
        response,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
    )
    .await;
}

async fn a_body_over_the_limit_is_a_413_problem(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, |s| s.http.max_body_bytes = 1024).await else {
        return;
    };
    let oversized = serde_json::json!({ "message": "x".repeat(2048) });
    let response = app
        .client
        .post(app.url("/test/echo"))
        .json(&oversized)
        .send()
        .await
        .unwrap();
    problem(response, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;

    // Without a Content-Length the limit holds while the body streams in.
    let chunks: Vec<Result<String, std::io::Error>> = (0..8)
        .map(|_| Ok(format!("{{\"message\": \"{}\"}}", "y".repeat(256))))
        .collect();
    let response = app
        .client
        .post(app.url("/test/echo"))
        .header("content-type", "application/json")
        .body(reqwest::Body::wrap_stream(futures_stream(chunks)))
        .send()
        .await
        .unwrap();
    problem(response, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;

    let fitting = serde_json::json!({ "message": "fits" });
    let response = app
        .client
        .post(app.url("/test/echo"))
        .json(&fitting)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.json::<Value>().await.unwrap(), fitting);
}

fn futures_stream(
    chunks: Vec<Result<String, std::io::Error>>,
) -> impl futures_core::Stream<Item = Result<String, std::io::Error>> {
    tokio_stream::iter(chunks)
}

async fn a_panicking_handler_answers_a_500_problem_and_the_node_keeps_serving(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    for _ in 0..3 {
        let response = app.get("/test/panic").await;
        assert!(response.headers().contains_key("x-request-id"));
        let body = problem(
            response,
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
        )
        .await;
        assert!(
            !body.to_string().contains("on purpose"),
            "the panic message leaked: {body}"
        );
    }
    assert_eq!(app.get("/health/live").await.status(), StatusCode::OK);
}

test_on_every_database!(
    unknown_route_is_a_404_problem,
    a_known_route_with_the_wrong_method_is_a_405_problem,
    malformed_json_is_a_400_problem_naming_the_position,
    json_of_the_wrong_shape_is_a_422_problem,
    a_body_that_is_not_json_is_a_415_problem,
    a_body_over_the_limit_is_a_413_problem,
    a_panicking_handler_answers_a_500_problem_and_the_node_keeps_serving,
);
