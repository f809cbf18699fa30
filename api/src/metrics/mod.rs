//! Prometheus metrics: HTTP requests by route, method and status; database pool use;
//! cluster job runs and leases.

mod pool;

use std::time::Duration;

use actix_web::{web, HttpResponse};
use domain::jobs::{JobName, JobObserver, RunOutcome};
use persistence::Database;
use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounterVec, IntGaugeVec, Opts, Registry, TextEncoder,
};

use crate::error::ApiError;
use pool::DatabasePoolCollector;

/// One node's metrics, in a registry of its own (several nodes can share a process in tests).
pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    request_duration: HistogramVec,
    job_runs: IntCounterVec,
    job_run_duration: HistogramVec,
    job_lease_held: IntGaugeVec,
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
        let job_runs = IntCounterVec::new(
            Opts::new(
                "practica_job_runs_total",
                "Cluster job runs on this node, by job and outcome",
            ),
            &["job", "outcome"],
        )?;
        let job_run_duration = HistogramVec::new(
            HistogramOpts::new(
                "practica_job_run_duration_seconds",
                "How long this node's runs of a cluster job took",
            ),
            &["job"],
        )?;
        let job_lease_held = IntGaugeVec::new(
            Opts::new(
                "practica_job_lease_held",
                "1 while this node holds the job's lease: summed over nodes, 1 per job",
            ),
            &["job"],
        )?;
        registry.register(Box::new(requests.clone()))?;
        registry.register(Box::new(request_duration.clone()))?;
        registry.register(Box::new(job_runs.clone()))?;
        registry.register(Box::new(job_run_duration.clone()))?;
        registry.register(Box::new(job_lease_held.clone()))?;
        registry.register(Box::new(DatabasePoolCollector::new(database.clone())?))?;
        Ok(Self {
            registry,
            requests,
            request_duration,
            job_runs,
            job_run_duration,
            job_lease_held,
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

impl JobObserver for Metrics {
    fn run_ended(&self, job: JobName, outcome: RunOutcome, elapsed: Duration) {
        self.job_runs
            .with_label_values(&[job.as_str(), outcome.as_str()])
            .inc();
        self.job_run_duration
            .with_label_values(&[job.as_str()])
            .observe(elapsed.as_secs_f64());
    }

    fn lease_held(&self, job: JobName, held: bool) {
        self.job_lease_held
            .with_label_values(&[job.as_str()])
            .set(i64::from(held));
    }
}

/// `GET /metrics` in the Prometheus text format.
pub async fn scrape(metrics: web::Data<Metrics>) -> Result<HttpResponse, ApiError> {
    let text = metrics.render().map_err(ApiError::Internal)?;
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(text))
}
