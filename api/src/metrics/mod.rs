//! Prometheus metrics: HTTP requests by route, method and status; database pool use.

mod pool;

use std::time::Duration;

use actix_web::{web, HttpResponse};
use persistence::Database;
use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounterVec, Opts, Registry, TextEncoder,
};

use crate::error::ApiError;
use pool::DatabasePoolCollector;

/// One node's metrics, in a registry of its own (several nodes can share a process in tests).
pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    request_duration: HistogramVec,
}

const LABELS: &[&str] = &["method", "route", "status"];

impl Metrics {
    pub fn new(database: &Database) -> prometheus::Result<Self> {
        let registry = Registry::new();
        let requests = IntCounterVec::new(
            Opts::new("practica_http_requests_total", "HTTP requests answered"),
            LABELS,
        )?;
        let request_duration = HistogramVec::new(
            HistogramOpts::new(
                "practica_http_request_duration_seconds",
                "Time from receiving a request to having its answer",
            ),
            LABELS,
        )?;
        registry.register(Box::new(requests.clone()))?;
        registry.register(Box::new(request_duration.clone()))?;
        registry.register(Box::new(DatabasePoolCollector::new(database.clone())?))?;
        Ok(Self {
            registry,
            requests,
            request_duration,
        })
    }

    /// Records one answered request. `route` is the matched pattern
    /// (`/api/v1/patients/{id}`), never the raw path, which keeps the series count
    /// bounded and ids out of the labels.
    pub fn observe(&self, method: &str, route: &str, status: u16, elapsed: Duration) {
        let status = status.to_string();
        let labels = [method, route, status.as_str()];
        self.requests.with_label_values(&labels).inc();
        self.request_duration
            .with_label_values(&labels)
            .observe(elapsed.as_secs_f64());
    }

    fn render(&self) -> anyhow::Result<String> {
        let mut buffer = Vec::new();
        TextEncoder::new().encode(&self.registry.gather(), &mut buffer)?;
        Ok(String::from_utf8(buffer)?)
    }
}

/// `GET /metrics` in the Prometheus text format.
pub async fn scrape(metrics: web::Data<Metrics>) -> Result<HttpResponse, ApiError> {
    let text = metrics.render().map_err(ApiError::Internal)?;
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(text))
}
