use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::patients::PatientId;
use crate::schedule::{Appointment, AppointmentId, AppointmentStatus};

/// What a notification is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotificationKind {
    /// The day before: "your appointment is tomorrow at ...".
    AppointmentReminder,
}

impl NotificationKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AppointmentReminder => "appointment_reminder",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        (raw == "appointment_reminder").then_some(Self::AppointmentReminder)
    }
}

/// Where a notification stands in the outbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotificationStatus {
    /// Waiting for a sender.
    Pending,
    /// No longer true (the appointment was cancelled, missed or moved away): not to send.
    Withdrawn,
}

impl NotificationStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [Self::Pending, Self::Withdrawn]
            .into_iter()
            .find(|status| status.as_str() == raw)
    }
}

/// A notification in the outbox: one per appointment and kind, ever.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    pub id: Uuid,
    pub kind: NotificationKind,
    pub appointment_id: AppointmentId,
    pub patient_id: PatientId,
    /// The appointment's start the reminder speaks of.
    pub starts_at: DateTime<Utc>,
    pub status: NotificationStatus,
    pub created_at: DateTime<Utc>,
}

/// What becomes of a pending reminder, given its appointment as it is now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReminderChange {
    Keep,
    /// The appointment moved, still within the window: the reminder speaks of the new time.
    MoveTo(DateTime<Utc>),
    Withdraw,
}

impl Notification {
    /// A reminder for an appointment the store found starting within the window.
    pub fn reminder_for(appointment: &Appointment, now: DateTime<Utc>) -> Notification {
        Notification {
            id: Uuid::now_v7(),
            kind: NotificationKind::AppointmentReminder,
            appointment_id: appointment.id,
            patient_id: appointment.patient_id,
            starts_at: appointment.slot.start(),
            status: NotificationStatus::Pending,
            created_at: now,
        }
    }

    /// A pending reminder stands while its appointment is scheduled at the time it
    /// speaks of; a moved one follows it while the new time is within `window_end`;
    /// anything else withdraws it, so no patient gets a stale reminder.
    pub fn reconcile(
        &self,
        appointment: Option<&Appointment>,
        window_end: DateTime<Utc>,
    ) -> ReminderChange {
        let Some(appointment) = appointment else {
            return ReminderChange::Withdraw;
        };
        let start = appointment.slot.start();
        match appointment.status {
            AppointmentStatus::Scheduled if start == self.starts_at => ReminderChange::Keep,
            AppointmentStatus::Scheduled if start <= window_end => ReminderChange::MoveTo(start),
            _ => ReminderChange::Withdraw,
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;
    use crate::auth::UserId;
    use crate::patients::PatientStanding;
    use crate::schedule::{AppointmentChanges, NewAppointment, Reason, TimeSlot};
    use crate::Version;

    fn at(hours: i64) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-12-01T08:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
            + Duration::hours(hours)
    }

    fn booked(start: i64) -> Appointment {
        let new = NewAppointment {
            patient_id: PatientId::generate(),
            provider_id: UserId::generate(),
            slot: TimeSlot::new(at(start), at(start) + Duration::minutes(30)).unwrap(),
            reason: Reason::parse("review").unwrap(),
        };
        Appointment::book(new, PatientStanding::Active, at(0)).unwrap()
    }

    #[test]
    fn a_reminder_stands_while_its_appointment_does() {
        let appointment = booked(10);
        let reminder = Notification::reminder_for(&appointment, at(0));
        assert_eq!(
            reminder.reconcile(Some(&appointment), at(24)),
            ReminderChange::Keep
        );
    }

    #[test]
    fn a_moved_appointment_takes_its_reminder_along_or_withdraws_it() {
        let appointment = booked(10);
        let reminder = Notification::reminder_for(&appointment, at(0));
        let moved = |start: i64| {
            let changes = AppointmentChanges {
                slot: Some(TimeSlot::new(at(start), at(start) + Duration::minutes(30)).unwrap()),
                ..Default::default()
            };
            appointment.clone().change(Version::FIRST, changes).unwrap()
        };
        assert_eq!(
            reminder.reconcile(Some(&moved(12)), at(24)),
            ReminderChange::MoveTo(at(12))
        );
        assert_eq!(
            reminder.reconcile(Some(&moved(48)), at(24)),
            ReminderChange::Withdraw
        );
    }

    #[test]
    fn a_cancelled_or_vanished_appointment_withdraws_its_reminder() {
        let appointment = booked(10);
        let reminder = Notification::reminder_for(&appointment, at(0));
        let changes = AppointmentChanges {
            status: Some(AppointmentStatus::Cancelled),
            ..Default::default()
        };
        let cancelled = appointment.change(Version::FIRST, changes).unwrap();
        assert_eq!(
            reminder.reconcile(Some(&cancelled), at(24)),
            ReminderChange::Withdraw
        );
        assert_eq!(reminder.reconcile(None, at(24)), ReminderChange::Withdraw);
    }
}
