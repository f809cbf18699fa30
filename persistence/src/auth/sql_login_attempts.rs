use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::auth::{Attempt, AttemptId, FailureWindow, LoginAttempts};
use domain::DomainError;
use sea_orm::sea_query::Expr;

use sea_orm::{
    ActiveValue, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QuerySelect,
    Statement,
};
use uuid::Uuid;

use crate::connection::Connection;

use super::entities::login_failures::{self, Column, Entity};
use crate::clock::span;
use crate::error::domain_result;
use crate::unit_of_work::run;

/// Attempts older than this are deleted when the same subject tries again.
const RETENTION: Duration = Duration::from_secs(24 * 3600);

/// [`LoginAttempts`] on the SQL database: one row per counted attempt.
pub struct SqlLoginAttempts {
    connection: Connection,
}

impl SqlLoginAttempts {
    pub fn new(connection: Connection) -> Self {
        Self { connection }
    }
}

#[async_trait]
impl LoginAttempts for SqlLoginAttempts {
    async fn try_count(
        &self,
        subject: &str,
        limit: u32,
        window: Duration,
    ) -> Result<Attempt, DomainError> {
        let attempt = run(&self.connection, |work| async move {
            let backend = work.db().get_database_backend();
            if backend == DbBackend::Postgres {
                // why: under READ COMMITTED two attempts could both count before either
                // is inserted; a lock on the subject makes them take turns. (On SQLite
                // the second one's insert finds the first committed, answers busy, and
                // the unit runs again and counts afresh.)
                work.db()
                    .execute(Statement::from_sql_and_values(
                        backend,
                        "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))",
                        [subject.into()],
                    ))
                    .await?;
            }
            let now = work.now();
            let (count, oldest): (i64, Option<DateTime<Utc>>) = Entity::find()
                .select_only()
                .column_as(Expr::col(Column::Id).count(), "count")
                .column_as(Expr::col(Column::OccurredAt).min(), "oldest")
                .filter(Column::Subject.eq(subject))
                .filter(Column::OccurredAt.gt(now - span(window)?))
                .into_tuple()
                .one(work.db())
                .await?
                .unwrap_or((0, None));
            let count = u32::try_from(count).unwrap_or(u32::MAX);
            if count >= limit {
                let seen = FailureWindow { count, oldest, now };
                return Ok(work.done(Attempt::Refused(seen)));
            }
            let id = Uuid::now_v7();
            Entity::insert(login_failures::ActiveModel {
                id: ActiveValue::Set(id),
                subject: ActiveValue::Set(subject.to_owned()),
                occurred_at: ActiveValue::Set(now),
            })
            .exec_without_returning(work.db())
            .await?;
            Entity::delete_many()
                .filter(Column::Subject.eq(subject))
                .filter(Column::OccurredAt.lt(now - span(RETENTION)?))
                .exec(work.db())
                .await?;
            Ok(work.done(Attempt::Counted(AttemptId::from_uuid(id))))
        })
        .await?;
        Ok(attempt)
    }

    async fn withdraw(&self, subject: &str, attempt: AttemptId) -> Result<(), DomainError> {
        domain_result(async move {
            Entity::delete_many()
                .filter(Column::Subject.eq(subject))
                .filter(Column::Id.eq(attempt.as_uuid()))
                .exec(&self.connection)
                .await?;
            Ok(())
        })
        .await
    }

    async fn clear(&self, subject: &str) -> Result<(), DomainError> {
        domain_result(async move {
            Entity::delete_many()
                .filter(Column::Subject.eq(subject))
                .exec(&self.connection)
                .await?;
            Ok(())
        })
        .await
    }
}
