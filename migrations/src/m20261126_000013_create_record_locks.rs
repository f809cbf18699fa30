use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

use crate::columns::uuid;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The tables whose rows a lock holder writes; each keeps the largest fencing number
/// that wrote it (NULL: never written under a lock).
const FENCED_TABLES: [&str; 5] = [
    "patients",
    "appointments",
    "clinical_notes",
    "note_addenda",
    "documents",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(RecordLocks::Table)
                    // `patients/{id}`: one lock per record, by this key, on every node.
                    .col(
                        ColumnDef::new(RecordLocks::Resource)
                            .string_len(64)
                            .not_null()
                            .primary_key(),
                    )
                    .col(uuid(RecordLocks::Token))
                    .col(
                        ColumnDef::new(RecordLocks::Fencing)
                            .big_integer()
                            .not_null(),
                    )
                    .col(uuid(RecordLocks::HolderUserId))
                    .col(uuid(RecordLocks::HolderSessionId))
                    .col(
                        ColumnDef::new(RecordLocks::HolderDisplayName)
                            .string_len(200)
                            .not_null(),
                    )
                    // why: milliseconds since the epoch, so that SQLite compares
                    // instants as numbers, not as text of varying precision.
                    .col(
                        ColumnDef::new(RecordLocks::AcquiredAtMs)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(RecordLocks::ExpiresAtMs)
                            .big_integer()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, column) in [
            ("record_locks_token_key", RecordLocks::Token),
            (
                "record_locks_holder_session_idx",
                RecordLocks::HolderSessionId,
            ),
            ("record_locks_holder_user_idx", RecordLocks::HolderUserId),
        ] {
            let mut index = Index::create();
            index.name(name).table(RecordLocks::Table).col(column);
            if name.ends_with("_key") {
                index.unique();
            }
            manager.create_index(index.to_owned()).await?;
        }
        if manager.get_database_backend() == DbBackend::Postgres {
            manager
                .get_connection()
                .execute_unprepared("CREATE SEQUENCE lock_fencing_seq")
                .await?;
        } else {
            // SQLite has no sequences: one counter row, bumped in the acquiring
            // transaction (SQLite has one writer, so no two acquirers read one value).
            manager
                .create_table(
                    Table::create()
                        .table(LockFencing::Table)
                        .col(
                            ColumnDef::new(LockFencing::Name)
                                .string_len(64)
                                .not_null()
                                .primary_key(),
                        )
                        .col(ColumnDef::new(LockFencing::Value).big_integer().not_null())
                        .to_owned(),
                )
                .await?;
            manager
                .get_connection()
                .execute_unprepared(
                    "INSERT INTO lock_fencing (name, value) VALUES ('record_locks', 0)",
                )
                .await?;
        }
        for table in FENCED_TABLES {
            manager
                .alter_table(
                    Table::alter()
                        .table(Alias::new(table))
                        .add_column(ColumnDef::new(Fence::Fence).big_integer().null())
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum RecordLocks {
    Table,
    Resource,
    Token,
    Fencing,
    HolderUserId,
    HolderSessionId,
    HolderDisplayName,
    AcquiredAtMs,
    ExpiresAtMs,
}

#[derive(DeriveIden)]
enum LockFencing {
    Table,
    Name,
    Value,
}

#[derive(DeriveIden)]
enum Fence {
    Fence,
}
