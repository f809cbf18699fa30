use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{web, ResponseError};

use crate::error::ApiError;

/// The address that serves `/metrics` alone, when `metrics_listen` is set.
#[derive(Debug, Clone, Copy)]
pub struct MetricsAddress(pub Option<std::net::SocketAddr>);

/// With a metrics address, `/metrics` answers there only, and nothing else does: the
/// metrics stay on the network the address faces, and the API off it.
pub async fn metrics_port(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let metrics_address = request
        .app_data::<web::Data<MetricsAddress>>()
        .and_then(|address| address.0);
    if let Some(metrics_address) = metrics_address {
        let on_metrics_port = request.request().app_config().local_addr() == metrics_address;
        // why: the path as the router reads it, decoded (`/%6Detrics` is `/metrics`).
        let wants_metrics = request.match_info().as_str() == "/metrics";
        if on_metrics_port != wants_metrics {
            let answer = ApiError::RouteNotFound.error_response();
            return Ok(request.into_response(answer));
        }
    }
    next.call(request)
        .await
        .map(ServiceResponse::map_into_boxed_body)
}
