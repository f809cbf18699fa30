use std::future::{ready, Ready};

use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};
use domain::audit::{AuditContext, RequestOrigin};
use domain::auth::Principal;
use futures_util::future::LocalBoxFuture;

use crate::auth::Authenticated;
use crate::error::ApiError;
use crate::http::client_info;
use crate::middleware::RequestId;
use crate::settings::Settings;

/// This node's name in audit events and logs.
#[derive(Debug, Clone)]
pub struct NodeId(pub String);

/// Which request this is and where it comes from, as the audit trail records it.
pub struct Origin(pub RequestOrigin);

impl Origin {
    pub(crate) fn of(request: &HttpRequest) -> Result<RequestOrigin, ApiError> {
        // why: an audit row without its request or node cannot be traced; a route that
        // misses the middleware or the node's name is a wiring fault, not a client's.
        let request_id = request
            .extensions()
            .get::<RequestId>()
            .cloned()
            .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("the request has no request id")))?;
        let node_id = request
            .app_data::<web::Data<NodeId>>()
            .map(|node| node.0.clone())
            .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("the app has no node id")))?;
        let trusted_proxies = request
            .app_data::<web::Data<Settings>>()
            .map(|settings| settings.http.trusted_proxies.clone())
            .unwrap_or_default();
        let client = client_info(request, &trusted_proxies);
        Ok(RequestOrigin {
            request_id: request_id.server,
            client_request_id: request_id.client,
            node_id,
            client_ip: client.ip,
            user_agent: client.user_agent,
        })
    }
}

impl FromRequest for Origin {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Origin::of(request).map(Origin))
    }
}

/// A signed-in caller and the audit context of their request: who, which session,
/// which request, which node, from where. Handlers of patient data take this.
pub struct Caller {
    pub principal: Principal,
    pub audit: AuditContext,
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(request: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let authenticated = Authenticated::from_request(request, payload);
        let origin = Origin::of(request);
        let request = request.clone();
        Box::pin(async move {
            let Authenticated(principal) = authenticated.await?;
            let audit = AuditContext::of(&principal, origin?);
            // why: so that a refusal of this caller's access can be audited after the
            // handler answers (`middleware::audit_refusals`).
            request.extensions_mut().insert(audit.clone());
            Ok(Caller { principal, audit })
        })
    }
}
