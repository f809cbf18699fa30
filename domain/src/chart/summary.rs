//! The chart's first screen, in one answer: the patient and what each list holds now.

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::entries::{ChartEntry, EntryDetails, LatestMeasurements, NoKnownAllergies};
use super::problems::Problem;
use crate::audit::AuditContext;
use crate::auth::{Permission, Principal, UserId};
use crate::notes::{NoteId, NoteStatus};
use crate::patients::{Patient, PatientId};
use crate::schedule::{Appointment, AppointmentId};
use crate::DomainError;

/// Which parts of the chart a caller reads: each as their role allows. The front desk
/// sees the demographics and the appointments; billing the problems too; clinicians
/// everything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SummarySections {
    pub problems: bool,
    /// Allergies, medications, vitals, immunizations and the document count.
    pub clinical: bool,
    pub appointments: bool,
    pub notes: bool,
}

impl SummarySections {
    pub fn readable_by(caller: &Principal) -> Self {
        Self {
            problems: caller.may(Permission::ReadProblems),
            clinical: caller.may(Permission::ReadChart),
            appointments: caller.may(Permission::ReadAppointments),
            notes: caller.may(Permission::ReadNotes),
        }
    }
}

/// What the summary reads, and how much of each list.
#[derive(Debug, Clone, Copy)]
pub struct SummaryRequest {
    pub patient: PatientId,
    pub sections: SummarySections,
    /// Whose drafts are among the notes (a draft is its author's alone).
    pub viewer: UserId,
}

impl SummaryRequest {
    /// The most entries a list of the summary holds; the list's own endpoint pages on.
    pub const LIST_LIMIT: u64 = 100;
    pub const NEXT_APPOINTMENTS: u64 = 5;
    pub const RECENT_NOTES: u64 = 5;
    /// The vitals sets the latest of each measurement is looked for in.
    pub const RECENT_VITALS: u64 = 50;
}

/// A note as the summary names it: who wrote it, when, and where it stands, not what
/// it says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteHeader {
    pub id: NoteId,
    pub author_id: UserId,
    pub appointment_id: Option<AppointmentId>,
    pub status: NoteStatus,
    pub signed_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// The chart as the store read it, in one consistent snapshot; a section the caller
/// may not read is `None`.
#[derive(Debug, Clone)]
pub struct ChartSnapshot {
    pub patient: Patient,
    pub active_problems: Option<Vec<Problem>>,
    pub active_allergies: Option<Vec<ChartEntry>>,
    pub no_known_allergies: Option<Option<NoKnownAllergies>>,
    pub active_medications: Option<Vec<ChartEntry>>,
    /// The newest vitals sets not entered in error, newest first (at most
    /// [`SummaryRequest::RECENT_VITALS`]).
    pub recent_vitals: Option<Vec<ChartEntry>>,
    pub immunizations: Option<Vec<ChartEntry>>,
    pub next_appointments: Option<Vec<Appointment>>,
    pub recent_notes: Option<Vec<NoteHeader>>,
    pub document_count: Option<u64>,
}

/// What the chart says of allergies: the active ones, or the statement that there are
/// none, never both; or that nobody has asked.
#[derive(Debug, Clone)]
pub enum AllergySummary {
    Allergies(Vec<ChartEntry>),
    NoKnownAllergies(NoKnownAllergies),
    NotRecorded,
}

impl AllergySummary {
    pub fn new(active: Vec<ChartEntry>, statement: Option<NoKnownAllergies>) -> Self {
        match statement {
            _ if !active.is_empty() => Self::Allergies(active),
            Some(statement) => Self::NoKnownAllergies(statement),
            None => Self::NotRecorded,
        }
    }
}

/// The chart's first screen.
#[derive(Debug, Clone)]
pub struct ChartSummary {
    pub snapshot: ChartSnapshot,
    pub allergies: Option<AllergySummary>,
    /// The newest vitals set, if any.
    pub latest_vitals: Option<Option<ChartEntry>>,
    pub latest_measurements: Option<LatestMeasurements>,
}

/// Where the summary is read from: every list in one snapshot, a fixed number of
/// queries whatever the lists hold, and one audit event naming the patient.
#[async_trait]
pub trait ChartSummaryRepository: Send + Sync {
    /// `None` for an unknown patient.
    async fn read(
        &self,
        context: &AuditContext,
        request: SummaryRequest,
    ) -> Result<Option<ChartSnapshot>, DomainError>;
}

/// Reading a patient's chart summary.
pub struct ChartSummaries {
    repository: Arc<dyn ChartSummaryRepository>,
}

impl ChartSummaries {
    pub fn new(repository: Arc<dyn ChartSummaryRepository>) -> Self {
        Self { repository }
    }

    pub async fn read(
        &self,
        caller: &Principal,
        context: &AuditContext,
        patient: PatientId,
    ) -> Result<ChartSummary, DomainError> {
        caller.require(Permission::ReadPatients)?;
        let request = SummaryRequest {
            patient,
            sections: SummarySections::readable_by(caller),
            viewer: caller.user_id,
        };
        let mut snapshot =
            self.repository
                .read(context, request)
                .await?
                .ok_or(DomainError::NotFound {
                    resource: "patient",
                })?;
        let allergies = snapshot.active_allergies.take().map(|active| {
            AllergySummary::new(active, snapshot.no_known_allergies.take().flatten())
        });
        let recent_vitals = snapshot.recent_vitals.take();
        let latest_measurements = recent_vitals.as_ref().map(|sets| {
            LatestMeasurements::of(sets.iter().filter_map(|entry| match &entry.details {
                EntryDetails::Vitals(vitals) => Some(vitals),
                _ => None,
            }))
        });
        let latest_vitals = recent_vitals.map(|sets| sets.into_iter().next());
        Ok(ChartSummary {
            snapshot,
            allergies,
            latest_vitals,
            latest_measurements,
        })
    }
}
