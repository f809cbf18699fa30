use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::auth::{Permission, SessionId, UserId};
use crate::chart::entries::{ChartEntryId, EntryKind};
use crate::chart::problems::ProblemId;
use crate::documents::DocumentId;
use crate::jobs::JobName;
use crate::notes::NoteId;
use crate::patients::PatientId;
use crate::schedule::AppointmentId;

/// The secret that names a held lock: random (UUIDv4), so that it cannot be guessed
/// from another lock's token, and shown only to the holder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct LockToken(Uuid);

impl LockToken {
    pub fn generate() -> Self {
        Self(Uuid::new_v4())
    }

    pub fn from_uuid(id: Uuid) -> Self {
        Self(id)
    }

    pub fn as_uuid(self) -> Uuid {
        self.0
    }
}

impl fmt::Display for LockToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl FromStr for LockToken {
    type Err = uuid::Error;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        text.parse().map(Self)
    }
}

/// A fencing number: every acquisition of a resource's lock gets a larger one than the
/// acquisitions before it, and a record keeps the largest that wrote it, so a holder
/// whose lease ran out cannot write over its successor's work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FencingToken(i64);

impl FencingToken {
    pub fn new(value: i64) -> Self {
        Self(value)
    }

    pub fn get(self) -> i64 {
        self.0
    }
}

/// A record that can be locked, named as the API names it: `patients/{id}`, ...
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LockedResource {
    Patient(PatientId),
    Note(NoteId),
    Document(DocumentId),
    Appointment(AppointmentId),
    Problem(ProblemId),
    /// An allergy, medication, vitals set or immunization.
    ChartEntry(EntryKind, ChartEntryId),
    /// A cluster job's lease (`job:{name}`): held by a node, never by the API's callers.
    Job(JobName),
}

impl LockedResource {
    /// Parses `kind/{uuid}`.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let refuse = || {
            "must be patients/{id}, notes/{id}, documents/{id}, appointments/{id}, problems/{id}, \
             allergies/{id}, medications/{id}, vitals/{id} or immunizations/{id}"
                .to_owned()
        };
        if let Some(job) = raw.strip_prefix("job:").and_then(JobName::parse) {
            return Ok(Self::Job(job));
        }
        let (kind, id) = raw.split_once('/').ok_or_else(refuse)?;
        // why: the hyphenated form only, as the contract's pattern says (it is the only
        // one 36 characters long; the uuid crate reads others too).
        if id.len() != 36 {
            return Err(refuse());
        }
        let id: Uuid = id.parse().map_err(|_| refuse())?;
        match kind {
            "patients" => Ok(Self::Patient(PatientId::from_uuid(id))),
            "notes" => Ok(Self::Note(NoteId::from_uuid(id))),
            "documents" => Ok(Self::Document(DocumentId::from_uuid(id))),
            "appointments" => Ok(Self::Appointment(AppointmentId::from_uuid(id))),
            "problems" => Ok(Self::Problem(ProblemId::from_uuid(id))),
            _ => EntryKind::from_plural(kind)
                .map(|kind| Self::ChartEntry(kind, ChartEntryId::from_uuid(id)))
                .ok_or_else(refuse),
        }
    }

    /// [`LockedResource::parse`] as a pattern.
    pub fn pattern() -> String {
        let hex = |n: usize| format!("[0-9a-fA-F]{{{n}}}");
        let uuid = [8, 4, 4, 4, 12].map(hex).join("-");
        let jobs = JobName::ALL.map(JobName::as_str).join("|");
        let entries = EntryKind::ALL.map(EntryKind::plural).join("|");
        format!(
            "^(?:(?:patients|notes|documents|appointments|problems|{entries})/{uuid}|job:(?:{jobs}))$"
        )
    }

    /// The record's id (the nil id for a job's lease).
    pub fn id(&self) -> Uuid {
        match self {
            Self::Patient(id) => id.as_uuid(),
            Self::Note(id) => id.as_uuid(),
            Self::Document(id) => id.as_uuid(),
            Self::Appointment(id) => id.as_uuid(),
            Self::Problem(id) => id.as_uuid(),
            Self::ChartEntry(_, id) => id.as_uuid(),
            Self::Job(_) => Uuid::nil(),
        }
    }

    /// The permission to change a record of this kind, which locking it needs too.
    pub fn write_permission(&self) -> Permission {
        match self {
            Self::Patient(_) => Permission::WritePatients,
            Self::Note(_) => Permission::WriteNotes,
            Self::Document(_) => Permission::WriteDocuments,
            Self::Appointment(_) => Permission::WriteAppointments,
            Self::Problem(_) => Permission::WriteProblems,
            Self::ChartEntry(kind, _) => kind.write_permission(),
            Self::Job(_) => Permission::BreakLocks,
        }
    }

    /// The permission to read a record of this kind, which seeing its lock needs.
    pub fn read_permission(&self) -> Permission {
        match self {
            Self::Patient(_) => Permission::ReadPatients,
            Self::Note(_) => Permission::ReadNotes,
            Self::Document(_) => Permission::ReadDocuments,
            Self::Appointment(_) => Permission::ReadAppointments,
            Self::Problem(_) => Permission::ReadProblems,
            Self::ChartEntry(kind, _) => kind.read_permission(),
            Self::Job(_) => Permission::BreakLocks,
        }
    }

    /// The record's type as audit events name it.
    pub fn record_type(&self) -> &'static str {
        match self {
            Self::Patient(_) => "patient",
            Self::Note(_) => "note",
            Self::Document(_) => "document",
            Self::Appointment(_) => "appointment",
            Self::Problem(_) => "problem",
            Self::ChartEntry(kind, _) => kind.as_str(),
            Self::Job(_) => "job",
        }
    }

    fn kind(&self) -> &'static str {
        match self {
            Self::Patient(_) => "patients",
            Self::Note(_) => "notes",
            Self::Document(_) => "documents",
            Self::Appointment(_) => "appointments",
            Self::Problem(_) => "problems",
            Self::ChartEntry(kind, _) => kind.plural(),
            Self::Job(_) => "job",
        }
    }
}

impl fmt::Display for LockedResource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Job(job) => write!(f, "job:{job}"),
            _ => write!(f, "{}/{}", self.kind(), self.id()),
        }
    }
}

/// Who holds (or asks for) a lock: a user, in one session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockHolder {
    pub user_id: UserId,
    pub session_id: SessionId,
    /// Shown to whoever finds the record locked.
    pub display_name: String,
}

/// A held lock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordLock {
    pub token: LockToken,
    pub resource: LockedResource,
    pub fencing: FencingToken,
    pub holder: LockHolder,
    pub acquired_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// The latest the lock may be held, renewals included (unless an admin extends it).
    pub hold_until: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_resource_reads_and_prints_as_kind_slash_id() {
        let id = Uuid::now_v7();
        for kind in [
            "patients",
            "notes",
            "documents",
            "appointments",
            "problems",
            "allergies",
            "medications",
            "vitals",
            "immunizations",
        ] {
            let text = format!("{kind}/{id}");
            assert_eq!(LockedResource::parse(&text).unwrap().to_string(), text);
        }
        for bad in [
            "patients",
            "users/x",
            &format!("users/{id}"),
            "notes/not-a-uuid",
        ] {
            assert!(LockedResource::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_resource_pattern_agrees_with_the_parser() {
        let id = Uuid::now_v7();
        let samples = [
            "patients",
            "notes",
            "documents",
            "appointments",
            "users",
            "job:",
        ]
        .into_iter()
        .flat_map(|kind| {
            [
                format!("{kind}/{id}"),
                format!("{kind}/{}", id.simple()),
                format!("{kind}/{}", id.braced()),
                format!("{kind}/{}", id.urn()),
                format!("{kind}/{}", id.to_string().to_uppercase()),
                format!("{kind}/{id} "),
                format!(" {kind}/{id}"),
            ]
        })
        .chain(JobName::ALL.map(|job| format!("job:{job}")))
        .chain(["job:nothing".to_owned(), "job:".to_owned()]);
        crate::text::agreement::assert_agree(
            &LockedResource::pattern(),
            None,
            samples,
            LockedResource::parse,
        );
    }

    #[test]
    fn tokens_are_random_not_time_ordered() {
        let token = LockToken::generate();
        assert_eq!(token.as_uuid().get_version_num(), 4);
        assert_ne!(token, LockToken::generate());
    }
}
