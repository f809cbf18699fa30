use domain::chart::entries::EntryKind;
use std::sync::Arc;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{web, HttpMessage};
use domain::audit::{AuditAction, AuditContext, AuditLog, AuditOutcome, NewAuditEvent};
use uuid::Uuid;

/// The audit trail's writer, for the events no repository writes: refused access, and
/// reads by a replayed answer.
#[derive(Clone)]
pub struct AuditWriter(pub Arc<dyn AuditLog>);

/// Records a refused access to a patient's record (HIPAA 164.312(b)): a signed-in
/// caller answered 403 on a record's address. Which record is known from the route;
/// the patient, on a patient's own addresses. The answer does not wait on a failed
/// write, which is logged.
pub async fn audit_refusals(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let log = request.app_data::<web::Data<AuditWriter>>().cloned();
    let response = next.call(request).await?;
    if response.status() != StatusCode::FORBIDDEN {
        return Ok(response);
    }
    let (Some(log), Some(context)) = (
        log,
        response
            .request()
            .extensions()
            .get::<AuditContext>()
            .cloned(),
    ) else {
        return Ok(response);
    };
    let pattern = response.request().match_pattern().unwrap_or_default();
    let id = response
        .request()
        .match_info()
        .get("id")
        .and_then(|id| id.parse::<Uuid>().ok());
    if let (Some(resource_type), Some(id)) = (record_of(&pattern), id) {
        let action = if response.request().method() == Method::GET {
            AuditAction::Read
        } else {
            AuditAction::Update
        };
        let event = NewAuditEvent {
            action,
            resource_type,
            resource_id: id,
            patient_id: (resource_type == "patient").then_some(id),
            outcome: AuditOutcome::Refused,
            detail: None,
        };
        if let Err(error) = log.0.record(&context, event).await {
            tracing::warn!(error = %error, "recording a refused access failed");
        }
    }
    Ok(response)
}

/// The kind of record a route's `{id}` names, for the records of patient data.
fn record_of(pattern: &str) -> Option<&'static str> {
    let rest = pattern.strip_prefix("/api/v1/")?;
    let (collection, after) = rest.split_once('/')?;
    if !after.starts_with("{id}") {
        return None;
    }
    match collection {
        "patients" => Some("patient"),
        "notes" => Some("note"),
        "documents" => Some("document"),
        "appointments" => Some("appointment"),
        "problems" => Some("problem"),
        other => EntryKind::from_plural(other).map(EntryKind::as_str),
    }
}

#[cfg(test)]
mod tests {
    use super::record_of;

    #[test]
    fn records_are_named_by_their_route() {
        assert_eq!(record_of("/api/v1/patients/{id}"), Some("patient"));
        assert_eq!(record_of("/api/v1/patients/{id}/notes"), Some("patient"));
        assert_eq!(record_of("/api/v1/notes/{id}/sign"), Some("note"));
        assert_eq!(record_of("/api/v1/problems/{id}"), Some("problem"));
        assert_eq!(record_of("/api/v1/patients/{id}/problems"), Some("patient"));
        assert_eq!(record_of("/api/v1/allergies/{id}"), Some("allergy"));
        assert_eq!(record_of("/api/v1/vitals/{id}"), Some("vitals"));
        assert_eq!(record_of("/api/v1/users/{id}"), None);
        assert_eq!(record_of("/api/v1/patients"), None);
    }
}
