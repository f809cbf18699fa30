use async_trait::async_trait;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use domain::jobs::{Housekeeping, JobName, KeyRotation, Purge};
use domain::locks::FencingToken;
use domain::DomainError;
use sea_orm::sea_query::{Condition, Expr, OnConflict};

use crate::connection::Connection;
use sea_orm::{ActiveValue, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use super::entities::job_fences;
use crate::auth::entities::{login_failures, sessions, signing_keys};
use crate::clock::span;
use crate::error::StoreResult;
use crate::idempotency::entity as idempotency_keys;
use crate::locks::entity as record_locks;
use crate::unit_of_work::{run, Work};

/// [`Housekeeping`] on the SQL database: each purge one transaction behind the job's
/// fence.
pub struct SqlHousekeeping {
    connection: Connection,
}

impl SqlHousekeeping {
    pub fn new(connection: Connection) -> Self {
        Self { connection }
    }
}

/// Raises the job's fencing number to `fence` in this transaction, or answers
/// `LockLost` when a later holder's is there. On PostgreSQL the row stays locked to the
/// commit, so a later holder's raise waits for this transaction rather than passing it.
async fn raise_fence(work: &Work, job: JobName, fence: FencingToken) -> StoreResult<()> {
    let row = job_fences::ActiveModel {
        job: ActiveValue::Set(job.as_str().to_owned()),
        fence: ActiveValue::Set(fence.get()),
    };
    let raised = job_fences::Entity::insert(row)
        .on_conflict(
            OnConflict::column(job_fences::Column::Job)
                .update_column(job_fences::Column::Fence)
                .action_and_where(
                    Expr::col((job_fences::Entity, job_fences::Column::Fence)).lte(fence.get()),
                )
                .to_owned(),
        )
        .exec_without_returning(work.db())
        .await?;
    if raised == 0 {
        return Err(DomainError::LockLost.into());
    }
    Ok(())
}

#[async_trait]
impl Housekeeping for SqlHousekeeping {
    async fn purge(
        &self,
        job: JobName,
        fence: FencingToken,
        purge: Purge,
    ) -> Result<u64, DomainError> {
        let removed = run(&self.connection, |work| async move {
            raise_fence(&work, job, fence).await?;
            let now = work.now();
            let removed = match purge {
                Purge::LoginFailuresOlderThan(age) => {
                    login_failures::Entity::delete_many()
                        .filter(login_failures::Column::OccurredAt.lt(now - span(age)?))
                        .exec(work.db())
                        .await?
                }
                Purge::ExpiredIdempotencyRecords => {
                    idempotency_keys::Entity::delete_many()
                        .filter(idempotency_keys::Column::ExpiresAt.lt(now))
                        .exec(work.db())
                        .await?
                }
                Purge::SessionsEndedLongerThan(age) => {
                    let before = now - span(age)?;
                    // Spent refresh hashes go with their session (ON DELETE CASCADE).
                    sessions::Entity::delete_many()
                        .filter(
                            Condition::any()
                                .add(sessions::Column::RevokedAt.lt(before))
                                .add(sessions::Column::IdleExpiresAt.lt(before))
                                .add(sessions::Column::AbsoluteExpiresAt.lt(before)),
                        )
                        .exec(work.db())
                        .await?
                }
                Purge::ExpiredLocks => {
                    record_locks::Entity::delete_many()
                        .filter(record_locks::Column::ExpiresAtMs.lte(now.timestamp_millis()))
                        .exec(work.db())
                        .await?
                }
            };
            Ok(work.done(removed.rows_affected))
        })
        .await?;
        Ok(removed)
    }

    async fn rotate_signing_key(
        &self,
        job: JobName,
        fence: FencingToken,
        rotation: KeyRotation,
    ) -> Result<u64, DomainError> {
        let rotation = &rotation;
        let changed = run(&self.connection, |work| async move {
            raise_fence(&work, job, fence).await?;
            let now = work.now();
            let newest = signing_keys::Entity::find()
                .filter(signing_keys::Column::RetiredAt.is_null())
                .order_by_desc(signing_keys::Column::CreatedAt)
                .one(work.db())
                .await?;
            let replace_before = now - span(rotation.replace_older_than)?;
            let due = newest.is_none_or(|key| key.created_at < replace_before);
            let mut changed = 0;
            if due {
                changed += signing_keys::Entity::update_many()
                    .col_expr(signing_keys::Column::RetiredAt, Expr::value(Some(now)))
                    .filter(signing_keys::Column::RetiredAt.is_null())
                    .exec(work.db())
                    .await?
                    .rows_affected;
                let key = signing_keys::ActiveModel {
                    kid: ActiveValue::Set(rotation.new_key.kid.clone()),
                    secret: ActiveValue::Set(STANDARD.encode(&rotation.new_key.secret)),
                    created_at: ActiveValue::Set(now),
                    retired_at: ActiveValue::Set(None),
                };
                signing_keys::Entity::insert(key)
                    .exec_without_returning(work.db())
                    .await?;
                changed += 1;
            }
            changed += signing_keys::Entity::delete_many()
                .filter(
                    signing_keys::Column::RetiredAt.lt(now - span(rotation.forget_retired_after)?),
                )
                .exec(work.db())
                .await?
                .rows_affected;
            Ok(work.done(changed))
        })
        .await?;
        Ok(changed)
    }

    async fn queue_reminders(
        &self,
        job: JobName,
        fence: FencingToken,
        window: std::time::Duration,
    ) -> Result<u64, DomainError> {
        let changed = run(&self.connection, |work| async move {
            raise_fence(&work, job, fence).await?;
            let changed = super::sql_reminders::queue(&work, window).await?;
            Ok(work.done(changed))
        })
        .await?;
        Ok(changed)
    }

    async fn claim(&self, job: JobName, fence: FencingToken) -> Result<(), DomainError> {
        run(&self.connection, |work| async move {
            raise_fence(&work, job, fence).await?;
            Ok(work.done(()))
        })
        .await?;
        Ok(())
    }
}
