use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::jobs::{NodeInfo, NodeRecord, NodeRegistry};
use domain::DomainError;
use sea_orm::sea_query::{Expr, OnConflict};

use crate::connection::Connection;
use sea_orm::{ActiveValue, EntityTrait, QueryOrder};

use super::entities::nodes::{self, Column, Entity, Model};
use crate::clock::database_now;
use crate::error::{domain_result, StoreResult};

/// [`NodeRegistry`] on the SQL database: a `nodes` row per node name.
pub struct SqlNodeRegistry {
    connection: Connection,
}

impl SqlNodeRegistry {
    pub fn new(connection: Connection) -> Self {
        Self { connection }
    }
}

#[async_trait]
impl NodeRegistry for SqlNodeRegistry {
    async fn heartbeat(&self, node: &NodeInfo) -> Result<(), DomainError> {
        domain_result(async move {
            let now = database_now(&self.connection).await?;
            let row = nodes::ActiveModel {
                name: ActiveValue::Set(node.name.clone()),
                host: ActiveValue::Set(node.host.clone()),
                listen_address: ActiveValue::Set(node.listen_address.clone()),
                process_id: ActiveValue::Set(i64::from(node.process_id)),
                version: ActiveValue::Set(node.version.clone()),
                started_at: ActiveValue::Set(now),
                last_seen_at: ActiveValue::Set(now),
            };
            // why: a restarted node keeps its name; its row says where it runs now, and
            // since when: another process (another id, or another host) is a new start.
            let same_process = Expr::col((Entity, Column::ProcessId))
                .eq(Expr::cust("excluded.process_id"))
                .and(Expr::col((Entity, Column::Host)).eq(Expr::cust("excluded.host")));
            let started_at = Expr::case(same_process, Expr::col((Entity, Column::StartedAt)))
                .finally(Expr::cust("excluded.started_at"));
            Entity::insert(row)
                .on_conflict(
                    OnConflict::column(Column::Name)
                        .value(Column::StartedAt, started_at)
                        .update_columns([
                            Column::Host,
                            Column::ListenAddress,
                            Column::ProcessId,
                            Column::Version,
                            Column::LastSeenAt,
                        ])
                        .to_owned(),
                )
                .exec_without_returning(&self.connection)
                .await?;
            Ok(())
        })
        .await
    }

    async fn list(&self) -> Result<(Vec<NodeRecord>, DateTime<Utc>), DomainError> {
        domain_result(async move {
            let now = database_now(&self.connection).await?;
            let rows = Entity::find()
                .order_by_desc(Column::LastSeenAt)
                .all(&self.connection)
                .await?;
            let records = rows
                .into_iter()
                .map(to_record)
                .collect::<StoreResult<Vec<_>>>()?;
            Ok((records, now))
        })
        .await
    }
}

fn to_record(row: Model) -> StoreResult<NodeRecord> {
    Ok(NodeRecord {
        info: NodeInfo {
            name: row.name,
            host: row.host,
            listen_address: row.listen_address,
            process_id: u32::try_from(row.process_id)?,
            version: row.version,
        },
        started_at: row.started_at,
        last_seen_at: row.last_seen_at,
    })
}
