//! How a chart entry's details are kept in `chart_entries.details`: JSON of this
//! module's own shapes, so that the stored form changes only by a migration, never by
//! renaming a domain type, and every value read back is checked by the domain's parsers.

use chrono::{DateTime, NaiveDate, Utc};
use domain::auth::UserId;
use domain::chart::entries::{
    AllergyCategory, AllergyDetails, AllergyOverride, AllergyStatus, ChartEntryId, Criticality,
    DoseQuantity, DosingSchedule, EntryDetails, ImmunizationDetails, ImmunizationStatus,
    MedicationDetails, MedicationStatus, PeriodUnit, Prescriber, Reaction, Severity, VitalSigns,
    VitalsStatus,
};
use domain::chart::{ClinicalCode, CodeSystem};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Serialize, Deserialize)]
#[serde(tag = "list", rename_all = "snake_case")]
enum Stored {
    Allergy(StoredAllergy),
    Medication(StoredMedication),
    Vitals(StoredVitals),
    Immunization(StoredImmunization),
}

#[derive(Serialize, Deserialize)]
struct StoredCode {
    system: String,
    code: String,
}

#[derive(Serialize, Deserialize)]
struct StoredReaction {
    manifestation: String,
    severity: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct StoredAllergy {
    substance: String,
    code: Option<StoredCode>,
    category: String,
    criticality: Option<String>,
    reactions: Vec<StoredReaction>,
    onset: Option<NaiveDate>,
    status: String,
    notes: String,
}

#[derive(Serialize, Deserialize)]
struct StoredDose {
    value: f64,
    unit: String,
}

#[derive(Serialize, Deserialize)]
struct StoredSchedule {
    times: u32,
    period: u32,
    unit: String,
}

#[derive(Serialize, Deserialize)]
struct StoredOverride {
    reason: String,
    allergies: Vec<Uuid>,
}

#[derive(Serialize, Deserialize)]
struct StoredMedication {
    drug: String,
    code: Option<StoredCode>,
    dose: String,
    dose_quantity: Option<StoredDose>,
    route: String,
    frequency: String,
    schedule: Option<StoredSchedule>,
    as_needed: bool,
    start: Option<NaiveDate>,
    end: Option<NaiveDate>,
    status: String,
    prescriber_id: Option<Uuid>,
    prescriber_name: Option<String>,
    notes: String,
    allergy_override: Option<StoredOverride>,
}

#[derive(Serialize, Deserialize)]
struct StoredVitals {
    taken_at: DateTime<Utc>,
    height_cm: Option<f64>,
    weight_kg: Option<f64>,
    temperature_c: Option<f64>,
    pulse_per_min: Option<u16>,
    respiratory_rate_per_min: Option<u16>,
    systolic_mmhg: Option<u16>,
    diastolic_mmhg: Option<u16>,
    spo2_percent: Option<u16>,
    pain_score: Option<u16>,
    status: String,
}

#[derive(Serialize, Deserialize)]
struct StoredImmunization {
    vaccine: String,
    cvx_code: Option<String>,
    date: NaiveDate,
    lot_number: String,
    site: String,
    route: String,
    dose_number: Option<u16>,
    performer: String,
    status: String,
    status_reason: String,
    notes: String,
}

/// The JSON kept for `details`.
pub(crate) fn to_json(details: &EntryDetails) -> Result<String, String> {
    serde_json::to_string(&stored(details)).map_err(|error| error.to_string())
}

/// The details kept as `json`, each value checked as the domain checks it.
pub(crate) fn from_json(json: &str) -> Result<EntryDetails, String> {
    let stored: Stored = serde_json::from_str(json).map_err(|error| error.to_string())?;
    Ok(match stored {
        Stored::Allergy(allergy) => EntryDetails::Allergy(AllergyDetails {
            substance: allergy.substance,
            code: allergy.code.map(code).transpose()?,
            category: AllergyCategory::parse(&allergy.category)?,
            criticality: allergy
                .criticality
                .as_deref()
                .map(Criticality::parse)
                .transpose()?,
            reactions: allergy
                .reactions
                .into_iter()
                .map(|reaction| {
                    Ok::<_, String>(Reaction {
                        manifestation: reaction.manifestation,
                        severity: reaction
                            .severity
                            .as_deref()
                            .map(Severity::parse)
                            .transpose()?,
                    })
                })
                .collect::<Result<_, _>>()?,
            onset: allergy.onset,
            status: AllergyStatus::parse(&allergy.status)?,
            notes: allergy.notes,
        }),
        Stored::Medication(medication) => EntryDetails::Medication(MedicationDetails {
            drug: medication.drug,
            code: medication.code.map(code).transpose()?,
            dose: medication.dose,
            dose_quantity: medication.dose_quantity.map(|dose| DoseQuantity {
                value: dose.value,
                unit: dose.unit,
            }),
            route: medication.route,
            frequency: medication.frequency,
            schedule: medication
                .schedule
                .map(|schedule| {
                    Ok::<_, String>(DosingSchedule {
                        times: schedule.times,
                        period: schedule.period,
                        unit: PeriodUnit::parse(&schedule.unit)?,
                    })
                })
                .transpose()?,
            as_needed: medication.as_needed,
            start: medication.start,
            end: medication.end,
            status: MedicationStatus::parse(&medication.status)?,
            prescriber: match (medication.prescriber_id, medication.prescriber_name) {
                (Some(id), _) => Some(Prescriber::User(UserId::from_uuid(id))),
                (None, Some(name)) => Some(Prescriber::Named(name)),
                (None, None) => None,
            },
            notes: medication.notes,
            allergy_override: medication.allergy_override.map(|decision| AllergyOverride {
                reason: decision.reason,
                allergies: decision
                    .allergies
                    .into_iter()
                    .map(ChartEntryId::from_uuid)
                    .collect(),
            }),
        }),
        Stored::Vitals(vitals) => EntryDetails::Vitals(VitalSigns {
            taken_at: vitals.taken_at,
            height_cm: vitals.height_cm,
            weight_kg: vitals.weight_kg,
            temperature_c: vitals.temperature_c,
            pulse_per_min: vitals.pulse_per_min,
            respiratory_rate_per_min: vitals.respiratory_rate_per_min,
            systolic_mmhg: vitals.systolic_mmhg,
            diastolic_mmhg: vitals.diastolic_mmhg,
            spo2_percent: vitals.spo2_percent,
            pain_score: vitals.pain_score,
            status: VitalsStatus::parse(&vitals.status)?,
        }),
        Stored::Immunization(immunization) => EntryDetails::Immunization(ImmunizationDetails {
            vaccine: immunization.vaccine,
            code: immunization
                .cvx_code
                .map(|cvx| ClinicalCode::parse(CodeSystem::Cvx, &cvx))
                .transpose()?,
            date: immunization.date,
            lot_number: immunization.lot_number,
            site: immunization.site,
            route: immunization.route,
            dose_number: immunization.dose_number,
            performer: immunization.performer,
            status: ImmunizationStatus::parse(&immunization.status)?,
            status_reason: immunization.status_reason,
            notes: immunization.notes,
        }),
    })
}

fn code(stored: StoredCode) -> Result<ClinicalCode, String> {
    let system = CodeSystem::parse(&stored.system, &CodeSystem::ALL)?;
    ClinicalCode::parse(system, &stored.code)
}

fn stored_code(code: &ClinicalCode) -> StoredCode {
    StoredCode {
        system: code.system().as_str().to_owned(),
        code: code.code().to_owned(),
    }
}

fn stored(details: &EntryDetails) -> Stored {
    match details {
        EntryDetails::Allergy(allergy) => Stored::Allergy(StoredAllergy {
            substance: allergy.substance.clone(),
            code: allergy.code.as_ref().map(stored_code),
            category: allergy.category.as_str().to_owned(),
            criticality: allergy.criticality.map(|value| value.as_str().to_owned()),
            reactions: allergy
                .reactions
                .iter()
                .map(|reaction| StoredReaction {
                    manifestation: reaction.manifestation.clone(),
                    severity: reaction.severity.map(|value| value.as_str().to_owned()),
                })
                .collect(),
            onset: allergy.onset,
            status: allergy.status.as_str().to_owned(),
            notes: allergy.notes.clone(),
        }),
        EntryDetails::Medication(medication) => {
            let (prescriber_id, prescriber_name) = match &medication.prescriber {
                Some(Prescriber::User(id)) => (Some(id.as_uuid()), None),
                Some(Prescriber::Named(name)) => (None, Some(name.clone())),
                None => (None, None),
            };
            Stored::Medication(StoredMedication {
                drug: medication.drug.clone(),
                code: medication.code.as_ref().map(stored_code),
                dose: medication.dose.clone(),
                dose_quantity: medication.dose_quantity.as_ref().map(|dose| StoredDose {
                    value: dose.value,
                    unit: dose.unit.clone(),
                }),
                route: medication.route.clone(),
                frequency: medication.frequency.clone(),
                schedule: medication.schedule.as_ref().map(|schedule| StoredSchedule {
                    times: schedule.times,
                    period: schedule.period,
                    unit: schedule.unit.as_str().to_owned(),
                }),
                as_needed: medication.as_needed,
                start: medication.start,
                end: medication.end,
                status: medication.status.as_str().to_owned(),
                prescriber_id,
                prescriber_name,
                notes: medication.notes.clone(),
                allergy_override: medication.allergy_override.as_ref().map(|decision| {
                    StoredOverride {
                        reason: decision.reason.clone(),
                        allergies: decision.allergies.iter().map(|id| id.as_uuid()).collect(),
                    }
                }),
            })
        }
        EntryDetails::Vitals(vitals) => Stored::Vitals(StoredVitals {
            taken_at: vitals.taken_at,
            height_cm: vitals.height_cm,
            weight_kg: vitals.weight_kg,
            temperature_c: vitals.temperature_c,
            pulse_per_min: vitals.pulse_per_min,
            respiratory_rate_per_min: vitals.respiratory_rate_per_min,
            systolic_mmhg: vitals.systolic_mmhg,
            diastolic_mmhg: vitals.diastolic_mmhg,
            spo2_percent: vitals.spo2_percent,
            pain_score: vitals.pain_score,
            status: vitals.status.as_str().to_owned(),
        }),
        EntryDetails::Immunization(immunization) => Stored::Immunization(StoredImmunization {
            vaccine: immunization.vaccine.clone(),
            cvx_code: immunization
                .code
                .as_ref()
                .map(|code| code.code().to_owned()),
            date: immunization.date,
            lot_number: immunization.lot_number.clone(),
            site: immunization.site.clone(),
            route: immunization.route.clone(),
            dose_number: immunization.dose_number,
            performer: immunization.performer.clone(),
            status: immunization.status.as_str().to_owned(),
            status_reason: immunization.status_reason.clone(),
            notes: immunization.notes.clone(),
        }),
    }
}
