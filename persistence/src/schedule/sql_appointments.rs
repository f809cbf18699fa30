use async_trait::async_trait;
use domain::audit::{AuditAction, AuditContext, NewAuditEvent};
use domain::auth::UserId;
use domain::patients::PatientId;
use domain::schedule::{
    Appointment, AppointmentChanges, AppointmentFilter, AppointmentId, AppointmentRepository,
    AppointmentStatus, NewAppointment, Reason, TimeSlot,
};
use domain::{DomainError, Page, PageRequest, Version};
use sea_orm::sea_query::{Condition, Expr};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, TransactionTrait,
};
use uuid::Uuid;

use super::entity::{self, Column, Entity, Model};
use crate::audit;
use crate::clock::database_now;
use crate::error::internal;
use crate::retry::retry_when_busy;

const RESOURCE: &str = "appointment";
/// PostgreSQL's exclusion constraint that forbids overlapping bookings.
const NO_DOUBLE_BOOKING: &str = "appointments_no_double_booking";

/// [`AppointmentRepository`] on the SQL database. On PostgreSQL an exclusion
/// constraint forbids overlaps; on SQLite (one writer) the booking transaction checks
/// and writes, and one that raced another starts over and sees its booking.
pub struct SqlAppointmentRepository {
    connection: DatabaseConnection,
}

impl SqlAppointmentRepository {
    pub fn new(connection: DatabaseConnection) -> Self {
        Self { connection }
    }
}

fn event(action: AuditAction, row: &Model) -> NewAuditEvent {
    NewAuditEvent {
        action,
        resource_type: RESOURCE,
        resource_id: row.id,
        patient_id: Some(row.patient_id),
    }
}

fn is_double_booking(error: &DbErr) -> bool {
    error.to_string().contains(NO_DOUBLE_BOOKING)
}

/// An appointment of `provider` that holds time overlapping `slot`, other than `except`.
async fn overlapping(
    connection: &impl ConnectionTrait,
    provider: UserId,
    slot: TimeSlot,
    except: Option<Uuid>,
) -> Result<Option<Uuid>, DomainError> {
    let mut query = Entity::find()
        .select_only()
        .column(Column::Id)
        .filter(Column::ProviderId.eq(provider.as_uuid()))
        .filter(Column::Status.ne(AppointmentStatus::Cancelled.as_str()))
        .filter(Column::StartsAt.lt(slot.end()))
        .filter(Column::EndsAt.gt(slot.start()));
    if let Some(except) = except {
        query = query.filter(Column::Id.ne(except));
    }
    query
        .into_tuple::<Uuid>()
        .one(connection)
        .await
        .map_err(internal)
}

/// Whether `appointment` exists and is `patient`'s.
pub(crate) async fn appointment_of_patient(
    connection: &impl ConnectionTrait,
    appointment: AppointmentId,
    patient: PatientId,
) -> Result<bool, DomainError> {
    let found = Entity::find_by_id(appointment.as_uuid())
        .filter(Column::PatientId.eq(patient.as_uuid()))
        .select_only()
        .column(Column::Id)
        .into_tuple::<Uuid>()
        .one(connection)
        .await
        .map_err(internal)?;
    Ok(found.is_some())
}

impl SqlAppointmentRepository {
    /// The booking that beat ours to the slot, read after the constraint refused ours.
    async fn slot_taken(
        &self,
        provider: UserId,
        slot: TimeSlot,
        except: Option<Uuid>,
    ) -> DomainError {
        match overlapping(&self.connection, provider, slot, except).await {
            Ok(Some(conflicting)) => DomainError::SlotTaken { conflicting },
            Ok(None) => internal(anyhow::anyhow!(
                "a double booking was refused but no rival was found"
            )),
            Err(error) => error,
        }
    }

    async fn create_once(
        &self,
        context: &AuditContext,
        new: &NewAppointment,
    ) -> Result<Appointment, DomainError> {
        let transaction = self.connection.begin().await.map_err(internal)?;
        let patient_known =
            crate::patients::is_active_patient(&transaction, new.patient_id).await?;
        if !patient_known {
            return Err(DomainError::invalid(
                "patientId",
                "is not a registered, unarchived patient",
            ));
        }
        if let Some(conflicting) =
            overlapping(&transaction, new.provider_id, new.slot, None).await?
        {
            return Err(DomainError::SlotTaken { conflicting });
        }
        let now = database_now(&transaction).await?;
        let row = Model {
            id: Uuid::now_v7(),
            patient_id: new.patient_id.as_uuid(),
            provider_id: new.provider_id.as_uuid(),
            starts_at: new.slot.start(),
            ends_at: new.slot.end(),
            reason: new.reason.as_str().to_owned(),
            status: AppointmentStatus::Scheduled.as_str().to_owned(),
            version: Version::FIRST.get(),
            created_at: now,
            updated_at: now,
        };
        let inserted = Entity::insert(entity::ActiveModel::from(row.clone()))
            .exec_without_returning(&transaction)
            .await;
        match inserted {
            Ok(_) => {}
            Err(error) if is_double_booking(&error) => {
                drop(transaction);
                return Err(self.slot_taken(new.provider_id, new.slot, None).await);
            }
            Err(error) => return Err(internal(error)),
        }
        audit::record(
            &transaction,
            context,
            now,
            [event(AuditAction::Create, &row)],
        )
        .await?;
        transaction.commit().await.map_err(internal)?;
        to_appointment(row)
    }

    async fn update_once(
        &self,
        context: &AuditContext,
        id: AppointmentId,
        expected: Version,
        changes: &AppointmentChanges,
    ) -> Result<Appointment, DomainError> {
        let transaction = self.connection.begin().await.map_err(internal)?;
        let row = Entity::find_by_id(id.as_uuid())
            .one(&transaction)
            .await
            .map_err(internal)?
            .ok_or(DomainError::NotFound { resource: RESOURCE })?;
        let current = to_appointment(row.clone())?;
        if current.version != expected {
            return Err(DomainError::PreconditionFailed {
                current: current.version,
            });
        }
        let status = changes.status.unwrap_or(current.status);
        if changes.status.is_some() && !current.status.may_become(status) {
            return Err(DomainError::Conflict {
                code: "invalid_transition",
                message: format!(
                    "an appointment cannot go from {} to {}",
                    current.status.as_str(),
                    status.as_str()
                ),
            });
        }
        let slot = changes.slot.unwrap_or(current.slot);
        if changes.slot.is_some() && current.status != AppointmentStatus::Scheduled {
            return Err(DomainError::Conflict {
                code: "invalid_transition",
                message: format!(
                    "a {} appointment cannot be rescheduled",
                    current.status.as_str()
                ),
            });
        }
        if changes.slot.is_some() && status.occupies_time() {
            if let Some(conflicting) =
                overlapping(&transaction, current.provider_id, slot, Some(row.id)).await?
            {
                return Err(DomainError::SlotTaken { conflicting });
            }
        }
        let now = database_now(&transaction).await?;
        let reason = changes.reason.as_ref().unwrap_or(&current.reason);
        let result = Entity::update_many()
            .col_expr(Column::StartsAt, Expr::value(slot.start()))
            .col_expr(Column::EndsAt, Expr::value(slot.end()))
            .col_expr(Column::Status, Expr::value(status.as_str()))
            .col_expr(Column::Reason, Expr::value(reason.as_str()))
            .col_expr(Column::Version, Expr::value(expected.next().get()))
            .col_expr(Column::UpdatedAt, Expr::value(now))
            .filter(Column::Id.eq(row.id))
            .filter(Column::Version.eq(expected.get()))
            .exec(&transaction)
            .await;
        match result {
            Ok(result) if result.rows_affected == 0 => {
                return Err(DomainError::PreconditionFailed {
                    current: expected.next(),
                });
            }
            Ok(_) => {}
            Err(error) if is_double_booking(&error) => {
                drop(transaction);
                return Err(self
                    .slot_taken(current.provider_id, slot, Some(row.id))
                    .await);
            }
            Err(error) => return Err(internal(error)),
        }
        let updated = Model {
            starts_at: slot.start(),
            ends_at: slot.end(),
            status: status.as_str().to_owned(),
            reason: reason.as_str().to_owned(),
            version: expected.next().get(),
            updated_at: now,
            ..row
        };
        audit::record(
            &transaction,
            context,
            now,
            [event(AuditAction::Update, &updated)],
        )
        .await?;
        transaction.commit().await.map_err(internal)?;
        to_appointment(updated)
    }

    async fn get_once(
        &self,
        context: &AuditContext,
        id: AppointmentId,
    ) -> Result<Option<Appointment>, DomainError> {
        let transaction = self.connection.begin().await.map_err(internal)?;
        let Some(row) = Entity::find_by_id(id.as_uuid())
            .one(&transaction)
            .await
            .map_err(internal)?
        else {
            return Ok(None);
        };
        let now = database_now(&transaction).await?;
        audit::record(&transaction, context, now, [event(AuditAction::Read, &row)]).await?;
        transaction.commit().await.map_err(internal)?;
        to_appointment(row).map(Some)
    }

    async fn list_once(
        &self,
        context: &AuditContext,
        filter: &AppointmentFilter,
        page: PageRequest,
    ) -> Result<Page<Appointment>, DomainError> {
        let transaction = self.connection.begin().await.map_err(internal)?;
        let mut query = Entity::find()
            .order_by_asc(Column::StartsAt)
            .order_by_asc(Column::Id);
        if let Some(provider) = filter.provider_id {
            query = query.filter(Column::ProviderId.eq(provider.as_uuid()));
        }
        if let Some(patient) = filter.patient_id {
            query = query.filter(Column::PatientId.eq(patient.as_uuid()));
        }
        if let Some(from) = filter.from {
            query = query.filter(Column::EndsAt.gt(from));
        }
        if let Some(to) = filter.to {
            query = query.filter(Column::StartsAt.lt(to));
        }
        if let Some(after) = page.after {
            // Keyset on (start, id): the cursor names the last item; find where it starts.
            let Some(last) = Entity::find_by_id(after)
                .one(&transaction)
                .await
                .map_err(internal)?
            else {
                return Err(DomainError::invalid("cursor", "names no appointment"));
            };
            query = query.filter(
                Condition::any()
                    .add(Column::StartsAt.gt(last.starts_at))
                    .add(
                        Condition::all()
                            .add(Column::StartsAt.eq(last.starts_at))
                            .add(Column::Id.gt(last.id)),
                    ),
            );
        }
        let rows = query
            .limit(u64::from(page.limit) + 1)
            .all(&transaction)
            .await
            .map_err(internal)?;
        let now = database_now(&transaction).await?;
        let page = Page::from_rows(rows, page, |row| row.id);
        audit::record(
            &transaction,
            context,
            now,
            page.items.iter().map(|row| event(AuditAction::List, row)),
        )
        .await?;
        transaction.commit().await.map_err(internal)?;
        let items = page
            .items
            .into_iter()
            .map(to_appointment)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Page {
            items,
            next_after: page.next_after,
        })
    }
}

#[async_trait]
impl AppointmentRepository for SqlAppointmentRepository {
    async fn create(
        &self,
        context: &AuditContext,
        appointment: NewAppointment,
    ) -> Result<Appointment, DomainError> {
        retry_when_busy(|| self.create_once(context, &appointment)).await
    }

    async fn get(
        &self,
        context: &AuditContext,
        id: AppointmentId,
    ) -> Result<Option<Appointment>, DomainError> {
        retry_when_busy(|| self.get_once(context, id)).await
    }

    async fn update(
        &self,
        context: &AuditContext,
        id: AppointmentId,
        expected: Version,
        changes: AppointmentChanges,
    ) -> Result<Appointment, DomainError> {
        retry_when_busy(|| self.update_once(context, id, expected, &changes)).await
    }

    async fn list(
        &self,
        context: &AuditContext,
        filter: AppointmentFilter,
        page: PageRequest,
    ) -> Result<Page<Appointment>, DomainError> {
        retry_when_busy(|| self.list_once(context, &filter, page)).await
    }
}

fn to_appointment(row: Model) -> Result<Appointment, DomainError> {
    let corrupt = |what: &str, why: String| {
        internal(anyhow::anyhow!(
            "appointment {} has an unreadable {what}: {why}",
            row.id
        ))
    };
    Ok(Appointment {
        id: AppointmentId::from_uuid(row.id),
        patient_id: PatientId::from_uuid(row.patient_id),
        provider_id: UserId::from_uuid(row.provider_id),
        slot: TimeSlot::new(row.starts_at, row.ends_at).map_err(|e| corrupt("time", e))?,
        reason: Reason::parse(&row.reason).map_err(|e| corrupt("reason", e))?,
        status: AppointmentStatus::parse(&row.status).map_err(|e| corrupt("status", e))?,
        version: Version::new(row.version)
            .ok_or_else(|| corrupt("version", row.version.to_string()))?,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}
