use sea_orm_migration::prelude::*;

use crate::columns::timestamp;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // An operator's request for one run of a job now; the lease holder takes it.
        manager
            .create_table(
                Table::create()
                    .table(JobRequests::Table)
                    .col(
                        ColumnDef::new(JobRequests::Job)
                            .string_len(64)
                            .not_null()
                            .primary_key(),
                    )
                    .col(timestamp(JobRequests::RequestedAt))
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum JobRequests {
    Table,
    Job,
    RequestedAt,
}
