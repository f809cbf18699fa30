//! Appointment reminders into the outbox, inside the reminder job's fenced transaction.

use std::collections::HashMap;
use std::time::Duration;

use domain::notifications::{Notification, NotificationKind, NotificationStatus, ReminderChange};
use domain::schedule::AppointmentStatus;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ActiveValue, ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::clock::span;
use crate::error::StoreResult;
use crate::notifications::entity::{self as outbox, Column};
use crate::schedule::entity as appointments;
use crate::schedule::rows::to_appointment;
use crate::unit_of_work::Work;

/// Queues reminders for appointments starting within `window`, and reconciles the
/// pending ones; returns how many it queued, moved or withdrew.
pub(super) async fn queue(work: &Work, window: Duration) -> StoreResult<u64> {
    let now = work.now();
    let window_end = now + span(window)?;
    let mut changed = 0;

    let due = appointments::Entity::find()
        .filter(appointments::Column::Status.eq(AppointmentStatus::Scheduled.as_str()))
        .filter(appointments::Column::StartsAt.gt(now))
        .filter(appointments::Column::StartsAt.lte(window_end))
        .all(work.db())
        .await?;
    for row in due {
        let reminder = Notification::reminder_for(&to_appointment(row)?, now);
        let queued = outbox::Entity::insert(row_of(&reminder))
            .on_conflict(
                OnConflict::columns([Column::AppointmentId, Column::Kind])
                    .do_nothing()
                    .to_owned(),
            )
            .exec_without_returning(work.db())
            .await?;
        changed += queued;
    }

    let pending = outbox::Entity::find()
        .filter(Column::Status.eq(NotificationStatus::Pending.as_str()))
        .all(work.db())
        .await?;
    let ids: Vec<Uuid> = pending.iter().map(|row| row.appointment_id).collect();
    let current: HashMap<Uuid, domain::schedule::Appointment> = appointments::Entity::find()
        .filter(appointments::Column::Id.is_in(ids))
        .all(work.db())
        .await?
        .into_iter()
        .map(|row| Ok((row.id, to_appointment(row)?)))
        .collect::<StoreResult<_>>()?;
    for row in pending {
        let reminder = to_notification(&row)?;
        let update = outbox::Entity::update_many().filter(Column::Id.eq(row.id));
        let update = match reminder.reconcile(current.get(&row.appointment_id), window_end) {
            ReminderChange::Keep => continue,
            ReminderChange::MoveTo(start) => update.col_expr(Column::StartsAt, Expr::value(start)),
            ReminderChange::Withdraw => update.col_expr(
                Column::Status,
                Expr::value(NotificationStatus::Withdrawn.as_str()),
            ),
        };
        changed += update.exec(work.db()).await?.rows_affected;
    }
    Ok(changed)
}

fn row_of(notification: &Notification) -> outbox::ActiveModel {
    outbox::ActiveModel {
        id: ActiveValue::Set(notification.id),
        appointment_id: ActiveValue::Set(notification.appointment_id.as_uuid()),
        patient_id: ActiveValue::Set(notification.patient_id.as_uuid()),
        kind: ActiveValue::Set(notification.kind.as_str().to_owned()),
        starts_at: ActiveValue::Set(notification.starts_at),
        status: ActiveValue::Set(notification.status.as_str().to_owned()),
        created_at: ActiveValue::Set(notification.created_at),
    }
}

pub(crate) fn to_notification(row: &outbox::Model) -> StoreResult<Notification> {
    let corrupt = |what: &str, why: &str| crate::error::corrupt("notification", row.id, what, why);
    Ok(Notification {
        id: row.id,
        kind: NotificationKind::parse(&row.kind).ok_or_else(|| corrupt("kind", &row.kind))?,
        appointment_id: domain::schedule::AppointmentId::from_uuid(row.appointment_id),
        patient_id: domain::patients::PatientId::from_uuid(row.patient_id),
        starts_at: row.starts_at,
        status: NotificationStatus::parse(&row.status)
            .ok_or_else(|| corrupt("status", &row.status))?,
        created_at: row.created_at,
    })
}
