//! Graceful shutdown: stop accepting, let in-flight requests finish, then stop.

use std::time::Duration;

use reqwest::StatusCode;
use tests::{test_on_every_database, Backend, TestApp};

async fn a_graceful_stop_lets_in_flight_requests_finish(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let in_flight = tokio::spawn({
        let client = app.client.clone();
        let url = app.url("/test/slow");
        async move { client.get(url).send().await }
    });
    // why: long enough for the request to reach a busy test machine's node (its jobs
    // run at start), well within the 1.5 s the handler takes.
    tokio::time::sleep(Duration::from_millis(600)).await;

    // The same stop that SIGTERM and Ctrl-C trigger.
    app.server().stop(true).await;

    let response = in_flight
        .await
        .unwrap()
        .expect("the in-flight request is answered");
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.text().await.unwrap(), "finished");
    let after = reqwest::Client::new()
        .get(app.url("/health/live"))
        .send()
        .await;
    assert!(after.is_err(), "a stopped node accepts no new connection");
}

test_on_every_database!(a_graceful_stop_lets_in_flight_requests_finish);
