use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AuditEvents {
    Table,
    ClientRequestId,
    ClientIp,
    UserAgent,
}

/// Where each event's request came from. `request_id` is the server's own id of the
/// request; the id a client (or a load balancer) sent is kept beside it, so a client
/// cannot forge the trail's correlation.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (column, length) in [
            (AuditEvents::ClientRequestId, 128),
            (AuditEvents::ClientIp, 64),
            (AuditEvents::UserAgent, 512),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(AuditEvents::Table)
                        .add_column(ColumnDef::new(column).string_len(length).null())
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
