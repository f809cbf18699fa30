//! The middleware every request passes, outermost first: security headers, the metrics
//! port's own route, observation (request id, span, access log, metrics), CORS, the
//! limits on backend work, the audit of refused access, idempotency, problem bodies for
//! bare errors, panic capture.

mod audit_refusals;
mod catch_panic;
mod cors;
mod idempotency;
mod metrics_port;
mod observe;
mod request_limits;
mod security_headers;

pub use audit_refusals::{audit_refusals, AuditWriter};
pub use catch_panic::catch_panic;
pub use cors::cors;
pub use idempotency::{
    carrying_credentials, idempotency, Idempotency, IDEMPOTENCY_KEY_HEADER, REPLAYED_HEADER,
};
pub use metrics_port::{metrics_port, MetricsAddress};
pub use observe::{observe, RequestId, REQUEST_ID_HEADER};
pub use request_limits::request_limits;
pub use security_headers::security_headers;
