use async_trait::async_trait;
use domain::locks::{LockableRecords, LockedResource};
use domain::patients::PatientId;
use domain::DomainError;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};

use crate::connection::Connection;
use uuid::Uuid;

use crate::chart::chart_entry_entity as chart_entries;
use crate::chart::problem_entity as problems;
use crate::documents::entities::documents;
use crate::error::domain_result;
use crate::notes::entities::notes;
use crate::patients::entity as patients;
use crate::schedule::entity as appointments;

/// [`LockableRecords`] on the SQL database: one indexed read by primary key.
pub struct SqlLockableRecords {
    connection: Connection,
}

impl SqlLockableRecords {
    pub fn new(connection: Connection) -> Self {
        Self { connection }
    }
}

#[async_trait]
impl LockableRecords for SqlLockableRecords {
    async fn patient_of(&self, resource: LockedResource) -> Result<Option<PatientId>, DomainError> {
        let connection = &self.connection;
        domain_result(async move {
            let patient = match resource {
                LockedResource::Patient(id) => {
                    patients::Entity::find_by_id(id.as_uuid())
                        .select_only()
                        .column(patients::Column::Id)
                        .into_tuple::<Uuid>()
                        .one(connection)
                        .await?
                }
                LockedResource::Note(id) => {
                    notes::Entity::find_by_id(id.as_uuid())
                        .select_only()
                        .column(notes::Column::PatientId)
                        .into_tuple::<Uuid>()
                        .one(connection)
                        .await?
                }
                LockedResource::Document(id) => {
                    documents::Entity::find_by_id(id.as_uuid())
                        .filter(documents::Column::DeletedAt.is_null())
                        .select_only()
                        .column(documents::Column::PatientId)
                        .into_tuple::<Uuid>()
                        .one(connection)
                        .await?
                }
                LockedResource::Problem(id) => {
                    problems::Entity::find_by_id(id.as_uuid())
                        .select_only()
                        .column(problems::Column::PatientId)
                        .into_tuple::<Uuid>()
                        .one(connection)
                        .await?
                }
                LockedResource::ChartEntry(kind, id) => {
                    chart_entries::Entity::find_by_id(id.as_uuid())
                        .filter(chart_entries::Column::Kind.eq(kind.as_str()))
                        .select_only()
                        .column(chart_entries::Column::PatientId)
                        .into_tuple::<Uuid>()
                        .one(connection)
                        .await?
                }
                // why: a job's lease is no record of anyone's chart.
                LockedResource::Job(_) => None,
                LockedResource::Appointment(id) => {
                    appointments::Entity::find_by_id(id.as_uuid())
                        .select_only()
                        .column(appointments::Column::PatientId)
                        .into_tuple::<Uuid>()
                        .one(connection)
                        .await?
                }
            };
            Ok(patient.map(PatientId::from_uuid))
        })
        .await
    }
}
