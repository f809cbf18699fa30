use std::sync::Arc;
use std::time::Duration;

use super::{
    LockHolder, LockManager, LockOutcome, LockToken, LockableRecord, LockableRecords,
    LockedResource, RecordLock,
};
use crate::audit::{AuditAction, AuditContext, AuditLog, AuditOutcome, NewAuditEvent};
use crate::auth::{Permission, Principal, UserRepository};
use crate::patients::PatientId;
use crate::DomainError;

/// How long a lock may be asked for, and held in all.
#[derive(Debug, Clone, Copy)]
pub struct LockPolicy {
    pub default_ttl: Duration,
    pub max_ttl: Duration,
    /// The longest one lock is held, its renewals included, unless an admin extends it:
    /// a clinician who takes a record's lock and renews it without end would keep
    /// everyone else out of it.
    pub max_hold: Duration,
}

impl Default for LockPolicy {
    fn default() -> Self {
        Self {
            default_ttl: Duration::from_secs(120),
            max_ttl: Duration::from_secs(3600),
            max_hold: Duration::from_secs(4 * 3600),
        }
    }
}

impl LockPolicy {
    fn ttl(&self, requested: Option<u64>) -> Result<Duration, DomainError> {
        match requested {
            None => Ok(self.default_ttl),
            Some(seconds) if (1..=self.max_ttl.as_secs()).contains(&seconds) => {
                Ok(Duration::from_secs(seconds))
            }
            Some(_) => Err(DomainError::invalid(
                "ttlSeconds",
                format!("must be 1 to {}", self.max_ttl.as_secs()),
            )),
        }
    }
}

/// Taking, renewing, releasing and breaking record locks, audited. The check every
/// lockable write passes is [`LockGate`](super::LockGate).
pub struct Locks {
    manager: Arc<dyn LockManager>,
    records: Arc<dyn LockableRecords>,
    users: Arc<dyn UserRepository>,
    audit: Arc<dyn AuditLog>,
    policy: LockPolicy,
}

/// The most one extension adds to a lock's hold: a week.
pub const MAX_HOLD_EXTENSION: Duration = Duration::from_secs(7 * 24 * 3600);

const NO_RECORD: DomainError = DomainError::NotFound { resource: "record" };

impl Locks {
    pub fn new(
        manager: Arc<dyn LockManager>,
        records: Arc<dyn LockableRecords>,
        users: Arc<dyn UserRepository>,
        audit: Arc<dyn AuditLog>,
        policy: LockPolicy,
    ) -> Self {
        Self {
            manager,
            records,
            users,
            audit,
            policy,
        }
    }

    /// Locks a record the caller may change, for `ttl_seconds` (the policy's default
    /// when `None`), and at most the policy's `max_hold` in all. A record the caller may
    /// not see (another clinician's draft note) is no record to them.
    pub async fn acquire(
        &self,
        caller: &Principal,
        context: &AuditContext,
        resource: LockedResource,
        ttl_seconds: Option<u64>,
    ) -> Result<RecordLock, DomainError> {
        caller.require(resource.write_permission())?;
        let ttl = self.policy.ttl(ttl_seconds)?;
        let patient = self.visible_record(caller, resource).await?.patient;
        let user = self
            .users
            .get(caller.user_id)
            .await?
            .ok_or(DomainError::Forbidden)?;
        let holder = LockHolder {
            user_id: caller.user_id,
            session_id: caller.session_id,
            display_name: user.display_name.as_str().to_owned(),
        };
        let acquired = self
            .manager
            .acquire(resource, &holder, ttl, self.policy.max_hold)
            .await?;
        let lock = match acquired {
            LockOutcome::Done(lock) => lock,
            LockOutcome::HeldByAnother(lock) => {
                return Err(DomainError::Locked {
                    holder: lock.holder,
                    since: lock.acquired_at,
                })
            }
            LockOutcome::Gone => {
                return Err(DomainError::internal(anyhow::anyhow!(
                    "a lock store answered an acquisition with no lock"
                )))
            }
        };
        self.record(context, AuditAction::Lock, resource, patient)
            .await?;
        Ok(lock)
    }

    pub async fn renew(
        &self,
        caller: &Principal,
        token: LockToken,
        ttl_seconds: Option<u64>,
    ) -> Result<RecordLock, DomainError> {
        let ttl = self.policy.ttl(ttl_seconds)?;
        match self.manager.renew(token, caller.session_id, ttl).await? {
            LockOutcome::Done(lock) => Ok(lock),
            // why: the token is no secret to the session that holds it; to anyone else
            // it says only that this lock is not theirs.
            LockOutcome::HeldByAnother(_) => Err(DomainError::Forbidden),
            LockOutcome::Gone => Err(DomainError::LockLost),
        }
    }

    pub async fn release(
        &self,
        caller: &Principal,
        context: &AuditContext,
        token: LockToken,
    ) -> Result<(), DomainError> {
        let released = match self.manager.release(token, caller.session_id).await? {
            LockOutcome::Done(lock) => lock,
            LockOutcome::HeldByAnother(_) => return Err(DomainError::Forbidden),
            LockOutcome::Gone => return Err(DomainError::NotFound { resource: "lock" }),
        };
        let record = self.records.find(released.resource).await?;
        if let Some(record) = record {
            self.record(
                context,
                AuditAction::Unlock,
                released.resource,
                record.patient,
            )
            .await?;
        }
        Ok(())
    }

    /// Who holds the record's lock, for anyone who may read the record; audited, since
    /// it tells who is working on whose chart.
    pub async fn holder(
        &self,
        caller: &Principal,
        context: &AuditContext,
        resource: LockedResource,
    ) -> Result<Option<RecordLock>, DomainError> {
        caller.require(resource.read_permission())?;
        let record = self.visible_record(caller, resource).await?;
        let lock = self.manager.holder(resource).await?;
        self.record(context, AuditAction::ReadLock, resource, record.patient)
            .await?;
        Ok(lock)
    }

    /// Lets the lock on `resource` be held `by` longer than its hold allowed (an
    /// administrator, for a clinician whose work on a record runs long); its holder's
    /// renewals then go on until the new bound.
    pub async fn extend_hold(
        &self,
        caller: &Principal,
        context: &AuditContext,
        resource: LockedResource,
        by_seconds: u64,
    ) -> Result<RecordLock, DomainError> {
        caller.require(Permission::BreakLocks)?;
        let most = MAX_HOLD_EXTENSION.as_secs();
        if !(1..=most).contains(&by_seconds) {
            return Err(DomainError::invalid(
                "extraSeconds",
                format!("must be 1 to {most}"),
            ));
        }
        let record = self.records.find(resource).await?.ok_or(NO_RECORD)?;
        let extended = self
            .manager
            .extend_hold(resource, Duration::from_secs(by_seconds))
            .await?
            .ok_or(DomainError::NotFound { resource: "lock" })?;
        self.record(context, AuditAction::ExtendLock, resource, record.patient)
            .await?;
        Ok(extended)
    }

    /// The record, if it exists and the caller may know it does.
    async fn visible_record(
        &self,
        caller: &Principal,
        resource: LockedResource,
    ) -> Result<LockableRecord, DomainError> {
        self.records
            .find(resource)
            .await?
            .filter(|record| record.is_visible_to(caller.user_id))
            .ok_or(NO_RECORD)
    }

    /// Ends another user's lock (an administrator, when a clinician left a record
    /// locked); the audit event names the record, the log names whose lock it was.
    pub async fn break_lock(
        &self,
        caller: &Principal,
        context: &AuditContext,
        resource: LockedResource,
    ) -> Result<Option<RecordLock>, DomainError> {
        caller.require(Permission::BreakLocks)?;
        let broken = self.manager.break_lock(resource).await?;
        if let Some(lock) = &broken {
            tracing::info!(
                resource = %resource,
                holder = %lock.holder.user_id,
                holder_session = %lock.holder.session_id,
                "a record lock was broken"
            );
            if let Some(record) = self.records.find(resource).await? {
                self.record(context, AuditAction::BreakLock, resource, record.patient)
                    .await?;
            }
        }
        Ok(broken)
    }

    async fn record(
        &self,
        context: &AuditContext,
        action: AuditAction,
        resource: LockedResource,
        patient: PatientId,
    ) -> Result<(), DomainError> {
        let event = NewAuditEvent {
            action,
            resource_type: resource.record_type(),
            resource_id: resource.id(),
            patient_id: Some(patient.as_uuid()),
            outcome: AuditOutcome::Success,
            detail: None,
        };
        self.audit.record(context, event).await
    }
}
