use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::auth::{
    NewSession, RefreshMatch, RevocationReason, Session, SessionId, SessionLookup, SessionStore,
    TokenHash, TouchedSession, UserId,
};
use domain::DomainError;
use sea_orm::sea_query::{Condition, Expr};

use crate::connection::Connection;
use sea_orm::{ActiveValue, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use super::entities::sessions::{self, Column, Entity};
use super::entities::spent_refresh_tokens as spent;
use crate::clock::{database_now, one_with_database_now, span};
use crate::error::{domain_result, StoreError, StoreResult};

/// How recently a session must have been seen for `touch` to skip its write. Bounds the
/// writes to one per session per interval, at the cost of idle expiry running up to
/// this much early.
const TOUCH_INTERVAL: Duration = Duration::from_secs(15);

/// [`SessionStore`] on the SQL database: one row per session.
pub struct SqlSessionStore {
    connection: Connection,
}

impl SqlSessionStore {
    pub fn new(connection: Connection) -> Self {
        Self { connection }
    }

    async fn row(&self, id: SessionId) -> StoreResult<Option<sessions::Model>> {
        Entity::find_by_id(id.as_uuid())
            .one(&self.connection)
            .await
            .map_err(StoreError::from)
    }
}

/// The idle expiry after activity at `now`, never past the absolute one.
fn idle_expiry(
    now: DateTime<Utc>,
    idle: Duration,
    absolute: DateTime<Utc>,
) -> StoreResult<DateTime<Utc>> {
    Ok((now + span(idle)?).min(absolute))
}

fn live_at(now: DateTime<Utc>) -> Condition {
    Condition::all()
        .add(Column::RevokedAt.is_null())
        .add(Column::IdleExpiresAt.gt(now))
        .add(Column::AbsoluteExpiresAt.gt(now))
}

#[async_trait]
impl SessionStore for SqlSessionStore {
    async fn create(&self, new: NewSession) -> Result<Session, DomainError> {
        domain_result(async move {
            let now = database_now(&self.connection).await?;
            let absolute = now + span(new.absolute_timeout)?;
            let model = sessions::Model {
                id: new.id.as_uuid(),
                user_id: new.user_id.as_uuid(),
                refresh_token_hash: new.refresh_token_hash.as_str().to_owned(),
                previous_refresh_token_hash: None,
                refresh_key: new.refresh_key,
                generation: 0,
                created_at: now,
                last_seen_at: now,
                rotated_at: None,
                idle_expires_at: idle_expiry(now, new.idle_timeout, absolute)?,
                absolute_expires_at: absolute,
                revoked_at: None,
                revoked_reason: None,
                client_ip: new.client_ip,
                user_agent: new.user_agent,
                version: 1,
            };
            Entity::insert(sessions::ActiveModel::from(model.clone()))
                .exec_without_returning(&self.connection)
                .await?;
            to_session(model)
        })
        .await
    }

    async fn touch(
        &self,
        id: SessionId,
        idle_timeout: Duration,
        token_expires_at: DateTime<Utc>,
    ) -> Result<Option<TouchedSession>, DomainError> {
        domain_result(async move {
            let select = Entity::find_by_id(id.as_uuid());
            let Some((mut row, now)) = one_with_database_now(&self.connection, select).await?
            else {
                return Ok(None);
            };
            let mut session = to_session(row.clone())?;
            if !session.is_live_at(now) {
                return Ok(None);
            }
            if now >= token_expires_at || now - session.last_seen_at < span(TOUCH_INTERVAL)? {
                return Ok(Some(TouchedSession { session, now }));
            }
            let idle_expires_at = idle_expiry(now, idle_timeout, session.absolute_expires_at)?;
            let result = Entity::update_many()
                .col_expr(Column::LastSeenAt, Expr::value(now))
                .col_expr(Column::IdleExpiresAt, Expr::value(idle_expires_at))
                .col_expr(Column::Version, Expr::col(Column::Version).add(1))
                .filter(Column::Id.eq(id.as_uuid()))
                .filter(live_at(now))
                .exec(&self.connection)
                .await?;
            if result.rows_affected == 0 {
                // Revoked between the read and the write, by this or another node.
                return Ok(None);
            }
            row.last_seen_at = now;
            row.idle_expires_at = idle_expires_at;
            session = to_session(row)?;
            Ok(Some(TouchedSession { session, now }))
        })
        .await
    }

    async fn get(&self, id: SessionId) -> Result<Option<Session>, DomainError> {
        domain_result(async move { self.row(id).await?.map(to_session).transpose() }).await
    }

    async fn find_by_refresh_hash(
        &self,
        hash: &TokenHash,
    ) -> Result<Option<SessionLookup>, DomainError> {
        domain_result(async move {
            let now = database_now(&self.connection).await?;
            let mut row = Entity::find()
                .filter(
                    Condition::any()
                        .add(Column::RefreshTokenHash.eq(hash.as_str()))
                        .add(Column::PreviousRefreshTokenHash.eq(hash.as_str())),
                )
                .one(&self.connection)
                .await?;
            if row.is_none() {
                let spent_by = spent::Entity::find_by_id(hash.as_str().to_owned())
                    .one(&self.connection)
                    .await?;
                if let Some(spent_by) = spent_by {
                    row = self.row(SessionId::from_uuid(spent_by.session_id)).await?;
                }
            }
            let Some(row) = row else {
                return Ok(None);
            };
            let matched = if row.refresh_token_hash == hash.as_str() {
                RefreshMatch::Current
            } else {
                RefreshMatch::Previous
            };
            Ok(Some(SessionLookup {
                session: to_session(row)?,
                matched,
                now,
            }))
        })
        .await
    }

    async fn rotate(
        &self,
        id: SessionId,
        presented: &TokenHash,
        next: &TokenHash,
        idle_timeout: Duration,
    ) -> Result<Option<Session>, DomainError> {
        domain_result(async move {
            let now = database_now(&self.connection).await?;
            let Some(mut row) = self.row(id).await? else {
                return Ok(None);
            };
            let idle_expires_at = idle_expiry(now, idle_timeout, row.absolute_expires_at)?;
            let transaction = self.connection.begin().await?;
            // why: the hash comparison in the WHERE clause makes the rotation atomic; of two
            // nodes rotating the same token, one updates a row and the other none.
            let result = Entity::update_many()
                .col_expr(Column::RefreshTokenHash, Expr::value(next.as_str()))
                .col_expr(
                    Column::PreviousRefreshTokenHash,
                    Expr::value(presented.as_str()),
                )
                .col_expr(Column::RotatedAt, Expr::value(now))
                .col_expr(Column::LastSeenAt, Expr::value(now))
                .col_expr(Column::IdleExpiresAt, Expr::value(idle_expires_at))
                .col_expr(Column::Generation, Expr::col(Column::Generation).add(1))
                .col_expr(Column::Version, Expr::col(Column::Version).add(1))
                .filter(Column::Id.eq(id.as_uuid()))
                .filter(Column::RefreshTokenHash.eq(presented.as_str()))
                .filter(live_at(now))
                .exec(&transaction)
                .await?;
            if result.rows_affected == 0 {
                return Ok(None);
            }
            let spent_token = spent::ActiveModel {
                token_hash: ActiveValue::Set(presented.as_str().to_owned()),
                session_id: ActiveValue::Set(id.as_uuid()),
                spent_at: ActiveValue::Set(now),
            };
            spent::Entity::insert(spent_token)
                .exec_without_returning(&transaction)
                .await?;
            transaction.commit().await?;
            row.refresh_token_hash = next.as_str().to_owned();
            row.previous_refresh_token_hash = Some(presented.as_str().to_owned());
            row.rotated_at = Some(now);
            row.last_seen_at = now;
            row.idle_expires_at = idle_expires_at;
            row.generation += 1;
            row.version += 1;
            to_session(row).map(Some)
        })
        .await
    }

    async fn revoke(&self, id: SessionId, reason: RevocationReason) -> Result<bool, DomainError> {
        domain_result(async move {
            let now = database_now(&self.connection).await?;
            let result = Entity::update_many()
                .col_expr(Column::RevokedAt, Expr::value(now))
                .col_expr(Column::RevokedReason, Expr::value(reason.as_str()))
                .col_expr(Column::Version, Expr::col(Column::Version).add(1))
                .filter(Column::Id.eq(id.as_uuid()))
                .filter(live_at(now))
                .exec(&self.connection)
                .await?;
            Ok(result.rows_affected > 0)
        })
        .await
    }

    async fn revoke_all_for_user(
        &self,
        user: UserId,
        keep: Option<SessionId>,
        reason: RevocationReason,
    ) -> Result<u64, DomainError> {
        domain_result(async move {
            let now = database_now(&self.connection).await?;
            let mut update = Entity::update_many()
                .col_expr(Column::RevokedAt, Expr::value(now))
                .col_expr(Column::RevokedReason, Expr::value(reason.as_str()))
                .col_expr(Column::Version, Expr::col(Column::Version).add(1))
                .filter(Column::UserId.eq(user.as_uuid()))
                .filter(Column::RevokedAt.is_null());
            if let Some(keep) = keep {
                update = update.filter(Column::Id.ne(keep.as_uuid()));
            }
            let result = update.exec(&self.connection).await?;
            Ok(result.rows_affected)
        })
        .await
    }

    async fn list_live_for_user(&self, user: UserId) -> Result<Vec<Session>, DomainError> {
        domain_result(async move {
            let now = database_now(&self.connection).await?;
            Entity::find()
                .filter(Column::UserId.eq(user.as_uuid()))
                .filter(live_at(now))
                .order_by_asc(Column::CreatedAt)
                .order_by_asc(Column::Id)
                .all(&self.connection)
                .await?
                .into_iter()
                .map(to_session)
                .collect()
        })
        .await
    }
}

fn to_session(row: sessions::Model) -> StoreResult<Session> {
    Ok(Session {
        id: SessionId::from_uuid(row.id),
        user_id: UserId::from_uuid(row.user_id),
        refresh_token_hash: TokenHash::from_stored(row.refresh_token_hash),
        previous_refresh_token_hash: row.previous_refresh_token_hash.map(TokenHash::from_stored),
        refresh_key: row.refresh_key,
        generation: row.generation,
        created_at: row.created_at,
        last_seen_at: row.last_seen_at,
        rotated_at: row.rotated_at,
        idle_expires_at: row.idle_expires_at,
        absolute_expires_at: row.absolute_expires_at,
        revoked_at: row.revoked_at,
        revoked_reason: row
            .revoked_reason
            .as_deref()
            .and_then(RevocationReason::parse),
        client_ip: row.client_ip,
        user_agent: row.user_agent,
    })
}
