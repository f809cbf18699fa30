use async_trait::async_trait;
use domain::audit::{AuditAction, AuditContext, AuditOutcome, NewAuditEvent};
use domain::auth::UserId;
use domain::chart::problems::{
    Problem, ProblemDetails, ProblemId, ProblemRepository, ProblemStatus,
};
use domain::chart::{ClinicalCode, CodeSystem};
use domain::locks::FencingToken;
use domain::patients::{PatientId, PatientStanding};
use domain::{DomainError, Page, PageRequest, Rule, Version};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::problem_entity::{self as entity, Column, Entity};
use crate::audited_read::read_one_audited;
use crate::connection::Connection;
use crate::error::{StoreError, StoreResult};
use crate::revision::{revise_one, Revised};
use crate::unit_of_work::audited;
use crate::versioned::{update_whole_row, versioned_entity};

/// [`ProblemRepository`] on the SQL database.
pub struct SqlProblemRepository {
    connection: Connection,
}

const RESOURCE: &str = "problem";

versioned_entity!(entity, RESOURCE, fenced);

impl SqlProblemRepository {
    pub fn new(connection: Connection) -> Self {
        Self { connection }
    }

    /// Whose chart problem `id` is in, which its audit events name.
    async fn patient_of(&self, id: ProblemId) -> StoreResult<Option<PatientId>> {
        let patient = Entity::find_by_id(id.as_uuid())
            .select_only()
            .column(Column::PatientId)
            .into_tuple::<uuid::Uuid>()
            .one(&self.connection)
            .await?;
        Ok(patient.map(PatientId::from_uuid))
    }
}

fn event(action: AuditAction, problem: ProblemId, patient: PatientId) -> NewAuditEvent {
    NewAuditEvent {
        action,
        resource_type: RESOURCE,
        resource_id: problem.as_uuid(),
        patient_id: Some(patient.as_uuid()),
        outcome: AuditOutcome::Success,
        detail: None,
    }
}

#[async_trait]
impl ProblemRepository for SqlProblemRepository {
    async fn create(
        &self,
        context: &AuditContext,
        patient: PatientId,
        record: Rule<'_, PatientStanding, Problem>,
    ) -> Result<Problem, DomainError> {
        let problem = audited(&self.connection, context, |mut work| async move {
            let standing = crate::patients::standing(work.db(), patient).await?;
            let problem = record(standing, work.now())?;
            Entity::insert(entity::ActiveModel::from(problem_row(&problem)))
                .exec_without_returning(work.db())
                .await?;
            work.audit(event(AuditAction::Create, problem.id, patient));
            Ok(work.done(problem))
        })
        .await?;
        Ok(problem)
    }

    async fn get(
        &self,
        context: &AuditContext,
        id: ProblemId,
    ) -> Result<Option<Problem>, DomainError> {
        // why: the event names the patient, which only the row knows: read it first
        // (a read alone), then the row with its event.
        let Some(patient) = self.patient_of(id).await? else {
            return Ok(None);
        };
        let event = event(AuditAction::Read, id, patient);
        let row = read_one_audited(
            &self.connection,
            context,
            Entity::find_by_id(id.as_uuid()),
            &event,
        )
        .await?;
        Ok(row.map(to_problem).transpose()?)
    }

    async fn list_for_patient(
        &self,
        context: &AuditContext,
        patient: PatientId,
        page: PageRequest,
    ) -> Result<Option<Page<Problem>>, DomainError> {
        let page = audited(&self.connection, context, |mut work| async move {
            if crate::patients::standing(work.db(), patient).await? == PatientStanding::Unknown {
                return Ok(work.done(None));
            }
            let mut query = Entity::find()
                .filter(Column::PatientId.eq(patient.as_uuid()))
                .order_by_asc(Column::Id);
            if let Some(after) = page.after {
                query = query.filter(Column::Id.gt(after));
            }
            let rows = query
                .limit(u64::from(page.limit) + 1)
                .all(work.db())
                .await?;
            let problems = rows
                .into_iter()
                .map(to_problem)
                .collect::<StoreResult<Vec<_>>>()?;
            let page = Page::from_rows(problems, page, |problem| problem.id.as_uuid());
            work.audit_all(
                page.items
                    .iter()
                    .map(|problem| event(AuditAction::List, problem.id, patient)),
            );
            Ok(work.done(Some(page)))
        })
        .await?;
        Ok(page)
    }

    async fn modify(
        &self,
        context: &AuditContext,
        id: ProblemId,
        fence: Option<FencingToken>,
        change: Rule<'_, Problem, Problem>,
    ) -> Result<Problem, DomainError> {
        let patient = self
            .patient_of(id)
            .await?
            .ok_or(DomainError::NotFound { resource: RESOURCE })?;
        let revise = |row: entity::Model, now| -> StoreResult<Revised<Entity, Problem>> {
            let loaded = to_problem(row)?;
            let read_at = loaded.version;
            let mut problem = change(loaded, now)?;
            problem.updated_at = now;
            let row = entity::ActiveModel::from(problem_row(&problem));
            let update = update_whole_row::<Entity>(
                row,
                &[Column::PatientId, Column::RecordedBy, Column::CreatedAt],
            );
            Ok(Revised {
                update,
                read_at,
                value: problem,
            })
        };
        let event = event(AuditAction::Update, id, patient);
        let (mut problem, version) = revise_one(
            &self.connection,
            context,
            id.as_uuid(),
            fence,
            &event,
            &revise,
        )
        .await?;
        problem.version = version;
        Ok(problem)
    }
}

fn problem_row(problem: &Problem) -> entity::Model {
    let details = &problem.details;
    entity::Model {
        id: problem.id.as_uuid(),
        patient_id: problem.patient_id.as_uuid(),
        description: details.description.clone(),
        code_system: details
            .code
            .as_ref()
            .map(|code| code.system().as_str().to_owned()),
        code: details.code.as_ref().map(|code| code.code().to_owned()),
        onset: details.onset,
        status: details.status.as_str().to_owned(),
        resolved_on: details.resolved_on,
        notes: details.notes.clone(),
        recorded_by: problem.recorded_by.as_uuid(),
        version: problem.version.get(),
        fence: None,
        created_at: problem.created_at,
        updated_at: problem.updated_at,
    }
}

pub(crate) fn to_problem(row: entity::Model) -> StoreResult<Problem> {
    let corrupt = |what: String| StoreError::internal(format!("problem {}: {what}", row.id));
    let code = match (&row.code_system, &row.code) {
        (Some(system), Some(code)) => {
            let system = CodeSystem::parse(system, &CodeSystem::ALL).map_err(corrupt)?;
            Some(ClinicalCode::parse(system, code).map_err(corrupt)?)
        }
        _ => None,
    };
    Ok(Problem {
        id: ProblemId::from_uuid(row.id),
        patient_id: PatientId::from_uuid(row.patient_id),
        details: ProblemDetails {
            description: row.description.clone(),
            code,
            onset: row.onset,
            status: ProblemStatus::parse(&row.status).map_err(corrupt)?,
            resolved_on: row.resolved_on,
            notes: row.notes.clone(),
        },
        recorded_by: UserId::from_uuid(row.recorded_by),
        version: Version::new(row.version)
            .ok_or_else(|| corrupt(format!("version {}", row.version)))?,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}
