//! Routes the test suite mounts beside the contract, to exercise the machinery every
//! real route shares (JSON limits, panic capture, graceful shutdown). Never in the contract.

use std::time::Duration;

use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};

#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct Echo {
    message: String,
}

pub fn test_routes(config: &mut web::ServiceConfig) {
    config
        .route("/test/echo", web::post().to(echo))
        .route("/test/panic", web::get().to(panic))
        .route("/test/slow", web::get().to(slow));
}

async fn echo(body: web::Json<Echo>) -> web::Json<Echo> {
    body
}

async fn panic() -> HttpResponse {
    panic!("a handler bug, on purpose")
}

async fn slow() -> HttpResponse {
    tokio::time::sleep(Duration::from_millis(1500)).await;
    HttpResponse::Ok().body("finished")
}
