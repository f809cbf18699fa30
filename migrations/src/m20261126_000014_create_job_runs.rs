use sea_orm_migration::prelude::*;

use crate::columns::{timestamp, uuid};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(JobRuns::Table)
                    .col(uuid(JobRuns::Id).primary_key())
                    .col(ColumnDef::new(JobRuns::Job).string_len(64).not_null())
                    .col(timestamp(JobRuns::ScheduledFor))
                    .col(ColumnDef::new(JobRuns::Node).string_len(64).not_null())
                    .col(ColumnDef::new(JobRuns::Fencing).big_integer().not_null())
                    .col(timestamp(JobRuns::StartedAt))
                    .col(
                        ColumnDef::new(JobRuns::FinishedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(ColumnDef::new(JobRuns::Outcome).string_len(16).not_null())
                    .col(ColumnDef::new(JobRuns::RowsAffected).big_integer().null())
                    .col(ColumnDef::new(JobRuns::Error).string_len(500).null())
                    .to_owned(),
            )
            .await?;
        // why: one run per job and period, however many nodes try: the second guard
        // beside the lease.
        manager
            .create_index(
                Index::create()
                    .name("job_runs_job_scheduled_for_key")
                    .table(JobRuns::Table)
                    .col(JobRuns::Job)
                    .col(JobRuns::ScheduledFor)
                    .unique()
                    .to_owned(),
            )
            .await?;
        // The largest fencing number that wrote on a job's behalf: a job's writes are
        // conditional on it.
        manager
            .create_table(
                Table::create()
                    .table(JobFences::Table)
                    .col(
                        ColumnDef::new(JobFences::Job)
                            .string_len(64)
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(JobFences::Fence).big_integer().not_null())
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum JobRuns {
    Table,
    Id,
    Job,
    ScheduledFor,
    Node,
    Fencing,
    StartedAt,
    FinishedAt,
    Outcome,
    RowsAffected,
    Error,
}

#[derive(DeriveIden)]
enum JobFences {
    Table,
    Job,
    Fence,
}
