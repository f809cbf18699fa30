use std::fmt;
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::locks::FencingToken;

/// Work that runs on exactly one node of the cluster, once per period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JobName {
    /// Failed-login rows past the throttling window (they hold whatever a stranger typed).
    LoginFailurePurge,
    /// Idempotency records past their 24 h (they hold copies of answers, patient data).
    IdempotencyPurge,
    /// Record locks that expired (harmless, but they pile up).
    LockReaper,
    /// Sessions that ended (expired or revoked) a while ago, with their spent refresh
    /// hashes.
    SessionReaper,
    /// Document content nothing refers to, and uploads abandoned midway.
    BlobCollector,
    /// A new access-token signing key when the current one is old; retired keys
    /// forgotten once no token they signed can still be alive.
    SigningKeyRotation,
    /// A reminder in the outbox for each appointment starting within a day, once.
    AppointmentReminders,
}

impl JobName {
    pub const ALL: [JobName; 7] = [
        JobName::LoginFailurePurge,
        JobName::IdempotencyPurge,
        JobName::LockReaper,
        JobName::SessionReaper,
        JobName::BlobCollector,
        JobName::SigningKeyRotation,
        JobName::AppointmentReminders,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::LoginFailurePurge => "login-failure-purge",
            Self::IdempotencyPurge => "idempotency-purge",
            Self::LockReaper => "lock-reaper",
            Self::SessionReaper => "session-reaper",
            Self::BlobCollector => "blob-collector",
            Self::SigningKeyRotation => "signing-key-rotation",
            Self::AppointmentReminders => "appointment-reminders",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|job| job.as_str() == raw)
    }

    /// How often it runs unless the settings say otherwise.
    pub fn default_interval(self) -> Duration {
        match self {
            Self::LoginFailurePurge
            | Self::IdempotencyPurge
            | Self::SessionReaper
            | Self::BlobCollector
            | Self::SigningKeyRotation => Duration::from_secs(3600),
            Self::LockReaper | Self::AppointmentReminders => Duration::from_secs(600),
        }
    }
}

impl fmt::Display for JobName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The period a run belongs to: `now` rounded down to a whole `interval` since the
/// epoch, so every node names the same period the same way.
pub fn period_of(now: DateTime<Utc>, interval: Duration) -> DateTime<Utc> {
    let step = i64::try_from(interval.as_millis())
        .unwrap_or(i64::MAX)
        .max(1);
    let start = now.timestamp_millis().div_euclid(step) * step;
    DateTime::from_timestamp_millis(start).unwrap_or(now)
}

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunOutcome {
    Running,
    Succeeded,
    Failed,
    /// The node lost the job's lease during the run; its fenced writes were refused.
    LeaseLost,
}

impl RunOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Running => "running",
            Self::Succeeded => "succeeded",
            Self::Failed => "failed",
            Self::LeaseLost => "lease_lost",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [
            Self::Running,
            Self::Succeeded,
            Self::Failed,
            Self::LeaseLost,
        ]
        .into_iter()
        .find(|outcome| outcome.as_str() == raw)
    }
}

/// One run of a job, as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobRun {
    pub job: JobName,
    pub scheduled_for: DateTime<Utc>,
    pub node: String,
    pub fencing: FencingToken,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub outcome: RunOutcome,
    pub rows_affected: Option<u64>,
    /// Why a run failed, for operators: never patient data.
    pub error: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_node_names_the_same_period() {
        let at = |text: &str| {
            DateTime::parse_from_rfc3339(text)
                .unwrap()
                .with_timezone(&Utc)
        };
        let hour = Duration::from_secs(3600);
        assert_eq!(
            period_of(at("2026-11-26T13:59:59.999Z"), hour),
            at("2026-11-26T13:00:00Z")
        );
        assert_eq!(
            period_of(at("2026-11-26T14:00:00Z"), hour),
            at("2026-11-26T14:00:00Z")
        );
        let second = Duration::from_secs(1);
        assert_eq!(
            period_of(at("2026-11-26T14:00:07.250Z"), second),
            at("2026-11-26T14:00:07Z")
        );
    }

    #[test]
    fn names_read_back() {
        for job in JobName::ALL {
            assert_eq!(JobName::parse(job.as_str()), Some(job));
        }
        assert_eq!(JobName::parse("nightly"), None);
    }
}
