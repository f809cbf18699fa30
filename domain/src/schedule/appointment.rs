use chrono::{DateTime, Duration, DurationRound, Utc};
use uuid::Uuid;

use crate::auth::UserId;
use crate::patients::PatientId;
use crate::Version;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AppointmentId(Uuid);

impl AppointmentId {
    pub fn from_uuid(id: Uuid) -> Self {
        Self(id)
    }

    pub fn as_uuid(self) -> Uuid {
        self.0
    }
}

/// When an appointment runs: `start` before `end`, at most 12 hours, to the second.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeSlot {
    start: DateTime<Utc>,
    end: DateTime<Utc>,
}

impl TimeSlot {
    pub fn new(start: DateTime<Utc>, end: DateTime<Utc>) -> Result<Self, String> {
        // why: whole seconds keep every stored instant in one text form on SQLite,
        // where overlap checks compare the text.
        let truncate = |t: DateTime<Utc>| t.duration_trunc(Duration::seconds(1)).unwrap_or(t);
        let (start, end) = (truncate(start), truncate(end));
        if end <= start {
            return Err("must end after it starts".to_owned());
        }
        if end - start > Duration::hours(12) {
            return Err("must last at most 12 hours".to_owned());
        }
        Ok(Self { start, end })
    }

    pub fn start(&self) -> DateTime<Utc> {
        self.start
    }

    pub fn end(&self) -> DateTime<Utc> {
        self.end
    }
}

/// Why the patient comes: up to 500 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reason(String);

impl Reason {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let trimmed = raw.trim();
        if trimmed.chars().count() > 500 {
            return Err("must be at most 500 characters long".to_owned());
        }
        if trimmed.chars().any(|c| c.is_control() && c != '\n') {
            return Err("must not contain control characters".to_owned());
        }
        Ok(Self(trimmed.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Where an appointment stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppointmentStatus {
    Scheduled,
    CheckedIn,
    Completed,
    Cancelled,
    NoShow,
}

impl AppointmentStatus {
    pub const ALL: [Self; 5] = [
        Self::Scheduled,
        Self::CheckedIn,
        Self::Completed,
        Self::Cancelled,
        Self::NoShow,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Scheduled => "scheduled",
            Self::CheckedIn => "checked_in",
            Self::Completed => "completed",
            Self::Cancelled => "cancelled",
            Self::NoShow => "no_show",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|status| status.as_str() == raw)
            .ok_or_else(|| {
                "must be scheduled, checked_in, completed, cancelled or no_show".to_owned()
            })
    }

    /// The life of an appointment: scheduled, then checked in, then completed; a
    /// scheduled one may instead be cancelled or missed. Nothing else.
    pub fn may_become(self, next: Self) -> bool {
        use AppointmentStatus::*;
        matches!(
            (self, next),
            (Scheduled, CheckedIn)
                | (Scheduled, Cancelled)
                | (Scheduled, NoShow)
                | (CheckedIn, Completed)
        )
    }

    /// Whether it holds its provider's time (a cancelled one frees it).
    pub fn occupies_time(self) -> bool {
        self != Self::Cancelled
    }
}

#[derive(Debug, Clone)]
pub struct NewAppointment {
    pub patient_id: PatientId,
    pub provider_id: UserId,
    pub slot: TimeSlot,
    pub reason: Reason,
}

#[derive(Debug, Clone)]
pub struct Appointment {
    pub id: AppointmentId,
    pub patient_id: PatientId,
    pub provider_id: UserId,
    pub slot: TimeSlot,
    pub reason: Reason,
    pub status: AppointmentStatus,
    pub version: Version,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A change: a new time (reschedule), a new status, a new reason.
#[derive(Debug, Clone, Default)]
pub struct AppointmentChanges {
    pub slot: Option<TimeSlot>,
    pub status: Option<AppointmentStatus>,
    pub reason: Option<Reason>,
}

/// Which appointments to list: every given criterion must hold; `from`/`to` select
/// those overlapping the window.
#[derive(Debug, Clone, Default)]
pub struct AppointmentFilter {
    pub provider_id: Option<UserId>,
    pub patient_id: Option<PatientId>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

#[cfg(test)]
mod tests {
    use super::AppointmentStatus::*;
    use super::*;

    #[test]
    fn only_the_documented_transitions_are_allowed() {
        let allowed = [
            (Scheduled, CheckedIn),
            (Scheduled, Cancelled),
            (Scheduled, NoShow),
            (CheckedIn, Completed),
        ];
        for from in AppointmentStatus::ALL {
            for to in AppointmentStatus::ALL {
                assert_eq!(
                    from.may_become(to),
                    allowed.contains(&(from, to)),
                    "{from:?} -> {to:?}"
                );
            }
        }
    }

    #[test]
    fn a_slot_ends_after_it_starts_within_twelve_hours() {
        let at = |h: u32| {
            DateTime::parse_from_rfc3339(&format!("2026-12-01T{h:02}:00:00.750Z"))
                .unwrap()
                .with_timezone(&Utc)
        };
        assert!(TimeSlot::new(at(9), at(9)).is_err());
        assert!(TimeSlot::new(at(10), at(9)).is_err());
        assert!(TimeSlot::new(at(0), at(13)).is_err());
        let slot = TimeSlot::new(at(9), at(10)).unwrap();
        assert_eq!(slot.start().timestamp_subsec_millis(), 0);
    }
}
