use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::auth::{SessionId, UserId};

/// Which request, on which node, from where: what every audit event of a request
/// records, whoever turns out to be acting (a sign-in learns that only later).
#[derive(Debug, Clone, Default)]
pub struct RequestOrigin {
    /// The server's own id of the request, which no client chooses.
    pub request_id: String,
    /// The id the client (or its load balancer) sent, kept for its correlation.
    pub client_request_id: Option<String>,
    pub node_id: String,
    pub client_ip: Option<String>,
    pub user_agent: Option<String>,
}

/// Who acts, in which session, and the request's origin: carried into every repository
/// call that touches patient data, so the adapter can write the audit event with the
/// work.
#[derive(Debug, Clone)]
pub struct AuditContext {
    pub actor: UserId,
    pub session: SessionId,
    pub origin: RequestOrigin,
}

impl AuditContext {
    /// The context of a signed-in caller's request.
    pub fn of(principal: &crate::auth::Principal, origin: RequestOrigin) -> Self {
        Self {
            actor: principal.user_id,
            session: principal.session_id,
            origin,
        }
    }

    /// The context of a request whose actor is not known: a failed sign-in (the
    /// account tried, when there is one, is the event's resource).
    pub fn anonymous(origin: RequestOrigin) -> Self {
        Self {
            actor: UserId::from_uuid(Uuid::nil()),
            session: SessionId::from_uuid(Uuid::nil()),
            origin,
        }
    }
}

/// What was done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditAction {
    Create,
    Read,
    List,
    /// A search, with what it looked for, whether or not it found anything.
    Search,
    Update,
    Archive,
    Sign,
    Amend,
    Delete,
    Lock,
    Unlock,
    BreakLock,
    /// Who holds a record's lock was read.
    ReadLock,
    /// A lock's hold extended by an administrator.
    ExtendLock,
    SignIn,
    SignInFailed,
    SignOut,
    /// A session ended by its user or an administrator.
    EndSession,
    /// Every session of a user ended by an administrator.
    EndSessions,
    ChangePassword,
    /// A cluster job run asked for by an administrator.
    RunJob,
    /// A node started, on the backends the event's detail names.
    Start,
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
            Self::Search => "search",
            Self::Update => "update",
            Self::Archive => "archive",
            Self::Sign => "sign",
            Self::Amend => "amend",
            Self::Delete => "delete",
            Self::Lock => "lock",
            Self::Unlock => "unlock",
            Self::BreakLock => "break_lock",
            Self::ReadLock => "read_lock",
            Self::ExtendLock => "extend_lock",
            Self::SignIn => "sign_in",
            Self::SignInFailed => "sign_in_failed",
            Self::SignOut => "sign_out",
            Self::EndSession => "end_session",
            Self::EndSessions => "end_sessions",
            Self::ChangePassword => "change_password",
            Self::RunJob => "run_job",
            Self::Start => "start",
        }
    }
}

/// How it ended. Events of work are written with the work, so they succeeded; an
/// access refused (a role without the permission, a record the caller may not see) is
/// recorded as such.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditOutcome {
    Success,
    Refused,
}

impl AuditOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Success => "success",
            Self::Refused => "refused",
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
    pub outcome: AuditOutcome,
    /// What the action and resource do not say (a node's backends at its start).
    pub detail: Option<String>,
}

impl NewAuditEvent {
    /// Whether the event records a change made to a record (not a read, nor anything
    /// refused).
    pub fn records_a_change(&self) -> bool {
        self.outcome == AuditOutcome::Success && self.action.changes_a_record()
    }

    /// The same event, as an access that was refused.
    pub fn refused(self) -> Self {
        Self {
            outcome: AuditOutcome::Refused,
            ..self
        }
    }
}

/// An event about an account or a session rather than a patient's record.
pub fn security_event(
    action: AuditAction,
    resource_type: &'static str,
    resource_id: Uuid,
) -> NewAuditEvent {
    NewAuditEvent {
        action,
        resource_type,
        resource_id,
        patient_id: None,
        outcome: AuditOutcome::Success,
        detail: None,
    }
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
    pub client_request_id: Option<String>,
    pub client_ip: Option<String>,
    pub user_agent: Option<String>,
    pub outcome: String,
    pub detail: Option<String>,
}

/// Which events to list; every field narrows.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub patient_id: Option<Uuid>,
    pub actor: Option<UserId>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

impl AuditFilter {
    /// The filter as an audit event about reading the trail records it.
    pub fn describe(&self) -> String {
        let mut terms = Vec::new();
        if let Some(patient) = self.patient_id {
            terms.push(format!("patientId={patient}"));
        }
        if let Some(actor) = self.actor {
            terms.push(format!("actorId={actor}"));
        }
        if let Some(from) = self.from {
            terms.push(format!("from={}", from.to_rfc3339()));
        }
        if let Some(to) = self.to {
            terms.push(format!("to={}", to.to_rfc3339()));
        }
        if terms.is_empty() {
            "every event".to_owned()
        } else {
            terms.join(" ")
        }
    }
}
