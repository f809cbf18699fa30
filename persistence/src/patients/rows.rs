//! Patients to and from their rows.

use chrono::{DateTime, Utc};
use domain::patients::{
    Address, BirthDate, Email, EmergencyContact, Mrn, Patient, PatientDetails, PatientId,
    PersonName, Phone, Sex,
};
use domain::Version;

use super::entity::Model;
use crate::error::{corrupt, StoreResult};

/// The row of `patient`; `archived_at` is when it was archived, if it was before now.
pub(super) fn patient_row(
    patient: &Patient,
    now: DateTime<Utc>,
    archived_at: Option<DateTime<Utc>>,
) -> StoreResult<Model> {
    let details = &patient.details;
    let contact = details.emergency_contact.as_ref();
    Ok(Model {
        id: patient.id.as_uuid(),
        mrn: patient.mrn.as_str().to_owned(),
        given_name: details.given_name.as_str().to_owned(),
        family_name: details.family_name.as_str().to_owned(),
        given_name_search: details.given_name.search_key(),
        family_name_search: details.family_name.search_key(),
        birth_date: details.birth_date.date(),
        sex: details.sex.as_str().to_owned(),
        phone: details
            .phone
            .as_ref()
            .map(|phone| phone.as_str().to_owned()),
        email: details
            .email
            .as_ref()
            .map(|email| email.as_str().to_owned()),
        address_lines: serde_json::to_string(&details.address.lines)?,
        city: details.address.city.clone(),
        region: details.address.region.clone(),
        postal_code: details.address.postal_code.clone(),
        country: details
            .address
            .country
            .as_ref()
            .map(|c| c.as_str().to_owned()),
        emergency_contact_name: contact.map(|c| c.name.as_str().to_owned()),
        emergency_contact_relationship: contact.and_then(|c| c.relationship.clone()),
        emergency_contact_phone: contact.map(|c| c.phone.as_str().to_owned()),
        active: details.active,
        archived_at: patient.archived.then(|| archived_at.unwrap_or(now)),
        version: patient.version.get(),
        fence: None,
        created_at: patient.created_at,
        updated_at: patient.updated_at,
    })
}

pub(crate) fn to_patient(row: Model) -> StoreResult<Patient> {
    let id = row.id;
    let corrupt = |what: &str, why: String| corrupt("patient", id, what, why);
    let lines: Vec<String> =
        serde_json::from_str(&row.address_lines).map_err(|e| corrupt("address", e.to_string()))?;
    let address = Address::parse(
        &lines,
        row.city.as_deref(),
        row.region.as_deref(),
        row.postal_code.as_deref(),
        row.country.as_deref(),
    )
    .map_err(|errors| corrupt("address", format!("{errors:?}")))?;
    let emergency_contact = match (&row.emergency_contact_name, &row.emergency_contact_phone) {
        (Some(name), Some(phone)) => Some(
            EmergencyContact::parse(name, row.emergency_contact_relationship.as_deref(), phone)
                .map_err(|errors| corrupt("emergency contact", format!("{errors:?}")))?,
        ),
        _ => None,
    };
    let details = PatientDetails {
        given_name: PersonName::parse(&row.given_name).map_err(|e| corrupt("given name", e))?,
        family_name: PersonName::parse(&row.family_name).map_err(|e| corrupt("family name", e))?,
        birth_date: BirthDate::from_stored(row.birth_date),
        sex: Sex::parse(&row.sex).map_err(|e| corrupt("sex", e))?,
        phone: row
            .phone
            .as_deref()
            .map(Phone::parse)
            .transpose()
            .map_err(|e| corrupt("phone", e))?,
        email: row
            .email
            .as_deref()
            .map(Email::parse)
            .transpose()
            .map_err(|e| corrupt("email", e))?,
        address,
        emergency_contact,
        active: row.active,
    };
    Ok(Patient {
        id: PatientId::from_uuid(row.id),
        mrn: Mrn::parse(&row.mrn).map_err(|e| corrupt("MRN", e))?,
        details,
        archived: row.archived_at.is_some(),
        version: Version::new(row.version)
            .ok_or_else(|| corrupt("version", row.version.to_string()))?,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}
