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
                    .table(Documents::Table)
                    .col(uuid(Documents::Id).primary_key())
                    .col(uuid(Documents::PatientId))
                    .col(ColumnDef::new(Documents::Title).string_len(200).not_null())
                    .col(
                        ColumnDef::new(Documents::Category)
                            .string_len(32)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Documents::MediaType)
                            .string_len(100)
                            .not_null(),
                    )
                    .col(ColumnDef::new(Documents::Size).big_integer().not_null())
                    // The content's blob in the file store, by its SHA-256.
                    .col(ColumnDef::new(Documents::Sha256).string_len(64).not_null())
                    .col(uuid(Documents::UploadedBy))
                    .col(timestamp(Documents::UploadedAt))
                    .col(
                        ColumnDef::new(Documents::DeletedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(ColumnDef::new(Documents::Version).big_integer().not_null())
                    .col(timestamp(Documents::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("documents_patient_id_fkey")
                            .from(Documents::Table, Documents::PatientId)
                            .to(Patients::Table, Patients::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("documents_uploaded_by_fkey")
                            .from(Documents::Table, Documents::UploadedBy)
                            .to(Users::Table, Users::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("documents_patient_id_idx")
                    .table(Documents::Table)
                    .col(Documents::PatientId)
                    .col(Documents::Id)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum Documents {
    Table,
    Id,
    PatientId,
    Title,
    Category,
    MediaType,
    Size,
    Sha256,
    UploadedBy,
    UploadedAt,
    DeletedAt,
    Version,
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
