use actix_web::http::header::{ETAG, LOCATION};
use actix_web::http::StatusCode;
use actix_web::HttpResponse;
use chrono::{DateTime, Utc};
use domain::auth::UserId;
use domain::error::FieldErrors;
use domain::patients::PatientId;
use domain::schedule::{
    Appointment, AppointmentChanges, AppointmentFilter, AppointmentStatus, NewAppointment, Reason,
    TimeSlot,
};
use domain::DomainError;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::http::etag;

/// Where an appointment stands: `scheduled` -> `checked_in` -> `completed`; a scheduled
/// one may be `cancelled` or a `no_show`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AppointmentStatusCode {
    Scheduled,
    CheckedIn,
    Completed,
    Cancelled,
    NoShow,
}

fn instant(field: &str, raw: &str, errors: &mut FieldErrors) -> Option<DateTime<Utc>> {
    errors.take(
        field,
        DateTime::parse_from_rfc3339(raw.trim())
            .map(|t| t.with_timezone(&Utc))
            .map_err(|_| "must be an RFC 3339 time such as 2026-12-01T09:30:00Z".to_owned()),
    )
}

fn slot(
    start: Option<DateTime<Utc>>,
    end: Option<DateTime<Utc>>,
    errors: &mut FieldErrors,
) -> Option<TimeSlot> {
    let (start, end) = (start?, end?);
    errors.take("end", TimeSlot::new(start, end))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct BookingInput {
    pub patient_id: Uuid,
    /// An active clinician, from `/api/v1/providers`.
    pub provider_id: Uuid,
    #[schema(value_type = String, format = DateTime, example = "2026-12-01T09:30:00Z")]
    pub start: String,
    #[schema(value_type = String, format = DateTime, example = "2026-12-01T10:00:00Z")]
    pub end: String,
    #[serde(default)]
    #[schema(schema_with = crate::http::text_fields::reason)]
    pub reason: String,
}

impl BookingInput {
    pub fn parse(self) -> Result<NewAppointment, DomainError> {
        let mut errors = FieldErrors::default();
        let start = instant("start", &self.start, &mut errors);
        let end = instant("end", &self.end, &mut errors);
        let slot = slot(start, end, &mut errors);
        let reason = errors.take("reason", Reason::parse(&self.reason));
        errors.into_result()?;
        match (slot, reason) {
            (Some(slot), Some(reason)) => Ok(NewAppointment {
                patient_id: PatientId::from_uuid(self.patient_id),
                provider_id: UserId::from_uuid(self.provider_id),
                slot,
                reason,
            }),
            _ => Err(DomainError::internal(anyhow::anyhow!(
                "parsed booking fields went missing"
            ))),
        }
    }
}

/// A reschedule (`start` and `end` together), a status change, or a new reason.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AppointmentPatch {
    #[schema(value_type = Option<String>, format = DateTime)]
    pub start: Option<String>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub end: Option<String>,
    #[schema(value_type = Option<AppointmentStatusCode>)]
    pub status: Option<String>,
    #[schema(schema_with = crate::http::text_fields::optional_reason)]
    pub reason: Option<String>,
}

impl AppointmentPatch {
    pub fn parse(self) -> Result<AppointmentChanges, DomainError> {
        let mut errors = FieldErrors::default();
        let slot = match (&self.start, &self.end) {
            (None, None) => None,
            (Some(start), Some(end)) => {
                let start = instant("start", start, &mut errors);
                let end = instant("end", end, &mut errors);
                slot(start, end, &mut errors)
            }
            (Some(_), None) => errors.take(
                "end",
                Err("must come with start when rescheduling".to_owned()),
            ),
            (None, Some(_)) => errors.take(
                "start",
                Err("must come with end when rescheduling".to_owned()),
            ),
        };
        let status = self
            .status
            .as_deref()
            .and_then(|raw| errors.take("status", AppointmentStatus::parse(raw)));
        let reason = self
            .reason
            .as_deref()
            .and_then(|raw| errors.take("reason", Reason::parse(raw)));
        errors.into_result()?;
        Ok(AppointmentChanges {
            slot,
            status,
            reason,
        })
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AppointmentBody {
    pub id: Uuid,
    pub patient_id: Uuid,
    pub provider_id: Uuid,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub reason: String,
    #[schema(value_type = AppointmentStatusCode)]
    pub status: &'static str,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Who is editing the record, when someone holds its lock (only on a single record's `GET`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lock: Option<crate::locks::dto::LockBody>,
}

impl From<Appointment> for AppointmentBody {
    fn from(appointment: Appointment) -> Self {
        Self {
            id: appointment.id.as_uuid(),
            patient_id: appointment.patient_id.as_uuid(),
            provider_id: appointment.provider_id.as_uuid(),
            start: appointment.slot.start(),
            end: appointment.slot.end(),
            reason: appointment.reason.as_str().to_owned(),
            status: appointment.status.as_str(),
            version: appointment.version.get(),
            created_at: appointment.created_at,
            updated_at: appointment.updated_at,
            lock: None,
        }
    }
}

pub fn appointment_response(status: StatusCode, appointment: Appointment) -> HttpResponse {
    let mut response = HttpResponse::build(status);
    response.insert_header((ETAG, etag(appointment.version)));
    if status == StatusCode::CREATED {
        response.insert_header((
            LOCATION,
            format!("/api/v1/appointments/{}", appointment.id.as_uuid()),
        ));
    }
    response.json(AppointmentBody::from(appointment))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[into_params(parameter_in = Query, rename_all = "camelCase")]
pub struct AppointmentQuery {
    pub provider_id: Option<Uuid>,
    pub patient_id: Option<Uuid>,
    /// Appointments ending after this instant (RFC 3339).
    pub from: Option<DateTime<Utc>>,
    /// Appointments starting before this instant (RFC 3339).
    pub to: Option<DateTime<Utc>>,
    /// Items per page, 1 to 200; 50 when absent.
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
    /// `nextCursor` of the previous page; absent for the first page.
    #[param(pattern = "^[A-Za-z0-9_-]{21}[AQgw]$")]
    pub cursor: Option<String>,
}

impl AppointmentQuery {
    pub fn filter(&self) -> AppointmentFilter {
        AppointmentFilter {
            provider_id: self.provider_id.map(UserId::from_uuid),
            patient_id: self.patient_id.map(PatientId::from_uuid),
            from: self.from,
            to: self.to,
        }
    }
}

/// A clinician one can book with.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProviderBody {
    pub id: Uuid,
    pub display_name: String,
    pub specialty: Option<String>,
}
