use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Unicode's explicit bidirectional formatting characters, which document titles and
/// users' display names refuse from now on.
const BIDI_CONTROLS: [char; 12] = [
    '\u{061C}', '\u{200E}', '\u{200F}', '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}',
    '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}',
];

/// Titles and display names stored before they refused bidirectional controls lose
/// them, so that every stored one reads back under the rule.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for (table, column) in [("documents", "title"), ("users", "display_name")] {
            for control in BIDI_CONTROLS {
                db.execute_unprepared(&format!(
                    "UPDATE {table} SET {column} = REPLACE({column}, '{control}', '') \
                     WHERE {column} LIKE '%{control}%'"
                ))
                .await?;
            }
        }
        Ok(())
    }
}
