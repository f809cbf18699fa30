use actix_web::{get, web, HttpResponse};
use chrono::{DateTime, Utc};
use domain::jobs::Jobs;
use domain::notifications::Notification;
use domain::schedule::AppointmentId;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::error::{ApiError, Problem};
use crate::http::{Caller, PageBody, PageQuery};

/// A notification in the outbox.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NotificationBody {
    pub id: Uuid,
    /// `appointment_reminder`.
    pub kind: String,
    pub appointment_id: Uuid,
    pub patient_id: Uuid,
    /// The appointment's start the notification speaks of.
    pub starts_at: DateTime<Utc>,
    /// `pending` (for a sender) or `withdrawn` (no longer true: not to send).
    pub status: String,
    pub created_at: DateTime<Utc>,
}

impl From<Notification> for NotificationBody {
    fn from(notification: Notification) -> Self {
        Self {
            id: notification.id,
            kind: notification.kind.as_str().to_owned(),
            appointment_id: notification.appointment_id.as_uuid(),
            patient_id: notification.patient_id.as_uuid(),
            starts_at: notification.starts_at,
            status: notification.status.as_str().to_owned(),
            created_at: notification.created_at,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query, rename_all = "camelCase")]
pub struct NotificationQuery {
    /// Only this appointment's notifications.
    #[param(value_type = Option<Uuid>)]
    pub appointment_id: Option<AppointmentId>,
    /// Items per page, 1 to 200; 50 when absent.
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
    /// `nextCursor` of the previous page; absent for the first page.
    #[param(pattern = "^[A-Za-z0-9_-]{21}[AQgw]$")]
    pub cursor: Option<String>,
}

/// The notification outbox (appointment reminders), oldest first.
#[utoipa::path(
    tag = "jobs",
    security(("bearer" = [])),
    params(NotificationQuery),
    responses(
        (status = 200, description = "The notifications", body = PageBody<NotificationBody>),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/notifications")]
pub async fn list_notifications(
    caller: Caller,
    query: web::Query<NotificationQuery>,
    jobs: web::Data<Jobs>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let page = PageQuery {
        limit: query.limit,
        cursor: query.cursor,
    }
    .parse()?;
    let notifications = jobs
        .notifications(&caller.principal, &caller.audit, query.appointment_id, page)
        .await?;
    Ok(HttpResponse::Ok().json(PageBody::from_page(notifications, NotificationBody::from)))
}
