use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::auth::{SessionId, UserId};

/// Who acts, on which node, for which request: carried into every repository call
/// that touches patient data, so the adapter can write the audit event with the work.
#[derive(Debug, Clone)]
pub struct AuditContext {
    pub actor: UserId,
    pub session: SessionId,
    pub request_id: String,
    pub node_id: String,
}

/// What was done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditAction {
    Create,
    Read,
    List,
    Update,
    Archive,
    Sign,
    Amend,
    Delete,
    Lock,
    Unlock,
    BreakLock,
}

impl AuditAction {
    /// Whether the action changes a record (not a read, a list, or a lock's own event).
    pub fn changes_a_record(self) -> bool {
        matches!(
            self,
            Self::Create | Self::Update | Self::Archive | Self::Sign | Self::Amend | Self::Delete
        )
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Create => "create",
            Self::Read => "read",
            Self::List => "list",
            Self::Update => "update",
            Self::Archive => "archive",
            Self::Sign => "sign",
            Self::Amend => "amend",
            Self::Delete => "delete",
            Self::Lock => "lock",
            Self::Unlock => "unlock",
            Self::BreakLock => "break_lock",
        }
    }
}

/// How it ended. Events are written with the work, so a recorded event succeeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditOutcome {
    Success,
}

impl AuditOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Success => "success",
        }
    }
}

/// An event about to be written.
#[derive(Debug, Clone)]
pub struct NewAuditEvent {
    pub action: AuditAction,
    pub resource_type: &'static str,
    pub resource_id: Uuid,
    pub patient_id: Option<Uuid>,
}

/// A recorded event.
#[derive(Debug, Clone)]
pub struct AuditEvent {
    pub id: Uuid,
    pub actor: UserId,
    pub session: SessionId,
    pub action: String,
    pub resource_type: String,
    pub resource_id: Uuid,
    pub patient_id: Option<Uuid>,
    pub occurred_at: DateTime<Utc>,
    pub node_id: String,
    pub request_id: String,
    pub outcome: String,
}

/// Which events to list; every field narrows.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub patient_id: Option<Uuid>,
    pub actor: Option<UserId>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}
