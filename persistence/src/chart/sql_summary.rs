use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::audit::{AuditAction, AuditContext, AuditOutcome, NewAuditEvent};
use domain::auth::UserId;
use domain::chart::entries::EntryKind;
use domain::chart::summary::{ChartSnapshot, ChartSummaryRepository, NoteHeader, SummaryRequest};
use domain::notes::{NoteId, NoteStatus};
use domain::schedule::AppointmentId;
use domain::DomainError;
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use super::chart_entry_entity::Column as EntryColumn;
use super::chart_reads::{active_allergies, no_known_allergies, of_kind};
use super::problem_entity as problems;
use super::sql_chart_entries::to_entry;
use super::sql_problems::to_problem;
use crate::connection::Connection;
use crate::documents::entities::documents;
use crate::error::{StoreError, StoreResult};
use crate::notes::entities::notes;
use crate::patients::entity as patients;
use crate::patients::rows::to_patient;
use crate::schedule::entity as appointments;
use crate::schedule::rows::to_appointment;
use crate::unit_of_work::audited_snapshot;

/// [`ChartSummaryRepository`] on the SQL database: one statement per section, in one
/// snapshot, whatever the chart holds.
pub struct SqlChartSummaryRepository {
    connection: Connection,
}

impl SqlChartSummaryRepository {
    pub fn new(connection: Connection) -> Self {
        Self { connection }
    }
}

/// The audit trail's name for a read of the summary (its id is the patient's).
const RESOURCE: &str = "chart";

/// The appointment statuses still ahead of the patient.
const UPCOMING: [&str; 2] = ["scheduled", "checked_in"];

#[async_trait]
impl ChartSummaryRepository for SqlChartSummaryRepository {
    async fn read(
        &self,
        context: &AuditContext,
        request: SummaryRequest,
    ) -> Result<Option<ChartSnapshot>, DomainError> {
        let snapshot = audited_snapshot(&self.connection, context, |mut work| async move {
            let patient = request.patient;
            let Some(row) = patients::Entity::find_by_id(patient.as_uuid())
                .one(work.db())
                .await?
            else {
                return Ok(work.done(None));
            };
            let sections = request.sections;
            let db = work.db();
            let active_problems = if sections.problems {
                let rows = problems::Entity::find()
                    .filter(problems::Column::PatientId.eq(patient.as_uuid()))
                    .filter(problems::Column::Status.eq("active"))
                    .order_by_asc(problems::Column::Id)
                    .limit(SummaryRequest::LIST_LIMIT)
                    .all(db)
                    .await?;
                Some(
                    rows.into_iter()
                        .map(to_problem)
                        .collect::<StoreResult<_>>()?,
                )
            } else {
                None
            };
            let mut clinical = None;
            if sections.clinical {
                let allergies =
                    active_allergies(db, patient, Some(SummaryRequest::LIST_LIMIT)).await?;
                let statement = no_known_allergies(db, patient).await?;
                let medications = of_kind(patient, EntryKind::Medication)
                    .filter(EntryColumn::Status.eq("active"))
                    .order_by_asc(EntryColumn::Id)
                    .limit(SummaryRequest::LIST_LIMIT)
                    .all(db)
                    .await?;
                let vitals = of_kind(patient, EntryKind::Vitals)
                    .filter(EntryColumn::Status.ne("entered_in_error"))
                    .order_by_desc(EntryColumn::ObservedAt)
                    .limit(SummaryRequest::RECENT_VITALS)
                    .all(db)
                    .await?;
                let immunizations = of_kind(patient, EntryKind::Immunization)
                    .filter(EntryColumn::Status.ne("entered_in_error"))
                    .order_by_desc(EntryColumn::ObservedAt)
                    .order_by_desc(EntryColumn::Id)
                    .limit(SummaryRequest::LIST_LIMIT)
                    .all(db)
                    .await?;
                let documents = documents::Entity::find()
                    .filter(documents::Column::PatientId.eq(patient.as_uuid()))
                    .filter(documents::Column::DeletedAt.is_null())
                    .count(db)
                    .await?;
                clinical = Some((
                    allergies,
                    statement,
                    medications
                        .into_iter()
                        .map(to_entry)
                        .collect::<StoreResult<Vec<_>>>()?,
                    vitals
                        .into_iter()
                        .map(to_entry)
                        .collect::<StoreResult<Vec<_>>>()?,
                    immunizations
                        .into_iter()
                        .map(to_entry)
                        .collect::<StoreResult<Vec<_>>>()?,
                    documents,
                ));
            }
            let next_appointments = if sections.appointments {
                let rows = appointments::Entity::find()
                    .filter(appointments::Column::PatientId.eq(patient.as_uuid()))
                    .filter(appointments::Column::Status.is_in(UPCOMING))
                    .filter(appointments::Column::EndsAt.gt(work.now()))
                    .order_by_asc(appointments::Column::StartsAt)
                    .limit(SummaryRequest::NEXT_APPOINTMENTS)
                    .all(db)
                    .await?;
                Some(
                    rows.into_iter()
                        .map(to_appointment)
                        .collect::<StoreResult<_>>()?,
                )
            } else {
                None
            };
            let recent_notes = if sections.notes {
                let rows = notes::Entity::find()
                    .select_only()
                    .columns([
                        notes::Column::Id,
                        notes::Column::AuthorId,
                        notes::Column::AppointmentId,
                        notes::Column::Status,
                        notes::Column::SignedAt,
                        notes::Column::CreatedAt,
                    ])
                    .filter(notes::Column::PatientId.eq(patient.as_uuid()))
                    // why: a draft is its author's alone, as everywhere notes are read.
                    .filter(
                        Condition::any()
                            .add(notes::Column::Status.eq(NoteStatus::Signed.as_str()))
                            .add(notes::Column::AuthorId.eq(request.viewer.as_uuid())),
                    )
                    .order_by_desc(notes::Column::CreatedAt)
                    .limit(SummaryRequest::RECENT_NOTES)
                    .into_tuple::<NoteHeaderRow>()
                    .all(db)
                    .await?;
                Some(
                    rows.into_iter()
                        .map(note_header)
                        .collect::<StoreResult<_>>()?,
                )
            } else {
                None
            };
            let patient_record = to_patient(row)?;
            work.audit(NewAuditEvent {
                action: AuditAction::Read,
                resource_type: RESOURCE,
                resource_id: patient.as_uuid(),
                patient_id: Some(patient.as_uuid()),
                outcome: AuditOutcome::Success,
                detail: None,
            });
            let (allergies, statement, medications, vitals, immunizations, documents) =
                match clinical {
                    Some((a, s, m, v, i, d)) => {
                        (Some(a), Some(s), Some(m), Some(v), Some(i), Some(d))
                    }
                    None => (None, None, None, None, None, None),
                };
            Ok(work.done(Some(ChartSnapshot {
                patient: patient_record,
                active_problems,
                active_allergies: allergies,
                no_known_allergies: statement,
                active_medications: medications,
                recent_vitals: vitals,
                immunizations,
                next_appointments,
                recent_notes,
                document_count: documents,
            })))
        })
        .await?;
        Ok(snapshot)
    }
}

type NoteHeaderRow = (
    Uuid,
    Uuid,
    Option<Uuid>,
    String,
    Option<DateTime<Utc>>,
    DateTime<Utc>,
);

fn note_header(
    (id, author, appointment, status, signed_at, created_at): NoteHeaderRow,
) -> StoreResult<NoteHeader> {
    Ok(NoteHeader {
        id: NoteId::from_uuid(id),
        author_id: UserId::from_uuid(author),
        appointment_id: appointment.map(AppointmentId::from_uuid),
        status: NoteStatus::parse(&status)
            .map_err(|error| StoreError::internal(format!("note {id}: {error}")))?,
        signed_at,
        created_at,
    })
}
