use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

use crate::columns::{timestamp, uuid};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Appointments::Table)
                    .col(uuid(Appointments::Id).primary_key())
                    .col(uuid(Appointments::PatientId))
                    .col(uuid(Appointments::ProviderId))
                    .col(timestamp(Appointments::StartsAt))
                    .col(timestamp(Appointments::EndsAt))
                    .col(
                        ColumnDef::new(Appointments::Reason)
                            .string_len(500)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Appointments::Status)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Appointments::Version)
                            .big_integer()
                            .not_null(),
                    )
                    .col(timestamp(Appointments::CreatedAt))
                    .col(timestamp(Appointments::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("appointments_patient_id_fkey")
                            .from(Appointments::Table, Appointments::PatientId)
                            .to(Patients::Table, Patients::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("appointments_provider_id_fkey")
                            .from(Appointments::Table, Appointments::ProviderId)
                            .to(Users::Table, Users::Id),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, column) in [
            (
                "appointments_provider_starts_at_idx",
                Appointments::ProviderId,
            ),
            (
                "appointments_patient_starts_at_idx",
                Appointments::PatientId,
            ),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(Appointments::Table)
                        .col(column)
                        .col(Appointments::StartsAt)
                        .to_owned(),
                )
                .await?;
        }
        if manager.get_database_backend() == DbBackend::Postgres {
            // why: the database itself makes double-booking impossible, whichever node
            // and however many at once. SQLite has one writer; there the booking
            // transaction checks and inserts, and a write that raced it starts over.
            let db = manager.get_connection();
            db.execute_unprepared("CREATE EXTENSION IF NOT EXISTS btree_gist")
                .await?;
            db.execute_unprepared(
                "ALTER TABLE appointments ADD CONSTRAINT appointments_no_double_booking \
                 EXCLUDE USING gist (provider_id WITH =, tstzrange(starts_at, ends_at) WITH &&) \
                 WHERE (status <> 'cancelled')",
            )
            .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Appointments {
    Table,
    Id,
    PatientId,
    ProviderId,
    StartsAt,
    EndsAt,
    Reason,
    Status,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Patients {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}
