use std::sync::Arc;
use std::time::Duration;

use super::{
    LockHolder, LockManager, LockOutcome, LockToken, LockableRecords, LockedResource, RecordLock,
};
use crate::audit::{AuditAction, AuditContext, AuditLog, AuditOutcome, NewAuditEvent};
use crate::auth::{Permission, Principal, UserRepository};
use crate::patients::PatientId;
use crate::DomainError;

/// How long a lock may be asked for.
#[derive(Debug, Clone, Copy)]
pub struct LockPolicy {
    pub default_ttl: Duration,
    pub max_ttl: Duration,
}

impl Default for LockPolicy {
    fn default() -> Self {
        Self {
            default_ttl: Duration::from_secs(120),
            max_ttl: Duration::from_secs(3600),
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
    /// when `None`).
    pub async fn acquire(
        &self,
        caller: &Principal,
        context: &AuditContext,
        resource: LockedResource,
        ttl_seconds: Option<u64>,
    ) -> Result<RecordLock, DomainError> {
        caller.require(resource.write_permission())?;
        let ttl = self.policy.ttl(ttl_seconds)?;
        let patient = self.records.patient_of(resource).await?.ok_or(NO_RECORD)?;
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
        let lock = match self.manager.acquire(resource, &holder, ttl).await? {
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
        let patient = self.records.patient_of(released.resource).await?;
        if let Some(patient) = patient {
            self.record(context, AuditAction::Unlock, released.resource, patient)
                .await?;
        }
        Ok(())
    }

    /// Who holds the record's lock, for anyone who may read the record.
    pub async fn holder(
        &self,
        caller: &Principal,
        resource: LockedResource,
    ) -> Result<Option<RecordLock>, DomainError> {
        caller.require(resource.read_permission())?;
        self.manager.holder(resource).await
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
            if let Some(patient) = self.records.patient_of(resource).await? {
                self.record(context, AuditAction::BreakLock, resource, patient)
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
