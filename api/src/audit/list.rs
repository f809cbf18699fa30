use actix_web::{get, web};
use chrono::{DateTime, Utc};
use domain::audit::{AuditEvent, AuditFilter, AuditTrail};
use domain::auth::UserId;
use domain::PageRequest;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::error::{ApiError, Problem};
use crate::http::{Caller, Cursor, PageBody};

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[into_params(parameter_in = Query, rename_all = "camelCase")]
pub struct AuditQuery {
    pub patient_id: Option<Uuid>,
    pub actor_id: Option<Uuid>,
    /// Events at or after this instant (RFC 3339).
    pub from: Option<DateTime<Utc>>,
    /// Events before this instant (RFC 3339).
    pub to: Option<DateTime<Utc>>,
    /// Items per page, 1 to 200; 50 when absent.
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
    /// `nextCursor` of the previous page; absent for the first page.
    #[param(pattern = "^[A-Za-z0-9_-]{21}[AQgw]$")]
    pub cursor: Option<String>,
}

/// One read or change of patient data.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AuditEventBody {
    pub id: Uuid,
    pub actor_id: Uuid,
    pub session_id: Uuid,
    /// What was done to a record (`create`, `read`, `list`, `update`, `archive`,
    /// `sign`, `amend`, `delete`, `lock`, `unlock`, `break_lock`, `read_lock`,
    /// `extend_lock`) or an account
    /// (`sign_in`, `sign_in_failed`, `sign_out`, `end_session`, `end_sessions`,
    /// `change_password`, `run_job`), or a node's `start`.
    pub action: String,
    pub resource_type: String,
    pub resource_id: Uuid,
    pub patient_id: Option<Uuid>,
    pub occurred_at: DateTime<Utc>,
    pub node_id: String,
    /// The server's own id of the request (its log lines carry it).
    pub request_id: String,
    /// The `X-Request-Id` the client or its load balancer sent, if a sane one.
    pub client_request_id: Option<String>,
    /// Where the request came from (the load balancer's `X-Forwarded-For` when trusted).
    pub client_ip: Option<String>,
    pub user_agent: Option<String>,
    /// `success`, or `refused` for an access the caller was denied.
    pub outcome: String,
    /// What the action does not say: a node's backends at its `start`.
    pub detail: Option<String>,
}

impl From<AuditEvent> for AuditEventBody {
    fn from(event: AuditEvent) -> Self {
        Self {
            id: event.id,
            actor_id: event.actor.as_uuid(),
            session_id: event.session.as_uuid(),
            action: event.action,
            resource_type: event.resource_type,
            resource_id: event.resource_id,
            patient_id: event.patient_id,
            occurred_at: event.occurred_at,
            node_id: event.node_id,
            request_id: event.request_id,
            client_request_id: event.client_request_id,
            client_ip: event.client_ip,
            user_agent: event.user_agent,
            outcome: event.outcome,
            detail: event.detail,
        }
    }
}

/// The audit trail, oldest first, filtered by patient, actor and time.
#[utoipa::path(
    tag = "audit",
    security(("bearer" = [])),
    params(AuditQuery),
    responses(
        (status = 200, description = "A page of events", body = PageBody<AuditEventBody>),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("")]
pub async fn list_audit_events(
    caller: Caller,
    query: web::Query<AuditQuery>,
    trail: web::Data<AuditTrail>,
) -> Result<web::Json<PageBody<AuditEventBody>>, ApiError> {
    let page = PageRequest::new(
        query.limit,
        query.cursor.as_deref().map(Cursor::decode).transpose()?,
    )?;
    let filter = AuditFilter {
        patient_id: query.patient_id,
        actor: query.actor_id.map(UserId::from_uuid),
        from: query.from,
        to: query.to,
    };
    let events = trail
        .list(&caller.principal, &caller.audit, filter, page)
        .await?;
    Ok(web::Json(PageBody::from_page(events, AuditEventBody::from)))
}
