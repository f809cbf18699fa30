use actix_web::http::StatusCode;
use actix_web::{delete, web, HttpResponse};
use domain::patients::{PatientId, Patients};

use super::dto::{patient_response, PatientBody};
use crate::error::{ApiError, Problem};
use crate::http::{Caller, IfMatch, PresentedLock};

/// Archive a patient (a soft delete): the record stays, out of default lists.
#[utoipa::path(
    tag = "patients",
    security(("bearer" = [])),
    params(
        ("Lock-Token" = Option<uuid::Uuid>, Header, description = "The caller's lock on the record, for a write under a lock (`POST /api/v1/locks`)"),
        ("id" = Uuid, Path, description = "The patient's id"),
        ("If-Match" = String, Header, description = "The ETag the change is based on", pattern = "^\"[1-9][0-9]{0,17}\"$"),
    ),
    responses(
        (status = 200, description = "Archived; the record as it now is", body = PatientBody, headers(("ETag" = String))),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not archive patients", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such patient", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Changed since", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is missing", body = Problem, content_type = "application/problem+json"),
        (status = 423, description = "Another session holds the record's lock (`locked`, naming the holder), or the caller's lock expired or passed to another (`lock_lost`); nothing was written", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[delete("/{id}")]
pub async fn archive_patient(
    caller: Caller,
    id: web::Path<PatientId>,
    IfMatch(version): IfMatch,
    PresentedLock(lock): PresentedLock,
    patients: web::Data<Patients>,
) -> Result<HttpResponse, ApiError> {
    let patient = patients
        .archive(
            &caller.principal,
            &caller.audit,
            id.into_inner(),
            version,
            lock,
        )
        .await?;
    Ok(patient_response(StatusCode::OK, patient))
}
