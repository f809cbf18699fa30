use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum RecordLocks {
    Table,
    HoldUntilMs,
}

/// The latest a lock may be held, its renewals included: a lock no one lets go of ends.
/// Locks taken before it have no bound but their lease (the default, far off).
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(RecordLocks::Table)
                    .add_column(
                        ColumnDef::new(RecordLocks::HoldUntilMs)
                            .big_integer()
                            .not_null()
                            .default(253_402_300_799_999_i64),
                    )
                    .to_owned(),
            )
            .await
    }
}
