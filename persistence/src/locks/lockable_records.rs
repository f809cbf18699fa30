use async_trait::async_trait;
use domain::auth::UserId;
use domain::locks::{LockableRecord, LockableRecords, LockedResource};
use domain::notes::{NoteStanding, NoteStatus};
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
    async fn find(&self, resource: LockedResource) -> Result<Option<LockableRecord>, DomainError> {
        let connection = &self.connection;
        domain_result(async move {
            if let LockedResource::Note(id) = resource {
                let note = notes::Entity::find_by_id(id.as_uuid())
                    .select_only()
                    .columns([
                        notes::Column::PatientId,
                        notes::Column::AuthorId,
                        notes::Column::Status,
                    ])
                    .into_tuple::<(Uuid, Uuid, String)>()
                    .one(connection)
                    .await?;
                return note
                    .map(|(patient, author, status)| {
                        Ok(LockableRecord {
                            patient: PatientId::from_uuid(patient),
                            note: Some(NoteStanding {
                                author: UserId::from_uuid(author),
                                status: NoteStatus::parse(&status)
                                    .map_err(crate::error::StoreError::internal)?,
                            }),
                        })
                    })
                    .transpose();
            }
            let patient = match resource {
                LockedResource::Patient(id) => {
                    patients::Entity::find_by_id(id.as_uuid())
                        .select_only()
                        .column(patients::Column::Id)
                        .into_tuple::<Uuid>()
                        .one(connection)
                        .await?
                }
                // why: read above, with what decides who may see it.
                LockedResource::Note(_) => None,
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
            Ok(patient.map(|patient| LockableRecord {
                patient: PatientId::from_uuid(patient),
                note: None,
            }))
        })
        .await
    }
}
