use chrono::{DateTime, Duration, DurationRound, Utc};

use crate::auth::UserId;
use crate::patients::{PatientId, PatientStanding};
use crate::text::{Controls, TextRule};
use crate::{DomainError, ErrorCode, Version};

crate::id_type!(
    /// An appointment's id.
    AppointmentId
);

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

/// Why the patient comes: up to 500 characters, on one or more lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reason(String);

impl Reason {
    pub const RULE: TextRule = TextRule::optional(500).with_controls(Controls::LineFeeds);

    pub fn parse(raw: &str) -> Result<Self, String> {
        Self::RULE.check(raw).map(Self)
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

impl Appointment {
    /// A new booking, scheduled, for an active patient. Whether the provider's time is
    /// free is the store's to decide, since only it sees every node's bookings.
    pub fn book(
        new: NewAppointment,
        patient: PatientStanding,
        now: DateTime<Utc>,
    ) -> Result<Appointment, DomainError> {
        patient.admits_new_records()?;
        Ok(Appointment {
            id: AppointmentId::generate(),
            patient_id: new.patient_id,
            provider_id: new.provider_id,
            slot: new.slot,
            reason: new.reason,
            status: AppointmentStatus::Scheduled,
            version: Version::FIRST,
            created_at: now,
            updated_at: now,
        })
    }

    /// Applies `changes` at the version the caller read: a status only along the
    /// transitions of [`AppointmentStatus::may_become`], a new time only while scheduled.
    pub fn change(
        self,
        expected: Version,
        changes: AppointmentChanges,
    ) -> Result<Appointment, DomainError> {
        self.version.expect(expected)?;
        let status = changes.status.unwrap_or(self.status);
        if changes.status.is_some() && !self.status.may_become(status) {
            return Err(DomainError::conflict(
                ErrorCode::InvalidTransition,
                format!(
                    "an appointment cannot go from {} to {}",
                    self.status.as_str(),
                    status.as_str()
                ),
            ));
        }
        if changes.slot.is_some() && self.status != AppointmentStatus::Scheduled {
            return Err(DomainError::conflict(
                ErrorCode::InvalidTransition,
                format!(
                    "a {} appointment cannot be rescheduled",
                    self.status.as_str()
                ),
            ));
        }
        Ok(Appointment {
            slot: changes.slot.unwrap_or(self.slot),
            reason: changes.reason.unwrap_or(self.reason),
            status,
            ..self
        })
    }

    /// Whether this appointment needs its provider's time free, given what it was.
    pub fn claims_time_beyond(&self, before: &Appointment) -> bool {
        self.status.occupies_time() && self.slot != before.slot
    }
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

    fn at(hour: u32) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(&format!("2026-12-01T{hour:02}:00:00Z"))
            .unwrap()
            .with_timezone(&Utc)
    }

    fn booked() -> Appointment {
        let new = NewAppointment {
            patient_id: PatientId::generate(),
            provider_id: UserId::generate(),
            slot: TimeSlot::new(at(9), at(10)).unwrap(),
            reason: Reason::parse("check-up").unwrap(),
        };
        Appointment::book(new, PatientStanding::Active, at(8)).unwrap()
    }

    fn status(to: AppointmentStatus) -> AppointmentChanges {
        AppointmentChanges {
            status: Some(to),
            ..Default::default()
        }
    }

    fn code_of(result: Result<Appointment, DomainError>) -> ErrorCode {
        match result {
            Err(DomainError::Conflict { code, .. }) => code,
            other => panic!("expected a conflict, got {other:?}"),
        }
    }

    #[test]
    fn only_an_active_patient_is_booked() {
        let new = NewAppointment {
            patient_id: PatientId::generate(),
            provider_id: UserId::generate(),
            slot: TimeSlot::new(at(9), at(10)).unwrap(),
            reason: Reason::parse("").unwrap(),
        };
        let refused = Appointment::book(new, PatientStanding::Archived, at(8));
        assert!(matches!(refused, Err(DomainError::Invalid(_))));
        assert_eq!(booked().status, Scheduled);
    }

    #[test]
    fn a_change_follows_the_transitions_at_the_current_version() {
        let appointment = booked();
        let stale = appointment
            .clone()
            .change(Version::FIRST.next(), status(CheckedIn));
        assert!(matches!(stale, Err(DomainError::PreconditionFailed { .. })));
        let completed_early = appointment
            .clone()
            .change(Version::FIRST, status(Completed));
        assert_eq!(code_of(completed_early), ErrorCode::InvalidTransition);
        let checked_in = appointment
            .change(Version::FIRST, status(CheckedIn))
            .unwrap();
        assert_eq!(checked_in.status, CheckedIn);
    }

    #[test]
    fn only_a_scheduled_appointment_is_rescheduled() {
        let appointment = booked();
        let later = AppointmentChanges {
            slot: Some(TimeSlot::new(at(11), at(12)).unwrap()),
            ..Default::default()
        };
        let moved = appointment
            .clone()
            .change(Version::FIRST, later.clone())
            .unwrap();
        assert!(moved.claims_time_beyond(&appointment));
        let mut checked_in = appointment
            .change(Version::FIRST, status(CheckedIn))
            .unwrap();
        checked_in.version = Version::FIRST.next();
        let refused = checked_in.change(Version::FIRST.next(), later);
        assert_eq!(code_of(refused), ErrorCode::InvalidTransition);
    }

    #[test]
    fn a_cancelled_appointment_claims_no_time() {
        let appointment = booked();
        let cancelled = appointment
            .clone()
            .change(Version::FIRST, status(Cancelled))
            .unwrap();
        assert!(!cancelled.claims_time_beyond(&appointment));
    }
}
