//! Column shapes shared by every table.

use sea_orm_migration::prelude::*;

/// A UUID: `uuid` on PostgreSQL, a 16-byte blob on SQLite (sea-orm's mapping).
pub fn uuid<T: IntoIden>(name: T) -> ColumnDef {
    ColumnDef::new(name).uuid().not_null().to_owned()
}

/// An instant: `timestamptz` on PostgreSQL, RFC 3339 text in UTC on SQLite.
pub fn timestamp<T: IntoIden>(name: T) -> ColumnDef {
    ColumnDef::new(name)
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}
