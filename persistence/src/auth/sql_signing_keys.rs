use async_trait::async_trait;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use chrono::{DateTime, Utc};
use domain::auth::{SigningKey, SigningKeyStore};
use domain::DomainError;
use sea_orm::sea_query::Condition;

use crate::connection::Connection;
use sea_orm::{ActiveValue, ColumnTrait, EntityTrait, QueryFilter};

use super::entities::signing_keys::{self, Column, Entity};
use crate::clock::database_now;
use crate::error::domain_result;

/// [`SigningKeyStore`] on the SQL database.
pub struct SqlSigningKeyStore {
    connection: Connection,
}

impl SqlSigningKeyStore {
    pub fn new(connection: Connection) -> Self {
        Self { connection }
    }
}

#[async_trait]
impl SigningKeyStore for SqlSigningKeyStore {
    async fn usable_keys(
        &self,
        retired_since: DateTime<Utc>,
    ) -> Result<Vec<SigningKey>, DomainError> {
        domain_result(async move {
            Entity::find()
                .filter(
                    Condition::any()
                        .add(Column::RetiredAt.is_null())
                        .add(Column::RetiredAt.gt(retired_since)),
                )
                .all(&self.connection)
                .await?
                .into_iter()
                .map(|row| {
                    Ok(SigningKey {
                        secret: STANDARD.decode(&row.secret)?,
                        kid: row.kid,
                        created_at: row.created_at,
                        retired_at: row.retired_at,
                    })
                })
                .collect()
        })
        .await
    }

    async fn insert(&self, key: SigningKey) -> Result<(), DomainError> {
        domain_result(async move {
            let model = signing_keys::ActiveModel {
                kid: ActiveValue::Set(key.kid),
                secret: ActiveValue::Set(STANDARD.encode(&key.secret)),
                created_at: ActiveValue::Set(key.created_at),
                retired_at: ActiveValue::Set(key.retired_at),
            };
            Entity::insert(model)
                .exec_without_returning(&self.connection)
                .await?;
            Ok(())
        })
        .await
    }

    async fn now(&self) -> Result<DateTime<Utc>, DomainError> {
        domain_result(async move { database_now(&self.connection).await }).await
    }
}
