use sea_orm_migration::prelude::*;

use crate::columns::timestamp;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Nodes::Table)
                    .col(
                        ColumnDef::new(Nodes::Name)
                            .string_len(64)
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(Nodes::Host).string_len(255).not_null())
                    .col(
                        ColumnDef::new(Nodes::ListenAddress)
                            .string_len(255)
                            .not_null(),
                    )
                    .col(ColumnDef::new(Nodes::ProcessId).big_integer().not_null())
                    .col(ColumnDef::new(Nodes::Version).string_len(64).not_null())
                    .col(timestamp(Nodes::StartedAt))
                    .col(timestamp(Nodes::LastSeenAt))
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum Nodes {
    Table,
    Name,
    Host,
    ListenAddress,
    ProcessId,
    Version,
    StartedAt,
    LastSeenAt,
}
