use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};
use domain::audit::AuditContext;
use domain::auth::Principal;
use futures_util::future::LocalBoxFuture;

use crate::auth::Authenticated;
use crate::error::ApiError;
use crate::middleware::RequestId;

/// This node's name in audit events and logs.
#[derive(Debug, Clone)]
pub struct NodeId(pub String);

/// A signed-in caller and the audit context of their request: who, which session,
/// which request, which node. Handlers of patient data take this.
pub struct Caller {
    pub principal: Principal,
    pub audit: AuditContext,
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(request: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let authenticated = Authenticated::from_request(request, payload);
        // why: an audit row without its request or node cannot be traced; a route that
        // misses the middleware or the node's name is a wiring fault, not a client's.
        let request_id = request
            .extensions()
            .get::<RequestId>()
            .map(|id| id.0.clone());
        let node_id = request
            .app_data::<web::Data<NodeId>>()
            .map(|node| node.0.clone());
        Box::pin(async move {
            let Authenticated(principal) = authenticated.await?;
            let request_id = request_id.ok_or_else(|| {
                ApiError::Internal(anyhow::anyhow!("the request has no request id"))
            })?;
            let node_id = node_id
                .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("the app has no node id")))?;
            let audit = AuditContext {
                actor: principal.user_id,
                session: principal.session_id,
                request_id,
                node_id,
            };
            Ok(Caller { principal, audit })
        })
    }
}
