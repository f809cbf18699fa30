use async_trait::async_trait;
use domain::audit::{AuditAction, AuditContext, AuditOutcome, NewAuditEvent};
use domain::locks::FencingToken;
use domain::patients::{Patient, PatientId, PatientRepository, PatientSearch, PatientStanding};
use domain::{DomainError, Page, PageRequest, Rule};
use sea_orm::sea_query::{Condition, Expr, LikeExpr};

use crate::connection::Connection;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::entity::{self, Column, Entity};
use super::rows::{patient_row, to_patient};
use crate::audited_read::read_one_audited;
use crate::error::StoreResult;
use crate::revision::{revise_one, Revised};
use crate::unit_of_work::audited;
use crate::versioned::{update_whole_row, versioned_entity};

/// [`PatientRepository`] on the SQL database; every call is one unit of work holding
/// the work and its audit events.
pub struct SqlPatientRepository {
    connection: Connection,
}

const RESOURCE: &str = "patient";
/// Attempts at a fresh MRN before giving up: with 32^8 codes, more than one is rare.
const MRN_ATTEMPTS: usize = 5;

impl SqlPatientRepository {
    pub fn new(connection: Connection) -> Self {
        Self { connection }
    }
}

versioned_entity!(entity, RESOURCE, fenced);

fn event(action: AuditAction, id: PatientId) -> NewAuditEvent {
    NewAuditEvent {
        action,
        resource_type: RESOURCE,
        resource_id: id.as_uuid(),
        patient_id: Some(id.as_uuid()),
        outcome: AuditOutcome::Success,
        detail: None,
    }
}

#[async_trait]
impl PatientRepository for SqlPatientRepository {
    async fn create(
        &self,
        context: &AuditContext,
        register: Rule<'_, (), Patient>,
    ) -> Result<Patient, DomainError> {
        for _ in 0..MRN_ATTEMPTS {
            let created = audited(&self.connection, context, |mut work| async move {
                let patient = register((), work.now())?;
                let row = patient_row(&patient, work.now(), None)?;
                Entity::insert(entity::ActiveModel::from(row))
                    .exec_without_returning(work.db())
                    .await?;
                work.audit(event(AuditAction::Create, patient.id));
                Ok(work.done(patient))
            })
            .await;
            match created {
                // why: the only unique key is the MRN; a collision spoils the
                // transaction on PostgreSQL, so the whole unit starts over.
                Err(error) if error.is_unique_violation() => continue,
                other => return Ok(other?),
            }
        }
        Err(DomainError::internal(anyhow::anyhow!(
            "no free MRN after {MRN_ATTEMPTS} attempts"
        )))
    }

    async fn get(
        &self,
        context: &AuditContext,
        id: PatientId,
    ) -> Result<Option<Patient>, DomainError> {
        let select = Entity::find_by_id(id.as_uuid());
        let event = event(AuditAction::Read, id);
        let row = read_one_audited(&self.connection, context, select, &event).await?;
        Ok(row.map(to_patient).transpose()?)
    }

    async fn modify(
        &self,
        context: &AuditContext,
        id: PatientId,
        action: AuditAction,
        fence: Option<FencingToken>,
        change: Rule<'_, Patient, Patient>,
    ) -> Result<Patient, DomainError> {
        let revise = |row: entity::Model, now| -> StoreResult<Revised<Entity, Patient>> {
            let archived_at = row.archived_at;
            let loaded = to_patient(row)?;
            let read_at = loaded.version;
            let mut patient = change(loaded, now)?;
            patient.updated_at = now;
            let row = entity::ActiveModel::from(patient_row(&patient, now, archived_at)?);
            let update = update_whole_row::<Entity>(row, &[Column::Mrn, Column::CreatedAt]);
            Ok(Revised {
                update,
                read_at,
                value: patient,
            })
        };
        let event = event(action, id);
        let (mut patient, version) = revise_one(
            &self.connection,
            context,
            id.as_uuid(),
            fence,
            &event,
            &revise,
        )
        .await?;
        patient.version = version;
        Ok(patient)
    }

    async fn search(
        &self,
        context: &AuditContext,
        search: PatientSearch,
        page: PageRequest,
    ) -> Result<Page<Patient>, DomainError> {
        let search = &search;
        let page = audited(&self.connection, context, |mut work| async move {
            let rows = search_query(search, page)
                .limit(u64::from(page.limit) + 1)
                .all(work.db())
                .await?;
            let patients = rows
                .into_iter()
                .map(to_patient)
                .collect::<StoreResult<Vec<_>>>()?;
            let page = Page::from_rows(patients, page, |patient| patient.id.as_uuid());
            work.audit(NewAuditEvent {
                action: AuditAction::Search,
                resource_type: RESOURCE,
                resource_id: uuid::Uuid::nil(),
                patient_id: None,
                outcome: AuditOutcome::Success,
                detail: Some(search.describe()),
            });
            work.audit_all(page.items.iter().map(|p| event(AuditAction::List, p.id)));
            Ok(work.done(page))
        })
        .await?;
        Ok(page)
    }
}

fn search_query(search: &PatientSearch, page: PageRequest) -> sea_orm::Select<Entity> {
    let mut query = Entity::find().order_by_asc(Column::Id);
    if let Some(prefix) = &search.name_prefix {
        let pattern = format!("{}%", escape_like(&prefix.to_lowercase()));
        query = query.filter(
            Condition::any()
                .add(
                    Expr::col(Column::FamilyNameSearch)
                        .like(LikeExpr::new(pattern.clone()).escape('\\')),
                )
                .add(Expr::col(Column::GivenNameSearch).like(LikeExpr::new(pattern).escape('\\'))),
        );
    }
    if let Some(birth_date) = search.birth_date {
        query = query.filter(Column::BirthDate.eq(birth_date.date()));
    }
    if let Some(mrn) = &search.mrn {
        query = query.filter(Column::Mrn.eq(mrn.as_str()));
    }
    if !search.include_archived {
        query = query.filter(Column::ArchivedAt.is_null());
    }
    if let Some(after) = page.after {
        query = query.filter(Column::Id.gt(after));
    }
    query
}

/// Where patient `id` stands, read inside the caller's transaction.
pub(crate) async fn standing(
    connection: &impl ConnectionTrait,
    id: PatientId,
) -> StoreResult<PatientStanding> {
    let archived_at = Entity::find_by_id(id.as_uuid())
        .select_only()
        .column(Column::ArchivedAt)
        .into_tuple::<Option<chrono::DateTime<chrono::Utc>>>()
        .one(connection)
        .await?;
    Ok(match archived_at {
        None => PatientStanding::Unknown,
        Some(Some(_)) => PatientStanding::Archived,
        Some(None) => PatientStanding::Active,
    })
}

/// Escapes LIKE's wildcards so a search for `50%` finds that text, not everything.
fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}
