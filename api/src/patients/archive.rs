use actix_web::http::StatusCode;
use actix_web::{delete, post, web, HttpResponse};
use domain::locks::LockToken;
use domain::patients::{PatientId, Patients};
use domain::Version;

use super::dto::{patient_response, PatientBody};
use crate::error::{ApiError, Problem};
use crate::http::{Caller, IfMatch, PresentedLock, Retirement};

/// Archive a patient: the record and its notes, documents and appointments stay, out of
/// default lists (`includeArchived=true` finds it); no new clinical record can be added.
#[utoipa::path(
    tag = "patients",
    security(("bearer" = [])),
    params(
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry return the first answer"),
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
#[post("/{id}/archive")]
pub async fn archive_patient_record(
    caller: Caller,
    id: web::Path<PatientId>,
    IfMatch(version): IfMatch,
    PresentedLock(lock): PresentedLock,
    patients: web::Data<Patients>,
) -> Result<HttpResponse, ApiError> {
    archive(&caller, id.into_inner(), version, lock, &patients).await
}

async fn archive(
    caller: &Caller,
    id: PatientId,
    version: Version,
    lock: Option<LockToken>,
    patients: &Patients,
) -> Result<HttpResponse, ApiError> {
    let patient = patients
        .archive(&caller.principal, &caller.audit, id, version, lock)
        .await?;
    Ok(patient_response(StatusCode::OK, patient))
}

/// Deprecated on 2026-11-26, with its sunset six months on.
const RETIREMENT: Retirement = Retirement {
    since: "@1795651200",
    sunset: "Wed, 26 May 2027 00:00:00 GMT",
};

/// Archive a patient (retired: use `POST /api/v1/patients/{id}/archive`, which does the
/// same). A `DELETE` that keeps the record misled clients that read it as deletion; its
/// answers carry `Deprecation`, `Sunset` and a `Link` to the successor.
#[utoipa::path(
    tag = "patients",
    security(("bearer" = [])),
    params(
        ("Lock-Token" = Option<uuid::Uuid>, Header, description = "The caller's lock on the record, for a write under a lock (`POST /api/v1/locks`)"),
        ("id" = Uuid, Path, description = "The patient's id"),
        ("If-Match" = String, Header, description = "The ETag the change is based on", pattern = "^\"[1-9][0-9]{0,17}\"$"),
    ),
    responses(
        (status = 200, description = "Archived; the record as it now is", body = PatientBody, headers(
            ("ETag" = String),
            ("Deprecation" = String, description = "RFC 9745: since when the operation is deprecated"),
            ("Sunset" = String, description = "RFC 8594: after when it may be removed"),
            ("Link" = String, description = "The successor operation (`rel=\"successor-version\"`)"),
        )),
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
    let successor = format!("/api/v1/patients/{}/archive", id.as_uuid());
    let mut response = archive(&caller, id.into_inner(), version, lock, &patients).await?;
    RETIREMENT.mark(response.headers_mut(), &successor);
    Ok(response)
}
