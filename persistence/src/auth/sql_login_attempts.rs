use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::auth::{FailureWindow, LoginAttempts};
use domain::DomainError;
use sea_orm::sea_query::Expr;

use crate::connection::Connection;
use sea_orm::{ActiveValue, ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

use super::entities::login_failures::{self, Column, Entity};
use crate::clock::{database_now, span};
use crate::error::domain_result;

/// Failures older than this are deleted when the same subject fails again.
const RETENTION: Duration = Duration::from_secs(24 * 3600);

/// [`LoginAttempts`] on the SQL database: one row per failure.
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
    async fn record_failure(&self, subject: &str) -> Result<(), DomainError> {
        domain_result(async move {
            let now = database_now(&self.connection).await?;
            let failure = login_failures::ActiveModel {
                id: ActiveValue::Set(Uuid::now_v7()),
                subject: ActiveValue::Set(subject.to_owned()),
                occurred_at: ActiveValue::Set(now),
            };
            Entity::insert(failure)
                .exec_without_returning(&self.connection)
                .await?;
            Entity::delete_many()
                .filter(Column::Subject.eq(subject))
                .filter(Column::OccurredAt.lt(now - span(RETENTION)?))
                .exec(&self.connection)
                .await?;
            Ok(())
        })
        .await
    }

    async fn recent_failures(
        &self,
        subject: &str,
        window: Duration,
    ) -> Result<FailureWindow, DomainError> {
        domain_result(async move {
            let now = database_now(&self.connection).await?;
            let (count, oldest): (i64, Option<DateTime<Utc>>) = Entity::find()
                .select_only()
                .column_as(Expr::col(Column::Id).count(), "count")
                .column_as(Expr::col(Column::OccurredAt).min(), "oldest")
                .filter(Column::Subject.eq(subject))
                .filter(Column::OccurredAt.gt(now - span(window)?))
                .into_tuple()
                .one(&self.connection)
                .await?
                .unwrap_or((0, None));
            Ok(FailureWindow {
                count: u32::try_from(count).unwrap_or(u32::MAX),
                oldest,
                now,
            })
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
