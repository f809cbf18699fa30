//! What the chart's writes and its summary read: the chart's state under the patient's
//! lock, the active allergies, the "no known allergies" statement, a list's entries.

use chrono::{DateTime, NaiveDate, Utc};
use domain::auth::UserId;
use domain::chart::entries::{ChartEntry, ChartState, EntryKind, NoKnownAllergies};
use domain::patients::{PatientId, PatientStanding};
use sea_orm::sea_query::LockType;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::chart_entry_entity::{Column, Entity};
use super::no_known_allergies_entity as statements;
use super::sql_chart_entries::to_entry;
use crate::error::StoreResult;
use crate::patients::entity as patients;

/// Reads what a chart write decides by, holding the patient's chart until the
/// transaction ends: PostgreSQL locks the patient's row (`FOR NO KEY UPDATE`, which
/// inserts naming the patient do not wait for); SQLite lets one writer in at a time,
/// and runs again a transaction that read before another wrote.
pub(crate) async fn chart_state(
    db: &impl ConnectionTrait,
    patient: PatientId,
) -> StoreResult<ChartState> {
    let patient_row = patients::Entity::find_by_id(patient.as_uuid())
        .select_only()
        .column(patients::Column::ArchivedAt)
        .column(patients::Column::BirthDate)
        .lock(LockType::NoKeyUpdate)
        .into_tuple::<(Option<DateTime<Utc>>, NaiveDate)>()
        .one(db)
        .await?;
    let Some((archived_at, born_on)) = patient_row else {
        return Ok(ChartState {
            standing: PatientStanding::Unknown,
            born_on: None,
            active_allergies: Vec::new(),
            no_known_allergies: None,
        });
    };
    Ok(ChartState {
        standing: if archived_at.is_some() {
            PatientStanding::Archived
        } else {
            PatientStanding::Active
        },
        born_on: Some(born_on),
        active_allergies: active_allergies(db, patient, None).await?,
        no_known_allergies: no_known_allergies(db, patient).await?,
    })
}

/// The patient's active allergies, oldest first.
pub(crate) async fn active_allergies(
    db: &impl ConnectionTrait,
    patient: PatientId,
    limit: Option<u64>,
) -> StoreResult<Vec<ChartEntry>> {
    of_kind(patient, EntryKind::Allergy)
        .filter(Column::Status.eq("active"))
        .order_by_asc(Column::Id)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(to_entry)
        .collect()
}

pub(crate) async fn no_known_allergies(
    db: &impl ConnectionTrait,
    patient: PatientId,
) -> StoreResult<Option<NoKnownAllergies>> {
    Ok(statements::Entity::find_by_id(patient.as_uuid())
        .one(db)
        .await?
        .map(|row| NoKnownAllergies {
            patient_id: PatientId::from_uuid(row.patient_id),
            recorded_by: UserId::from_uuid(row.recorded_by),
            recorded_at: row.recorded_at,
        }))
}

pub(crate) fn of_kind(patient: PatientId, kind: EntryKind) -> sea_orm::Select<Entity> {
    Entity::find()
        .filter(Column::PatientId.eq(patient.as_uuid()))
        .filter(Column::Kind.eq(kind.as_str()))
}
