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
                    .table(NotificationOutbox::Table)
                    .col(uuid(NotificationOutbox::Id).primary_key())
                    .col(uuid(NotificationOutbox::AppointmentId))
                    .col(uuid(NotificationOutbox::PatientId))
                    .col(
                        ColumnDef::new(NotificationOutbox::Kind)
                            .string_len(32)
                            .not_null(),
                    )
                    .col(timestamp(NotificationOutbox::StartsAt))
                    .col(
                        ColumnDef::new(NotificationOutbox::Status)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(timestamp(NotificationOutbox::CreatedAt))
                    .to_owned(),
            )
            .await?;
        // why: exactly once per appointment and kind, whichever node queues it and
        // however often: the second guard beside the job's fence.
        manager
            .create_index(
                Index::create()
                    .name("notification_outbox_appointment_kind_key")
                    .table(NotificationOutbox::Table)
                    .col(NotificationOutbox::AppointmentId)
                    .col(NotificationOutbox::Kind)
                    .unique()
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum NotificationOutbox {
    Table,
    Id,
    AppointmentId,
    PatientId,
    Kind,
    StartsAt,
    Status,
    CreatedAt,
}
