use async_trait::async_trait;
use domain::audit::{AuditAction, AuditContext, AuditOutcome, NewAuditEvent};
use domain::auth::UserId;
use domain::locks::FencingToken;
use domain::patients::{PatientId, PatientStanding};
use domain::schedule::{
    Appointment, AppointmentFilter, AppointmentId, AppointmentRepository, AppointmentStatus,
    TimeSlot,
};
use domain::{DomainError, Page, PageRequest, Rule};
use sea_orm::sea_query::Condition;

use crate::connection::Connection;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use super::entity::{self, Column, Entity};
use super::rows::{appointment_row, to_appointment};
use crate::error::{StoreError, StoreResult};
use crate::unit_of_work::{audited, Work};
use crate::versioned::{update_at_version, update_whole_row, versioned_entity};

const RESOURCE: &str = "appointment";
/// PostgreSQL's exclusion constraint that forbids overlapping bookings.
const NO_DOUBLE_BOOKING: &str = "appointments_no_double_booking";

/// [`AppointmentRepository`] on the SQL database. On PostgreSQL an exclusion
/// constraint forbids overlaps; on SQLite (one writer) the unit of work checks and
/// writes, and one that raced another starts over and sees its booking.
pub struct SqlAppointmentRepository {
    connection: Connection,
}

impl SqlAppointmentRepository {
    pub fn new(connection: Connection) -> Self {
        Self { connection }
    }
}

versioned_entity!(entity, RESOURCE, fenced);

fn event(action: AuditAction, appointment: &Appointment) -> NewAuditEvent {
    NewAuditEvent {
        action,
        resource_type: RESOURCE,
        resource_id: appointment.id.as_uuid(),
        patient_id: Some(appointment.patient_id.as_uuid()),
        outcome: AuditOutcome::Success,
        detail: None,
    }
}

/// An appointment of `provider` that holds time overlapping `slot`, other than `except`.
async fn overlapping(
    connection: &impl ConnectionTrait,
    provider: UserId,
    slot: TimeSlot,
    except: Option<AppointmentId>,
) -> StoreResult<Option<Uuid>> {
    let mut query = Entity::find()
        .select_only()
        .column(Column::Id)
        .filter(Column::ProviderId.eq(provider.as_uuid()))
        .filter(Column::Status.ne(AppointmentStatus::Cancelled.as_str()))
        .filter(Column::StartsAt.lt(slot.end()))
        .filter(Column::EndsAt.gt(slot.start()));
    if let Some(except) = except {
        query = query.filter(Column::Id.ne(except.as_uuid()));
    }
    Ok(query.into_tuple::<Uuid>().one(connection).await?)
}

/// Runs `write` so that a double booking answers `SlotTaken` naming the rival.
///
/// SQLite has one writer, so the check before the write decides. On PostgreSQL two
/// nodes can both pass the check; the exclusion constraint then refuses the second, and
/// the write runs under a savepoint so that the transaction can still read the rival
/// (which has committed: the constraint waited for it).
async fn without_double_booking<T>(
    work: &Work,
    appointment: &Appointment,
    except: Option<AppointmentId>,
    write: impl std::future::Future<Output = StoreResult<T>>,
) -> StoreResult<T> {
    let (provider, slot) = (appointment.provider_id, appointment.slot);
    if let Some(conflicting) = overlapping(work.db(), provider, slot, except).await? {
        return Err(DomainError::SlotTaken { conflicting }.into());
    }
    work.db().execute_unprepared("SAVEPOINT booking").await?;
    match write.await {
        Ok(written) => {
            work.db()
                .execute_unprepared("RELEASE SAVEPOINT booking")
                .await?;
            Ok(written)
        }
        Err(error) if error.violated_constraint() == Some(NO_DOUBLE_BOOKING) => {
            work.db()
                .execute_unprepared("ROLLBACK TO SAVEPOINT booking")
                .await?;
            match overlapping(work.db(), provider, slot, except).await? {
                Some(conflicting) => Err(DomainError::SlotTaken { conflicting }.into()),
                None => Err(StoreError::internal(
                    "a double booking was refused but no rival was found",
                )),
            }
        }
        Err(error) => Err(error),
    }
}

/// The patient of `appointment`, if it exists.
pub(crate) async fn patient_of(
    connection: &impl ConnectionTrait,
    appointment: AppointmentId,
) -> StoreResult<Option<PatientId>> {
    let patient = Entity::find_by_id(appointment.as_uuid())
        .select_only()
        .column(Column::PatientId)
        .into_tuple::<Uuid>()
        .one(connection)
        .await?;
    Ok(patient.map(PatientId::from_uuid))
}

#[async_trait]
impl AppointmentRepository for SqlAppointmentRepository {
    async fn create(
        &self,
        context: &AuditContext,
        patient: PatientId,
        book: Rule<'_, PatientStanding, Appointment>,
    ) -> Result<Appointment, DomainError> {
        let appointment = audited(&self.connection, context, |mut work| async move {
            let standing = crate::patients::standing(work.db(), patient).await?;
            let appointment = book(standing, work.now())?;
            let row = entity::ActiveModel::from(appointment_row(&appointment));
            let insert = async {
                Ok(Entity::insert(row)
                    .exec_without_returning(work.db())
                    .await?)
            };
            without_double_booking(&work, &appointment, None, insert).await?;
            work.audit(event(AuditAction::Create, &appointment));
            Ok(work.done(appointment))
        })
        .await?;
        Ok(appointment)
    }

    async fn get(
        &self,
        context: &AuditContext,
        id: AppointmentId,
    ) -> Result<Option<Appointment>, DomainError> {
        let appointment = audited(&self.connection, context, |mut work| async move {
            let Some(row) = Entity::find_by_id(id.as_uuid()).one(work.db()).await? else {
                return Ok(work.done(None));
            };
            let appointment = to_appointment(row)?;
            work.audit(event(AuditAction::Read, &appointment));
            Ok(work.done(Some(appointment)))
        })
        .await?;
        Ok(appointment)
    }

    async fn modify(
        &self,
        context: &AuditContext,
        id: AppointmentId,
        fence: Option<FencingToken>,
        change: Rule<'_, Appointment, Appointment>,
    ) -> Result<Appointment, DomainError> {
        let appointment = audited(&self.connection, context, |mut work| async move {
            let row = Entity::find_by_id(id.as_uuid())
                .one(work.db())
                .await?
                .ok_or(DomainError::NotFound { resource: RESOURCE })?;
            let loaded = to_appointment(row)?;
            let mut appointment = change(loaded.clone(), work.now())?;
            appointment.updated_at = work.now();
            let row = entity::ActiveModel::from(appointment_row(&appointment));
            let update = update_whole_row::<Entity>(row, &[Column::CreatedAt]);
            let write = update_at_version(work.db(), update, id.as_uuid(), loaded.version, fence);
            appointment.version = if appointment.claims_time_beyond(&loaded) {
                without_double_booking(&work, &appointment, Some(id), write).await?
            } else {
                write.await?
            };
            work.audit(event(AuditAction::Update, &appointment));
            Ok(work.done(appointment))
        })
        .await?;
        Ok(appointment)
    }

    async fn list(
        &self,
        context: &AuditContext,
        filter: AppointmentFilter,
        page: PageRequest,
    ) -> Result<Page<Appointment>, DomainError> {
        let filter = &filter;
        let page = audited(&self.connection, context, |mut work| async move {
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
                let Some(last) = Entity::find_by_id(after).one(work.db()).await? else {
                    return Err(DomainError::invalid("cursor", "names no appointment").into());
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
                .all(work.db())
                .await?;
            let items = rows
                .into_iter()
                .map(to_appointment)
                .collect::<StoreResult<Vec<_>>>()?;
            let page = Page::from_rows(items, page, |appointment| appointment.id.as_uuid());
            work.audit_all(page.items.iter().map(|a| event(AuditAction::List, a)));
            Ok(work.done(page))
        })
        .await?;
        Ok(page)
    }
}
