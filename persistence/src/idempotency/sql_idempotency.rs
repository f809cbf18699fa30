use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::audit::NewAuditEvent;
use domain::auth::UserId;
use domain::idempotency::{
    claimed_key, Claim, CommittedWork, IdempotencyKey, IdempotencyStore, StoredResponse,
};
use domain::DomainError;
use sea_orm::sea_query::Expr;

use crate::connection::Connection;
use sea_orm::{ActiveValue, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, SqlErr};

use super::entity::{self, Column, Entity};
use crate::clock::{database_now, span};
use crate::error::{domain_result, StoreError, StoreResult};

/// [`IdempotencyStore`] on the SQL database: the primary key (user, key) decides which
/// of two concurrent claims wins.
pub struct SqlIdempotencyStore {
    connection: Connection,
}

impl SqlIdempotencyStore {
    pub fn new(connection: Connection) -> Self {
        Self { connection }
    }
}

#[async_trait]
impl IdempotencyStore for SqlIdempotencyStore {
    async fn claim(
        &self,
        user: UserId,
        key: &IdempotencyKey,
        fingerprint: &str,
        ttl: Duration,
        stale_after: Duration,
    ) -> Result<Claim, DomainError> {
        domain_result(async move {
            // why: at most a few rounds: an expired or abandoned claim is deleted and the
            // insert tried again, and another node may win that second insert.
            for _ in 0..3 {
                let now = database_now(&self.connection).await?;
                let claim = entity::ActiveModel {
                    user_id: ActiveValue::Set(user.as_uuid()),
                    idempotency_key: ActiveValue::Set(key.as_str().to_owned()),
                    fingerprint: ActiveValue::Set(fingerprint.to_owned()),
                    response_status: ActiveValue::Set(None),
                    response_headers: ActiveValue::Set(None),
                    response_body: ActiveValue::Set(None),
                    created_at: ActiveValue::Set(now),
                    expires_at: ActiveValue::Set(now + span(ttl)?),
                    committed_resource_type: ActiveValue::Set(None),
                    committed_resource_id: ActiveValue::Set(None),
                };
                match Entity::insert(claim)
                    .exec_without_returning(&self.connection)
                    .await
                {
                    Ok(_) => return Ok(Claim::Acquired(now)),
                    Err(error)
                        if matches!(
                            error.sql_err(),
                            Some(SqlErr::UniqueConstraintViolation(_))
                        ) => {}
                    Err(error) => return Err(StoreError::from(error)),
                }
                let Some(existing) = Entity::find_by_id((user.as_uuid(), key.as_str().to_owned()))
                    .one(&self.connection)
                    .await?
                else {
                    continue;
                };
                if existing.fingerprint == fingerprint
                    && existing.response_status.is_none()
                    && existing.expires_at > now
                {
                    if let (Some(resource_type), Some(resource_id)) = (
                        existing.committed_resource_type.clone(),
                        existing.committed_resource_id,
                    ) {
                        return Ok(Claim::Committed(CommittedWork {
                            resource_type,
                            resource_id,
                        }));
                    }
                }
                let abandoned = existing.response_status.is_none()
                    && existing.committed_resource_type.is_none()
                    && existing.created_at + span(stale_after)? <= now;
                if existing.expires_at <= now || abandoned {
                    Entity::delete_many()
                        .filter(Column::UserId.eq(user.as_uuid()))
                        .filter(Column::IdempotencyKey.eq(key.as_str()))
                        .filter(Column::CreatedAt.eq(existing.created_at))
                        .exec(&self.connection)
                        .await?;
                    continue;
                }
                if existing.fingerprint != fingerprint {
                    return Ok(Claim::Mismatch);
                }
                let Some(status) = existing.response_status else {
                    return Ok(Claim::InProgress);
                };
                let headers = existing
                    .response_headers
                    .as_deref()
                    .map(serde_json::from_str)
                    .transpose()?
                    .unwrap_or_default();
                return Ok(Claim::Replay(StoredResponse {
                    status: u16::try_from(status)?,
                    headers,
                    body: existing.response_body.unwrap_or_default(),
                }));
            }
            Ok(Claim::InProgress)
        })
        .await
    }

    async fn complete(
        &self,
        user: UserId,
        key: &IdempotencyKey,
        claimed_at: DateTime<Utc>,
        response: StoredResponse,
    ) -> Result<(), DomainError> {
        domain_result(async move {
            let headers = serde_json::to_string(&response.headers)?;
            Entity::update_many()
                .col_expr(
                    Column::ResponseStatus,
                    Expr::value(i16::try_from(response.status)?),
                )
                .col_expr(Column::ResponseHeaders, Expr::value(headers))
                .col_expr(Column::ResponseBody, Expr::value(response.body))
                .filter(Column::UserId.eq(user.as_uuid()))
                .filter(Column::IdempotencyKey.eq(key.as_str()))
                .filter(Column::CreatedAt.eq(claimed_at))
                .exec(&self.connection)
                .await?;
            Ok(())
        })
        .await
    }

    async fn release(
        &self,
        user: UserId,
        key: &IdempotencyKey,
        claimed_at: DateTime<Utc>,
    ) -> Result<(), DomainError> {
        domain_result(async move {
            Entity::delete_many()
                .filter(Column::UserId.eq(user.as_uuid()))
                .filter(Column::IdempotencyKey.eq(key.as_str()))
                .filter(Column::CreatedAt.eq(claimed_at))
                .filter(Column::ResponseStatus.is_null())
                .filter(Column::CommittedResourceType.is_null())
                .exec(&self.connection)
                .await?;
            Ok(())
        })
        .await
    }
}

/// Marks the claim of the request being served, if it has one, as committed with the
/// first record `events` change, in `transaction`: the work and the mark land together.
/// A unit that only reads leaves the claim as it is.
pub(crate) async fn mark_committed(
    transaction: &DatabaseTransaction,
    events: &[NewAuditEvent],
) -> StoreResult<()> {
    let changed = events.iter().find(|event| event.records_a_change());
    let (Some(claimed), Some(first)) = (claimed_key(), changed) else {
        return Ok(());
    };
    let marked = Entity::update_many()
        .col_expr(
            Column::CommittedResourceType,
            Expr::value(first.resource_type),
        )
        .col_expr(Column::CommittedResourceId, Expr::value(first.resource_id))
        .filter(Column::UserId.eq(claimed.user.as_uuid()))
        .filter(Column::IdempotencyKey.eq(claimed.key.as_str()))
        .filter(Column::CreatedAt.eq(claimed.claimed_at))
        .filter(Column::ResponseStatus.is_null())
        .exec(transaction)
        .await?;
    // why: no row means the claim is no longer this request's (it ran so long that a
    // retry took the key over): committing now would do the work twice.
    if marked.rows_affected == 0 {
        return Err(StoreError::Domain(DomainError::conflict(
            domain::ErrorCode::IdempotencyKeyInUse,
            "this request's Idempotency-Key was taken over by a retry; nothing was written",
        )));
    }
    Ok(())
}
