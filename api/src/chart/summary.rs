//! `GET /api/v1/patients/{id}/chart`: a chart's first screen in one answer.

use actix_web::{get, web};
use chrono::{DateTime, Utc};
use domain::chart::entries::{ChartEntry, LatestMeasurements, Measured};
use domain::chart::summary::{AllergySummary, ChartSummaries, NoteHeader};
use domain::patients::PatientId;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::entries::allergies::AllergyBody;
use super::entries::common::{body_of, EntryBody};
use super::entries::immunizations::ImmunizationBody;
use super::entries::medications::MedicationBody;
use super::entries::no_known_allergies::NoKnownAllergiesBody;
use super::entries::vitals::VitalsBody;
use super::problems::dto::ProblemBody;
use crate::error::{ApiError, Problem};
use crate::http::Caller;
use crate::patients::dto::PatientBody;
use crate::schedule::dto::AppointmentBody;

/// What the chart says of allergies: the active ones, or the statement that there are
/// none, never both.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AllergiesSummaryBody {
    /// `allergies` (see `active`), `no_known_allergies` (see `noKnownAllergies`) or
    /// `not_recorded` (nobody has stated either).
    #[schema(example = "allergies")]
    pub status: &'static str,
    pub active: Vec<AllergyBody>,
    pub no_known_allergies: Option<NoKnownAllergiesBody>,
}

/// A measurement's newest value and when it was taken.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MeasuredBody {
    pub value: f64,
    pub taken_at: DateTime<Utc>,
}

/// A blood pressure's newest reading (both values from one set).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BloodPressureBody {
    pub systolic_mmhg: u16,
    pub diastolic_mmhg: u16,
    pub taken_at: DateTime<Utc>,
}

/// The newest value of each measurement, from whichever of the newest 50 sets (not
/// entered in error) has it: a set with only a pain score does not hide the blood
/// pressure taken before it. Units as in a vitals set.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LatestMeasurementsBody {
    pub height_cm: Option<MeasuredBody>,
    pub weight_kg: Option<MeasuredBody>,
    /// From the newest height and the newest weight (kg/m², one decimal).
    pub bmi: Option<f64>,
    pub temperature_c: Option<MeasuredBody>,
    pub pulse_per_min: Option<MeasuredBody>,
    pub respiratory_rate_per_min: Option<MeasuredBody>,
    pub blood_pressure: Option<BloodPressureBody>,
    pub spo2_percent: Option<MeasuredBody>,
    pub pain_score: Option<MeasuredBody>,
}

impl From<LatestMeasurements> for LatestMeasurementsBody {
    fn from(latest: LatestMeasurements) -> Self {
        fn measured<T: Into<f64>>(measured: Option<Measured<T>>) -> Option<MeasuredBody> {
            measured.map(|measured| MeasuredBody {
                value: measured.value.into(),
                taken_at: measured.taken_at,
            })
        }
        Self {
            bmi: latest.bmi(),
            height_cm: measured(latest.height_cm),
            weight_kg: measured(latest.weight_kg),
            temperature_c: measured(latest.temperature_c),
            pulse_per_min: measured(latest.pulse_per_min),
            respiratory_rate_per_min: measured(latest.respiratory_rate_per_min),
            blood_pressure: latest.blood_pressure_mmhg.map(|reading| BloodPressureBody {
                systolic_mmhg: reading.value.0,
                diastolic_mmhg: reading.value.1,
                taken_at: reading.taken_at,
            }),
            spo2_percent: measured(latest.spo2_percent),
            pain_score: measured(latest.pain_score),
        }
    }
}

/// A note as the summary names it; its text is at `GET /api/v1/notes/{id}`.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NoteHeaderBody {
    pub id: Uuid,
    pub author_id: Uuid,
    pub appointment_id: Option<Uuid>,
    /// `draft` (the caller's own) or `signed`.
    pub status: &'static str,
    pub signed_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl From<NoteHeader> for NoteHeaderBody {
    fn from(note: NoteHeader) -> Self {
        Self {
            id: note.id.as_uuid(),
            author_id: note.author_id.as_uuid(),
            appointment_id: note.appointment_id.map(|id| id.as_uuid()),
            status: note.status.as_str(),
            signed_at: note.signed_at,
            created_at: note.created_at,
        }
    }
}

/// A patient's chart on one screen, read in one snapshot. A section the caller's role
/// may not read is absent, and `sections` names those present: the front desk reads
/// the demographics and appointments; billing the problems too; clinicians all.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ChartSummaryBody {
    /// The sections present besides `patient`, by their field names: `problems`,
    /// `allergies`, `medications`, `latestVitals`, `latestMeasurements`,
    /// `immunizations`, `documentCount`,
    /// `nextAppointments`, `recentNotes`. A section absent from the list is absent
    /// from the answer; `latestVitals` present is `null` when no set is recorded.
    pub sections: Vec<&'static str>,
    pub patient: PatientBody,
    /// Active problems, oldest first (at most 100).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problems: Option<Vec<ProblemBody>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allergies: Option<AllergiesSummaryBody>,
    /// Active medications, oldest first (at most 100).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub medications: Option<Vec<MedicationBody>>,
    /// The newest vitals set not entered in error; `null` when none is recorded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latest_vitals: Option<Option<VitalsBody>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latest_measurements: Option<LatestMeasurementsBody>,
    /// Immunizations not entered in error, the most recently given first (at most 100).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub immunizations: Option<Vec<ImmunizationBody>>,
    /// The next scheduled or checked-in appointments, soonest first (at most 5).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_appointments: Option<Vec<AppointmentBody>>,
    /// The latest notes the caller may read, newest first (at most 5).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recent_notes: Option<Vec<NoteHeaderBody>>,
    /// How many documents the patient has.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document_count: Option<u64>,
}

/// The bodies of a section's entries; an entry of another list is a store's bug.
fn bodies<B: EntryBody>(entries: Vec<ChartEntry>) -> Result<Vec<B>, ApiError> {
    entries.into_iter().map(body_of::<B>).collect()
}

/// A patient's chart summary: demographics, active problems, allergies (or "no known
/// allergies"), active medications, the latest vitals, immunizations, the next
/// appointments, the latest notes' headers and the document count. One audit event.
#[utoipa::path(
    tag = "chart",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The patient's id")),
    responses(
        (status = 200, description = "The chart summary, the sections the caller's role may read", body = ChartSummaryBody),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not allowed to read patients", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such patient", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/patients/{id}/chart")]
pub async fn chart_summary(
    caller: Caller,
    id: web::Path<PatientId>,
    summaries: web::Data<ChartSummaries>,
) -> Result<web::Json<ChartSummaryBody>, ApiError> {
    let summary = summaries
        .read(&caller.principal, &caller.audit, id.into_inner())
        .await?;
    let snapshot = summary.snapshot;
    let mut sections = Vec::new();
    let mut present = |name: &'static str, is: bool| {
        if is {
            sections.push(name);
        }
    };
    present("problems", snapshot.active_problems.is_some());
    present("allergies", summary.allergies.is_some());
    present("medications", snapshot.active_medications.is_some());
    present("latestVitals", summary.latest_vitals.is_some());
    present("latestMeasurements", summary.latest_measurements.is_some());
    present("immunizations", snapshot.immunizations.is_some());
    present("documentCount", snapshot.document_count.is_some());
    present("nextAppointments", snapshot.next_appointments.is_some());
    present("recentNotes", snapshot.recent_notes.is_some());
    let allergies = summary
        .allergies
        .map(|allergies| -> Result<_, ApiError> {
            Ok(match allergies {
                AllergySummary::Allergies(active) => AllergiesSummaryBody {
                    status: "allergies",
                    active: bodies(active)?,
                    no_known_allergies: None,
                },
                AllergySummary::NoKnownAllergies(statement) => AllergiesSummaryBody {
                    status: "no_known_allergies",
                    active: Vec::new(),
                    no_known_allergies: Some(statement.into()),
                },
                AllergySummary::NotRecorded => AllergiesSummaryBody {
                    status: "not_recorded",
                    active: Vec::new(),
                    no_known_allergies: None,
                },
            })
        })
        .transpose()?;
    Ok(web::Json(ChartSummaryBody {
        sections,
        patient: snapshot.patient.into(),
        problems: snapshot
            .active_problems
            .map(|problems| problems.into_iter().map(ProblemBody::from).collect()),
        allergies,
        medications: snapshot.active_medications.map(bodies).transpose()?,
        latest_vitals: summary
            .latest_vitals
            .map(|latest| latest.map(body_of::<VitalsBody>).transpose())
            .transpose()?,
        latest_measurements: summary.latest_measurements.map(Into::into),
        immunizations: snapshot.immunizations.map(bodies).transpose()?,
        next_appointments: snapshot.next_appointments.map(|appointments| {
            appointments
                .into_iter()
                .map(AppointmentBody::from)
                .collect()
        }),
        recent_notes: snapshot
            .recent_notes
            .map(|notes| notes.into_iter().map(NoteHeaderBody::from).collect()),
        document_count: snapshot.document_count,
    }))
}
