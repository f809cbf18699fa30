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
                    .table(Problems::Table)
                    .col(uuid(Problems::Id).primary_key())
                    .col(uuid(Problems::PatientId))
                    .col(
                        ColumnDef::new(Problems::Description)
                            .string_len(500)
                            .not_null(),
                    )
                    .col(ColumnDef::new(Problems::CodeSystem).string_len(16).null())
                    .col(ColumnDef::new(Problems::Code).string_len(32).null())
                    .col(ColumnDef::new(Problems::Onset).date().null())
                    .col(ColumnDef::new(Problems::Status).string_len(24).not_null())
                    .col(ColumnDef::new(Problems::ResolvedOn).date().null())
                    .col(ColumnDef::new(Problems::Notes).text().not_null())
                    .col(uuid(Problems::RecordedBy))
                    .col(ColumnDef::new(Problems::Version).big_integer().not_null())
                    .col(ColumnDef::new(Problems::Fence).big_integer().null())
                    .col(timestamp(Problems::CreatedAt))
                    .col(timestamp(Problems::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("problems_patient_id_fkey")
                            .from(Problems::Table, Problems::PatientId)
                            .to(Patients::Table, Patients::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("problems_recorded_by_fkey")
                            .from(Problems::Table, Problems::RecordedBy)
                            .to(Users::Table, Users::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("problems_patient_id_idx")
                    .table(Problems::Table)
                    .col(Problems::PatientId)
                    .col(Problems::Id)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum Problems {
    Table,
    Id,
    PatientId,
    Description,
    CodeSystem,
    Code,
    Onset,
    Status,
    ResolvedOn,
    Notes,
    RecordedBy,
    Version,
    Fence,
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
