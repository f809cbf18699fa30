use actix_web::{get, web, HttpResponse};
use chrono::{DateTime, Utc};
use domain::jobs::{Jobs, NodeStatus};
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::{ApiError, Problem};
use crate::http::Caller;

/// A node of the cluster, as it last reported itself.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NodeBody {
    #[schema(example = "node-a")]
    pub name: String,
    pub host: String,
    #[schema(example = "10.0.0.11:8080")]
    pub listen_address: String,
    pub process_id: u32,
    pub version: String,
    pub started_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    /// Silent for three scheduler ticks: taken for gone.
    pub gone: bool,
}

/// The cluster's nodes.
#[derive(Debug, Serialize, ToSchema)]
pub struct NodeList {
    pub items: Vec<NodeBody>,
}

impl From<NodeStatus> for NodeBody {
    fn from(status: NodeStatus) -> Self {
        let record = status.record;
        Self {
            name: record.info.name,
            host: record.info.host,
            listen_address: record.info.listen_address,
            process_id: record.info.process_id,
            version: record.info.version,
            started_at: record.started_at,
            last_seen_at: record.last_seen_at,
            gone: status.gone,
        }
    }
}

/// Every node that has heartbeated, most recently seen first.
#[utoipa::path(
    tag = "jobs",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The nodes", body = NodeList),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/nodes")]
pub async fn list_nodes(caller: Caller, jobs: web::Data<Jobs>) -> Result<HttpResponse, ApiError> {
    let nodes = jobs.nodes(&caller.principal).await?;
    Ok(HttpResponse::Ok().json(NodeList {
        items: nodes.into_iter().map(NodeBody::from).collect(),
    }))
}
