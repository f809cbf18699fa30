use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::audit::{AuditAction, AuditContext, AuditOutcome, NewAuditEvent};
use domain::auth::UserId;
use domain::chart::entries::{
    ChartEntry, ChartEntryId, ChartEntryRepository, ChartState, EntryKind, EntryQuery, EntryWrite,
    NoKnownAllergies,
};
use domain::locks::FencingToken;
use domain::patients::{PatientId, PatientStanding};
use domain::{DomainError, ErrorCode, Page, Rule, Version};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::chart_entry_entity::{self as entity, Column, Entity};
use super::chart_reads::{chart_state, no_known_allergies, of_kind};
use super::no_known_allergies_entity as statements;
use super::stored_details;
use crate::connection::Connection;
use crate::error::{StoreError, StoreResult};
use crate::unit_of_work::audited;
use crate::versioned::{update_at_version, update_whole_row, versioned_entity};

/// [`ChartEntryRepository`] on the SQL database.
pub struct SqlChartEntryRepository {
    connection: Connection,
}

versioned_entity!(entity, "chart entry", fenced);

/// The audit trail's name for the "no known allergies" statement (its id is the
/// patient's).
const STATEMENT: &str = "no_known_allergies";

impl SqlChartEntryRepository {
    pub fn new(connection: Connection) -> Self {
        Self { connection }
    }
}

fn event(action: AuditAction, entry: &ChartEntry, detail: Option<String>) -> NewAuditEvent {
    NewAuditEvent {
        action,
        resource_type: entry.kind().as_str(),
        resource_id: entry.id.as_uuid(),
        patient_id: Some(entry.patient_id.as_uuid()),
        outcome: AuditOutcome::Success,
        detail,
    }
}

fn statement_event(action: AuditAction, patient: PatientId) -> NewAuditEvent {
    NewAuditEvent {
        action,
        resource_type: STATEMENT,
        resource_id: patient.as_uuid(),
        patient_id: Some(patient.as_uuid()),
        outcome: AuditOutcome::Success,
        detail: None,
    }
}

/// Carries out what a write decided besides its entry: an active allergy withdraws
/// the "no known allergies" statement.
async fn withdraw_statement_if_decided(
    work: &mut crate::unit_of_work::Work,
    write: &EntryWrite,
) -> StoreResult<()> {
    if write.withdraws_no_known_allergies {
        let patient = write.entry.patient_id;
        statements::Entity::delete_by_id(patient.as_uuid())
            .exec(work.db())
            .await?;
        work.audit(statement_event(AuditAction::Delete, patient));
    }
    Ok(())
}

/// The one unique key a chart entry can break (its id is a fresh UUIDv7), in the
/// domain's terms: `chart_entries_one_vitals_set_per_time`, which PostgreSQL names and
/// SQLite does not (it names the columns), hence the test by kind.
fn translated(error: StoreError) -> StoreError {
    if error.is_unique_violation() {
        return DomainError::conflict(
            ErrorCode::VitalsAlreadyRecorded,
            "the patient already has a vitals set taken at that time",
        )
        .into();
    }
    error
}

#[async_trait]
impl ChartEntryRepository for SqlChartEntryRepository {
    async fn create(
        &self,
        context: &AuditContext,
        patient: PatientId,
        record: Rule<'_, ChartState, EntryWrite>,
    ) -> Result<ChartEntry, DomainError> {
        let entry = audited(&self.connection, context, |mut work| async move {
            let state = chart_state(work.db(), patient).await?;
            let write = record(state, work.now())?;
            Entity::insert(entity::ActiveModel::from(entry_row(&write.entry)?))
                .exec_without_returning(work.db())
                .await
                .map_err(|error| translated(error.into()))?;
            // why: the entry's event first: an Idempotency-Key's retry is sent on to
            // what the first change event names.
            work.audit(event(
                AuditAction::Create,
                &write.entry,
                write.audit_detail.clone(),
            ));
            withdraw_statement_if_decided(&mut work, &write).await?;
            Ok(work.done(write.entry))
        })
        .await?;
        Ok(entry)
    }

    async fn get(
        &self,
        context: &AuditContext,
        kind: EntryKind,
        id: ChartEntryId,
    ) -> Result<Option<ChartEntry>, DomainError> {
        let entry = audited(&self.connection, context, |mut work| async move {
            let row = Entity::find_by_id(id.as_uuid())
                .filter(Column::Kind.eq(kind.as_str()))
                .one(work.db())
                .await?;
            let Some(entry) = row.map(to_entry).transpose()? else {
                return Ok(work.done(None));
            };
            work.audit(event(AuditAction::Read, &entry, None));
            Ok(work.done(Some(entry)))
        })
        .await?;
        Ok(entry)
    }

    async fn list_for_patient(
        &self,
        context: &AuditContext,
        patient: PatientId,
        kind: EntryKind,
        query: EntryQuery,
    ) -> Result<Option<Page<ChartEntry>>, DomainError> {
        let page = audited(&self.connection, context, |mut work| async move {
            if crate::patients::standing(work.db(), patient).await? == PatientStanding::Unknown {
                return Ok(work.done(None));
            }
            let mut select = of_kind(patient, kind);
            if matches!(kind, EntryKind::Vitals | EntryKind::Immunization) {
                // why: these read newest first, by when each set was taken or vaccine
                // given; the id breaks ties (a set entered in error and its correction,
                // two vaccines on one day).
                select = select
                    .order_by_desc(Column::ObservedAt)
                    .order_by_desc(Column::Id);
                if let Some(since) = query.since {
                    select = select.filter(Column::ObservedAt.gte(since));
                }
                if let Some(after) = query.page.after {
                    let cursor = of_kind(patient, kind)
                        .filter(Column::Id.eq(after))
                        .select_only()
                        .column(Column::ObservedAt)
                        .into_tuple::<Option<DateTime<Utc>>>()
                        .one(work.db())
                        .await?
                        .flatten()
                        .ok_or_else(|| {
                            DomainError::invalid("cursor", "names no entry of this patient's list")
                        })?;
                    select = select.filter(
                        Condition::any().add(Column::ObservedAt.lt(cursor)).add(
                            Condition::all()
                                .add(Column::ObservedAt.eq(cursor))
                                .add(Column::Id.lt(after)),
                        ),
                    );
                }
            } else {
                select = select.order_by_asc(Column::Id);
                if let Some(after) = query.page.after {
                    select = select.filter(Column::Id.gt(after));
                }
            }
            let rows = select
                .limit(u64::from(query.page.limit) + 1)
                .all(work.db())
                .await?;
            let entries = rows
                .into_iter()
                .map(to_entry)
                .collect::<StoreResult<Vec<_>>>()?;
            let page = Page::from_rows(entries, query.page, |entry| entry.id.as_uuid());
            work.audit_all(
                page.items
                    .iter()
                    .map(|entry| event(AuditAction::List, entry, None)),
            );
            Ok(work.done(Some(page)))
        })
        .await?;
        Ok(page)
    }

    async fn modify(
        &self,
        context: &AuditContext,
        kind: EntryKind,
        id: ChartEntryId,
        fence: Option<FencingToken>,
        change: Rule<'_, (ChartEntry, ChartState), EntryWrite>,
    ) -> Result<ChartEntry, DomainError> {
        let entry = audited(&self.connection, context, |mut work| async move {
            let row = Entity::find_by_id(id.as_uuid())
                .filter(Column::Kind.eq(kind.as_str()))
                .one(work.db())
                .await?
                .ok_or(DomainError::NotFound {
                    resource: kind.as_str(),
                })?;
            let loaded = to_entry(row)?;
            let read_at = loaded.version;
            let state = chart_state(work.db(), loaded.patient_id).await?;
            let mut write = change((loaded, state), work.now())?;
            write.entry.updated_at = work.now();
            let update = update_whole_row::<Entity>(
                entity::ActiveModel::from(entry_row(&write.entry)?),
                &[
                    Column::PatientId,
                    Column::Kind,
                    Column::RecordedBy,
                    Column::CreatedAt,
                ],
            );
            write.entry.version =
                update_at_version::<Entity>(work.db(), update, id.as_uuid(), read_at, fence)
                    .await
                    .map_err(translated)?;
            // why: the entry's event first: an Idempotency-Key's retry is sent on to
            // what the first change event names.
            work.audit(event(
                AuditAction::Update,
                &write.entry,
                write.audit_detail.clone(),
            ));
            withdraw_statement_if_decided(&mut work, &write).await?;
            Ok(work.done(write.entry))
        })
        .await?;
        Ok(entry)
    }

    async fn state_no_known_allergies(
        &self,
        context: &AuditContext,
        patient: PatientId,
        record: Rule<'_, ChartState, NoKnownAllergies>,
    ) -> Result<NoKnownAllergies, DomainError> {
        let statement = audited(&self.connection, context, |mut work| async move {
            let state = chart_state(work.db(), patient).await?;
            let statement = record(state, work.now())?;
            statements::Entity::insert(statements::ActiveModel::from(statements::Model {
                patient_id: statement.patient_id.as_uuid(),
                recorded_by: statement.recorded_by.as_uuid(),
                recorded_at: statement.recorded_at,
            }))
            .on_conflict(
                OnConflict::column(statements::Column::PatientId)
                    .update_columns([
                        statements::Column::RecordedBy,
                        statements::Column::RecordedAt,
                    ])
                    .to_owned(),
            )
            .exec_without_returning(work.db())
            .await?;
            work.audit(statement_event(AuditAction::Create, patient));
            Ok(work.done(statement))
        })
        .await?;
        Ok(statement)
    }

    async fn no_known_allergies(
        &self,
        context: &AuditContext,
        patient: PatientId,
    ) -> Result<Option<Option<NoKnownAllergies>>, DomainError> {
        let statement = audited(&self.connection, context, |mut work| async move {
            if crate::patients::standing(work.db(), patient).await? == PatientStanding::Unknown {
                return Ok(work.done(None));
            }
            let statement = no_known_allergies(work.db(), patient).await?;
            // why: that nothing is stated says something of the patient too.
            work.audit(statement_event(AuditAction::Read, patient));
            Ok(work.done(Some(statement)))
        })
        .await?;
        Ok(statement)
    }
}

fn entry_row(entry: &ChartEntry) -> StoreResult<entity::Model> {
    let details = stored_details::to_json(&entry.details)
        .map_err(|error| StoreError::internal(format!("chart entry {}: {error}", entry.id)))?;
    Ok(entity::Model {
        id: entry.id.as_uuid(),
        patient_id: entry.patient_id.as_uuid(),
        kind: entry.kind().as_str().to_owned(),
        status: entry.details.status().to_owned(),
        observed_at: entry.details.observed_at(),
        details,
        recorded_by: entry.recorded_by.as_uuid(),
        version: entry.version.get(),
        fence: None,
        created_at: entry.created_at,
        updated_at: entry.updated_at,
    })
}

pub(crate) fn to_entry(row: entity::Model) -> StoreResult<ChartEntry> {
    let corrupt = |what: String| StoreError::internal(format!("chart entry {}: {what}", row.id));
    let details = stored_details::from_json(&row.details).map_err(corrupt)?;
    if details.kind().as_str() != row.kind {
        return Err(corrupt(format!(
            "a {} stored as a {}",
            details.kind().as_str(),
            row.kind
        )));
    }
    Ok(ChartEntry {
        id: ChartEntryId::from_uuid(row.id),
        patient_id: PatientId::from_uuid(row.patient_id),
        details,
        recorded_by: UserId::from_uuid(row.recorded_by),
        version: Version::new(row.version)
            .ok_or_else(|| corrupt(format!("version {}", row.version)))?,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}
