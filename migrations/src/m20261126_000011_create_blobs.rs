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
                    .table(Blobs::Table)
                    .col(uuid(Blobs::Id).primary_key())
                    // Set when the upload completes; NULL while it is in progress.
                    .col(ColumnDef::new(Blobs::Sha256).string_len(64).null())
                    .col(ColumnDef::new(Blobs::Size).big_integer().null())
                    .col(ColumnDef::new(Blobs::RefCount).big_integer().not_null())
                    .col(timestamp(Blobs::CreatedAt))
                    .col(
                        ColumnDef::new(Blobs::CompletedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("blobs_sha256_key")
                    .table(Blobs::Table)
                    .col(Blobs::Sha256)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(BlobChunks::Table)
                    .col(uuid(BlobChunks::BlobId))
                    .col(
                        ColumnDef::new(BlobChunks::ChunkIndex)
                            .big_integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(BlobChunks::Bytes).binary().not_null())
                    .primary_key(
                        Index::create()
                            .col(BlobChunks::BlobId)
                            .col(BlobChunks::ChunkIndex),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("blob_chunks_blob_id_fkey")
                            .from(BlobChunks::Table, BlobChunks::BlobId)
                            .to(Blobs::Table, Blobs::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        if manager.get_database_backend() == DbBackend::Postgres {
            // why: media is already compressed; out-of-line storage without another
            // round of compression saves CPU, and a range read fetches only its chunks.
            manager
                .get_connection()
                .execute_unprepared(
                    "ALTER TABLE blob_chunks ALTER COLUMN bytes SET STORAGE EXTERNAL",
                )
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Blobs {
    Table,
    Id,
    Sha256,
    Size,
    RefCount,
    CreatedAt,
    CompletedAt,
}

#[derive(DeriveIden)]
enum BlobChunks {
    Table,
    BlobId,
    ChunkIndex,
    Bytes,
}
