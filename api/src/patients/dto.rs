use actix_web::http::header::{ETAG, LOCATION};
use actix_web::http::StatusCode;
use actix_web::HttpResponse;
use chrono::{DateTime, NaiveDate, Utc};
use domain::error::FieldErrors;
use domain::patients::{
    Address, BirthDate, Email, EmergencyContact, Mrn, Patient, PatientDetails, PatientSearch,
    PersonName, Phone, Sex,
};
use domain::{DomainError, FieldError};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::http::etag;

/// Administrative sex (HL7 FHIR's codes).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SexCode {
    Female,
    Male,
    Other,
    Unknown,
}

#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AddressBody {
    #[serde(default)]
    #[schema(schema_with = crate::http::text_fields::address_lines)]
    pub lines: Vec<String>,
    #[schema(schema_with = crate::http::text_fields::optional_address_part)]
    pub city: Option<String>,
    #[schema(schema_with = crate::http::text_fields::optional_address_part)]
    pub region: Option<String>,
    #[schema(schema_with = crate::http::text_fields::optional_postal_code)]
    pub postal_code: Option<String>,
    #[schema(schema_with = crate::http::text_fields::optional_country)]
    pub country: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct EmergencyContactBody {
    #[schema(schema_with = crate::http::text_fields::contact_name)]
    pub name: String,
    #[schema(schema_with = crate::http::text_fields::optional_relationship)]
    pub relationship: Option<String>,
    #[schema(schema_with = crate::http::text_fields::phone)]
    pub phone: String,
}

/// A patient's details as staff enter them; `PUT` replaces them all.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PatientInput {
    #[schema(schema_with = crate::http::text_fields::person_name)]
    pub given_name: String,
    #[schema(schema_with = crate::http::text_fields::person_name)]
    pub family_name: String,
    #[schema(schema_with = crate::http::text_fields::birth_date)]
    pub birth_date: String,
    #[schema(value_type = SexCode)]
    pub sex: String,
    #[schema(schema_with = crate::http::text_fields::optional_phone)]
    pub phone: Option<String>,
    #[schema(schema_with = crate::http::text_fields::optional_email)]
    pub email: Option<String>,
    #[serde(default)]
    pub address: AddressBody,
    pub emergency_contact: Option<EmergencyContactBody>,
    /// Whether the patient is in the practice's care; `true` when absent.
    pub active: Option<bool>,
}

impl PatientInput {
    pub fn parse(self, today: NaiveDate) -> Result<PatientDetails, DomainError> {
        let mut errors = FieldErrors::default();
        let given_name = errors.take("givenName", PersonName::parse(&self.given_name));
        let family_name = errors.take("familyName", PersonName::parse(&self.family_name));
        let birth_date = errors.take("birthDate", BirthDate::parse(&self.birth_date, today));
        let sex = errors.take("sex", Sex::parse(&self.sex));
        let phone = self
            .phone
            .and_then(|p| errors.take("phone", Phone::parse_optional(&p)))
            .flatten();
        let email = self
            .email
            .and_then(|e| errors.take("email", Email::parse_optional(&e)))
            .flatten();
        let mut nested: Vec<FieldError> = Vec::new();
        let address = Address::parse(
            &self.address.lines,
            self.address.city.as_deref(),
            self.address.region.as_deref(),
            self.address.postal_code.as_deref(),
            self.address.country.as_deref(),
        )
        .map_err(|list| {
            nested.extend(
                list.into_iter()
                    .map(|(f, m)| FieldError::new(format!("address.{f}"), m)),
            )
        })
        .ok();
        let emergency_contact = match self.emergency_contact {
            Some(contact) => EmergencyContact::parse(
                &contact.name,
                contact.relationship.as_deref(),
                &contact.phone,
            )
            .map_err(|list| {
                nested.extend(
                    list.into_iter()
                        .map(|(f, m)| FieldError::new(format!("emergencyContact.{f}"), m)),
                )
            })
            .ok()
            .map(Some),
            None => Some(None),
        };
        let mut all = match errors.into_result() {
            Ok(()) => Vec::new(),
            Err(DomainError::Invalid(list)) => list,
            Err(other) => return Err(other),
        };
        all.extend(nested);
        if !all.is_empty() {
            return Err(DomainError::Invalid(all));
        }
        match (
            given_name,
            family_name,
            birth_date,
            sex,
            address,
            emergency_contact,
        ) {
            (
                Some(given_name),
                Some(family_name),
                Some(birth_date),
                Some(sex),
                Some(address),
                Some(emergency_contact),
            ) => Ok(PatientDetails {
                given_name,
                family_name,
                birth_date,
                sex,
                phone,
                email,
                address,
                emergency_contact,
                active: self.active.unwrap_or(true),
            }),
            _ => Err(DomainError::internal(anyhow::anyhow!(
                "parsed patient fields went missing"
            ))),
        }
    }
}

/// A patient record.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PatientBody {
    pub id: Uuid,
    /// The medical record number, unique and human-readable.
    #[schema(example = "MRN-7K2M9QX4")]
    pub mrn: String,
    pub given_name: String,
    pub family_name: String,
    #[schema(value_type = String, format = Date)]
    pub birth_date: NaiveDate,
    pub sex: SexCode,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: AddressBody,
    pub emergency_contact: Option<EmergencyContactBody>,
    pub active: bool,
    /// Archived patients are out of default lists; their record is kept.
    pub archived: bool,
    /// Also the ETag; send it back in If-Match to change the record.
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Who is editing the record, when someone holds its lock (only on a single record's `GET`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lock: Option<crate::locks::dto::LockBody>,
}

impl From<Patient> for PatientBody {
    fn from(patient: Patient) -> Self {
        let details = patient.details;
        let sex = match details.sex {
            Sex::Female => SexCode::Female,
            Sex::Male => SexCode::Male,
            Sex::Other => SexCode::Other,
            Sex::Unknown => SexCode::Unknown,
        };
        Self {
            id: patient.id.as_uuid(),
            mrn: patient.mrn.as_str().to_owned(),
            given_name: details.given_name.as_str().to_owned(),
            family_name: details.family_name.as_str().to_owned(),
            birth_date: details.birth_date.date(),
            sex,
            phone: details.phone.map(|p| p.as_str().to_owned()),
            email: details.email.map(|e| e.as_str().to_owned()),
            address: AddressBody {
                lines: details.address.lines,
                city: details.address.city,
                region: details.address.region,
                postal_code: details.address.postal_code,
                country: details.address.country.map(|c| c.as_str().to_owned()),
            },
            emergency_contact: details
                .emergency_contact
                .map(|contact| EmergencyContactBody {
                    name: contact.name,
                    relationship: contact.relationship,
                    phone: contact.phone.as_str().to_owned(),
                }),
            active: details.active,
            archived: patient.archived,
            version: patient.version.get(),
            created_at: patient.created_at,
            updated_at: patient.updated_at,
            lock: None,
        }
    }
}

/// A patient as an answer, with its `ETag` (and `Location` when created).
pub fn patient_response(status: StatusCode, patient: Patient) -> HttpResponse {
    let mut response = HttpResponse::build(status);
    response.insert_header((ETAG, etag(patient.version)));
    if status == StatusCode::CREATED {
        response.insert_header((LOCATION, format!("/api/v1/patients/{}", patient.id)));
    }
    response.json(PatientBody::from(patient))
}

/// `GET /api/v1/patients` filters.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[into_params(parameter_in = Query, rename_all = "camelCase")]
pub struct PatientSearchQuery {
    #[param(schema_with = crate::http::text_fields::name_prefix)]
    pub q: Option<String>,
    #[param(schema_with = crate::http::text_fields::birth_date)]
    pub birth_date: Option<String>,
    #[param(schema_with = crate::http::text_fields::optional_mrn)]
    pub mrn: Option<String>,
    /// Include archived patients; `false` when absent.
    pub include_archived: Option<bool>,
    /// Items per page, 1 to 200; 50 when absent.
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
    /// `nextCursor` of the previous page; absent for the first page.
    #[param(pattern = "^[A-Za-z0-9_-]{21}[AQgw]$")]
    pub cursor: Option<String>,
}

impl PatientSearchQuery {
    pub fn parse(&self, today: NaiveDate) -> Result<PatientSearch, DomainError> {
        let mut errors = FieldErrors::default();
        let name_prefix = self
            .q
            .as_deref()
            .and_then(|q| errors.take("q", PatientSearch::NAME_PREFIX.check(q)))
            .filter(|q| !q.is_empty());
        let birth_date = self
            .birth_date
            .as_deref()
            .and_then(|raw| errors.take("birthDate", BirthDate::parse(raw, today)));
        let mrn = self
            .mrn
            .as_deref()
            .and_then(|raw| errors.take("mrn", Mrn::parse(raw)));
        errors.into_result()?;
        Ok(PatientSearch {
            name_prefix,
            birth_date,
            mrn,
            include_archived: self.include_archived.unwrap_or(false),
        })
    }
}
