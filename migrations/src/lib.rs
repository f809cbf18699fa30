//! practica's schema as forward-only migrations.
//!
//! Every migration runs on PostgreSQL and on SQLite. Where PostgreSQL can enforce more
//! (exclusion constraints, storage settings), the migration checks
//! `manager.get_database_backend()` and adds the extra only there.
//! Name a migration by what it adds: `m20261126_000001_create_users`.

pub use sea_orm_migration::prelude::*;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        // The accounts and sessions issue brings the first tables.
        vec![]
    }
}
