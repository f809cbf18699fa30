use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The audit trail, notes and addenda refuse `TRUNCATE` as they refuse `DELETE`: a
/// statement trigger, since `TRUNCATE` fires no row trigger. (SQLite has no `TRUNCATE`;
/// its `DELETE FROM` without a `WHERE` fires the row triggers already in place.)
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        let db = manager.get_connection();
        db.execute_unprepared(
            "CREATE FUNCTION refuse_truncate() RETURNS trigger LANGUAGE plpgsql AS \
             $$ BEGIN RAISE EXCEPTION '% is part of the record and is never truncated', TG_TABLE_NAME; END $$",
        )
        .await?;
        for table in ["audit_events", "clinical_notes", "note_addenda"] {
            db.execute_unprepared(&format!(
                "CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} \
                 FOR EACH STATEMENT EXECUTE FUNCTION refuse_truncate()"
            ))
            .await?;
        }
        Ok(())
    }
}
