use actix_web::http::header::{ETAG, LOCATION};
use actix_web::http::StatusCode;
use actix_web::HttpResponse;
use chrono::{DateTime, NaiveDate, Utc};
use domain::chart::problems::{Problem, ProblemInput};
use domain::chart::ClinicalCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::http::etag;

/// A problem as a clinician states it. The code, when given, comes with its system.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ProblemRequest {
    #[schema(schema_with = crate::http::text_fields::problem_description)]
    pub description: String,
    /// The terminology of `code`.
    #[schema(value_type = Option<String>, pattern = "^(?:icd10|snomed)$", example = "icd10")]
    pub code_system: Option<String>,
    /// An ICD-10 code (`E11.9`) or a SNOMED CT concept id (`44054006`, with its check
    /// digit), as `codeSystem` says.
    #[schema(schema_with = crate::http::text_fields::clinical_code)]
    pub code: Option<String>,
    /// When it began; not in the future.
    #[schema(value_type = Option<String>, format = Date, example = "2019-03-01")]
    pub onset: Option<String>,
    /// `active` (the default), `inactive`, `resolved` (with `resolvedOn`) or
    /// `entered_in_error` (a mistaken entry, which then never changes).
    #[schema(value_type = Option<String>, pattern = "^(?:active|inactive|resolved|entered_in_error)$", example = "active")]
    pub status: Option<String>,
    /// When it resolved: exactly when the status is `resolved`, not before the onset.
    #[schema(value_type = Option<String>, format = Date, example = "2024-05-01")]
    pub resolved_on: Option<String>,
    #[schema(schema_with = crate::http::text_fields::problem_notes)]
    pub notes: Option<String>,
}

impl From<ProblemRequest> for ProblemInput {
    fn from(request: ProblemRequest) -> Self {
        ProblemInput {
            description: request.description,
            code_system: request.code_system,
            code: request.code,
            onset: request.onset,
            status: request.status,
            resolved_on: request.resolved_on,
            notes: request.notes,
        }
    }
}

/// A code from a clinical terminology.
#[derive(Debug, Serialize, ToSchema)]
pub struct CodeBody {
    /// `icd10`, `snomed`, `rxnorm` or `cvx`.
    pub system: &'static str,
    pub code: String,
}

impl From<ClinicalCode> for CodeBody {
    fn from(code: ClinicalCode) -> Self {
        Self {
            system: code.system().as_str(),
            code: code.code().to_owned(),
        }
    }
}

/// An entry of a patient's problem list.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProblemBody {
    pub id: Uuid,
    pub patient_id: Uuid,
    pub description: String,
    pub code: Option<CodeBody>,
    pub onset: Option<NaiveDate>,
    /// `active`, `inactive`, `resolved` or `entered_in_error`.
    #[schema(example = "active")]
    pub status: &'static str,
    pub resolved_on: Option<NaiveDate>,
    pub notes: String,
    pub recorded_by: Uuid,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Who is editing the record, when someone holds its lock (only on a single record's `GET`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lock: Option<crate::locks::dto::LockBody>,
}

impl From<Problem> for ProblemBody {
    fn from(problem: Problem) -> Self {
        let details = problem.details;
        Self {
            id: problem.id.as_uuid(),
            patient_id: problem.patient_id.as_uuid(),
            description: details.description,
            code: details.code.map(CodeBody::from),
            onset: details.onset,
            status: details.status.as_str(),
            resolved_on: details.resolved_on,
            notes: details.notes,
            recorded_by: problem.recorded_by.as_uuid(),
            version: problem.version.get(),
            created_at: problem.created_at,
            updated_at: problem.updated_at,
            lock: None,
        }
    }
}

pub fn problem_response(status: StatusCode, problem: Problem) -> HttpResponse {
    let mut response = HttpResponse::build(status);
    response.insert_header((ETAG, etag(problem.version)));
    if status == StatusCode::CREATED {
        response.insert_header((
            LOCATION,
            format!("/api/v1/problems/{}", problem.id.as_uuid()),
        ));
    }
    response.json(ProblemBody::from(problem))
}
