//! Notifications to patients, through an outbox a sender drains: for now, appointment
//! reminders queued by a cluster job, exactly once per appointment.

mod outbox;
mod reminder;

pub use outbox::Outbox;
pub use reminder::{Notification, NotificationKind, NotificationStatus, ReminderChange};
