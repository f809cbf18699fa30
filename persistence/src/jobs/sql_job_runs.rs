use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::jobs::{JobName, JobRun, JobRuns, RunOutcome};
use domain::locks::FencingToken;
use domain::{DomainError, Page, PageRequest};
use sea_orm::sea_query::{Expr, OnConflict};

use crate::connection::Connection;
use sea_orm::{ActiveValue, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use super::entities::job_requests;
use super::entities::job_runs::{self, Column, Entity, Model};
use crate::clock::database_now;
use crate::error::{corrupt, domain_result, StoreError, StoreResult};

/// [`JobRuns`] on the SQL database: `job_runs`, one row per job and period.
pub struct SqlJobRuns {
    connection: Connection,
}

impl SqlJobRuns {
    pub fn new(connection: Connection) -> Self {
        Self { connection }
    }
}

/// Errors kept with a run are for operators and bounded; the column holds 500.
fn bounded(error: String) -> String {
    error.chars().take(500).collect()
}

#[async_trait]
impl JobRuns for SqlJobRuns {
    async fn now(&self) -> Result<DateTime<Utc>, DomainError> {
        domain_result(database_now(&self.connection)).await
    }

    async fn start(
        &self,
        job: JobName,
        scheduled_for: DateTime<Utc>,
        node: &str,
        fencing: FencingToken,
    ) -> Result<bool, DomainError> {
        domain_result(async move {
            // why: the holder asks every tick; reading first keeps a period that has
            // run from costing a failed write (SQLite's one writer, PostgreSQL's log).
            let ran = Entity::find()
                .select_only()
                .column(Column::Id)
                .filter(Column::Job.eq(job.as_str()))
                .filter(Column::ScheduledFor.eq(scheduled_for))
                .into_tuple::<Uuid>()
                .one(&self.connection)
                .await?;
            if ran.is_some() {
                return Ok(false);
            }
            let now = database_now(&self.connection).await?;
            let run = job_runs::ActiveModel {
                id: ActiveValue::Set(Uuid::now_v7()),
                job: ActiveValue::Set(job.as_str().to_owned()),
                scheduled_for: ActiveValue::Set(scheduled_for),
                node: ActiveValue::Set(node.to_owned()),
                fencing: ActiveValue::Set(fencing.get()),
                started_at: ActiveValue::Set(now),
                finished_at: ActiveValue::Set(None),
                outcome: ActiveValue::Set(RunOutcome::Running.as_str().to_owned()),
                rows_affected: ActiveValue::Set(None),
                error: ActiveValue::Set(None),
            };
            let inserted = Entity::insert(run)
                .exec_without_returning(&self.connection)
                .await
                .map_err(StoreError::from);
            match inserted {
                Ok(_) => Ok(true),
                // why: the only unique key is (job, scheduled_for): the period has run.
                Err(error) if error.is_unique_violation() => Ok(false),
                Err(error) => Err(error),
            }
        })
        .await
    }

    async fn finish(
        &self,
        job: JobName,
        scheduled_for: DateTime<Utc>,
        outcome: RunOutcome,
        rows_affected: Option<u64>,
        error: Option<String>,
    ) -> Result<(), DomainError> {
        domain_result(async move {
            let now = database_now(&self.connection).await?;
            let rows = rows_affected.map(i64::try_from).transpose()?;
            Entity::update_many()
                .col_expr(Column::FinishedAt, Expr::value(Some(now)))
                .col_expr(Column::Outcome, Expr::value(outcome.as_str()))
                .col_expr(Column::RowsAffected, Expr::value(rows))
                .col_expr(Column::Error, Expr::value(error.map(bounded)))
                .filter(Column::Job.eq(job.as_str()))
                .filter(Column::ScheduledFor.eq(scheduled_for))
                .exec(&self.connection)
                .await?;
            Ok(())
        })
        .await
    }

    async fn list(&self, job: JobName, page: PageRequest) -> Result<Page<JobRun>, DomainError> {
        domain_result(async move {
            let mut query = Entity::find()
                .filter(Column::Job.eq(job.as_str()))
                .order_by_desc(Column::Id);
            if let Some(after) = page.after {
                query = query.filter(Column::Id.lt(after));
            }
            let rows = query
                .limit(u64::from(page.limit) + 1)
                .all(&self.connection)
                .await?;
            let rows = Page::from_rows(rows, page, |row| row.id);
            let items = rows
                .items
                .into_iter()
                .map(to_run)
                .collect::<StoreResult<Vec<_>>>()?;
            Ok(Page {
                items,
                next_after: rows.next_after,
            })
        })
        .await
    }

    async fn request(&self, job: JobName) -> Result<DateTime<Utc>, DomainError> {
        domain_result(async move {
            let now = database_now(&self.connection).await?;
            let row = job_requests::ActiveModel {
                job: ActiveValue::Set(job.as_str().to_owned()),
                requested_at: ActiveValue::Set(now),
            };
            job_requests::Entity::insert(row)
                .on_conflict(
                    OnConflict::column(job_requests::Column::Job)
                        .do_nothing()
                        .to_owned(),
                )
                .exec_without_returning(&self.connection)
                .await?;
            let standing = job_requests::Entity::find_by_id(job.as_str().to_owned())
                .one(&self.connection)
                .await?;
            // why: none standing means the holder took the request between our two
            // statements; it stood from `now` at the latest.
            Ok(standing.map_or(now, |request| request.requested_at))
        })
        .await
    }

    async fn requested(&self, job: JobName) -> Result<Option<DateTime<Utc>>, DomainError> {
        domain_result(async move {
            let row = job_requests::Entity::find_by_id(job.as_str().to_owned())
                .one(&self.connection)
                .await?;
            Ok(row.map(|row| row.requested_at))
        })
        .await
    }

    async fn clear_request(
        &self,
        job: JobName,
        requested_at: DateTime<Utc>,
    ) -> Result<(), DomainError> {
        domain_result(async move {
            job_requests::Entity::delete_many()
                .filter(job_requests::Column::Job.eq(job.as_str()))
                .filter(job_requests::Column::RequestedAt.eq(requested_at))
                .exec(&self.connection)
                .await?;
            Ok(())
        })
        .await
    }

    async fn latest(&self) -> Result<Vec<JobRun>, DomainError> {
        domain_result(async move {
            let mut latest = Vec::new();
            for job in JobName::ALL {
                let row = Entity::find()
                    .filter(Column::Job.eq(job.as_str()))
                    .order_by_desc(Column::ScheduledFor)
                    .one(&self.connection)
                    .await?;
                if let Some(row) = row {
                    latest.push(to_run(row)?);
                }
            }
            Ok(latest)
        })
        .await
    }
}

fn to_run(row: Model) -> StoreResult<JobRun> {
    let id = row.id;
    let corrupt = |what: &str, why: &str| corrupt("job run", id, what, why);
    Ok(JobRun {
        job: JobName::parse(&row.job).ok_or_else(|| corrupt("job", &row.job))?,
        scheduled_for: row.scheduled_for,
        node: row.node,
        fencing: FencingToken::new(row.fencing),
        started_at: row.started_at,
        finished_at: row.finished_at,
        outcome: RunOutcome::parse(&row.outcome).ok_or_else(|| corrupt("outcome", &row.outcome))?,
        rows_affected: row.rows_affected.map(u64::try_from).transpose()?,
        error: row.error,
    })
}
