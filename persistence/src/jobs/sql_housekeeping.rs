use async_trait::async_trait;
use domain::jobs::{Housekeeping, JobName, Purge};
use domain::locks::FencingToken;
use domain::DomainError;
use sea_orm::sea_query::{Condition, Expr, OnConflict};
use sea_orm::{ActiveValue, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use super::entities::job_fences;
use crate::auth::entities::{login_failures, sessions};
use crate::clock::span;
use crate::error::StoreResult;
use crate::idempotency::entity as idempotency_keys;
use crate::locks::entity as record_locks;
use crate::unit_of_work::{run, Work};

/// [`Housekeeping`] on the SQL database: each purge one transaction behind the job's
/// fence.
pub struct SqlHousekeeping {
    connection: DatabaseConnection,
}

impl SqlHousekeeping {
    pub fn new(connection: DatabaseConnection) -> Self {
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

    async fn claim(&self, job: JobName, fence: FencingToken) -> Result<(), DomainError> {
        run(&self.connection, |work| async move {
            raise_fence(&work, job, fence).await?;
            Ok(work.done(()))
        })
        .await?;
        Ok(())
    }
}
