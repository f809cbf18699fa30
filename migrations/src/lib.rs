//! practica's schema as forward-only migrations.
//!
//! Every migration runs on PostgreSQL and on SQLite. Where PostgreSQL can enforce more
//! (exclusion constraints, storage settings), the migration checks
//! `manager.get_database_backend()` and adds the extra only there.
//! Name a migration by what it adds: `m20261126_000001_create_users`.

pub use sea_orm_migration::prelude::*;

mod columns;
mod m20261126_000001_create_users;
mod m20261126_000002_create_sessions;
mod m20261126_000003_create_signing_keys;
mod m20261126_000004_create_login_failures;
mod m20261126_000005_create_patients;
mod m20261126_000006_create_audit_events;
mod m20261126_000007_create_idempotency_keys;
mod m20261126_000008_add_specialty_to_users;
mod m20261126_000009_create_appointments;
mod m20261126_000010_create_clinical_notes;
mod m20261126_000011_create_blobs;
mod m20261126_000012_create_documents;
mod m20261126_000013_create_record_locks;
mod m20261126_000014_create_job_runs;
mod m20261126_000015_create_nodes;
mod m20261126_000016_create_job_requests;
mod m20261126_000017_create_notification_outbox;
mod m20261126_000018_idempotency_committed_work;
mod m20261126_000019_add_password_change_required_to_users;
mod m20261126_000020_refuse_truncating_the_record;
mod m20261126_000021_add_request_origin_to_audit_events;
mod m20261126_000022_add_detail_to_audit_events;
mod m20261127_000023_create_problems;
mod m20261127_000024_create_chart_entries;
mod m20261207_000025_add_hold_until_to_record_locks;
mod m20261207_000026_add_file_name_to_documents;
mod m20261207_000027_strip_bidi_controls_from_titles_and_display_names;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261126_000001_create_users::Migration),
            Box::new(m20261126_000002_create_sessions::Migration),
            Box::new(m20261126_000003_create_signing_keys::Migration),
            Box::new(m20261126_000004_create_login_failures::Migration),
            Box::new(m20261126_000005_create_patients::Migration),
            Box::new(m20261126_000006_create_audit_events::Migration),
            Box::new(m20261126_000007_create_idempotency_keys::Migration),
            Box::new(m20261126_000008_add_specialty_to_users::Migration),
            Box::new(m20261126_000009_create_appointments::Migration),
            Box::new(m20261126_000010_create_clinical_notes::Migration),
            Box::new(m20261126_000011_create_blobs::Migration),
            Box::new(m20261126_000012_create_documents::Migration),
            Box::new(m20261126_000013_create_record_locks::Migration),
            Box::new(m20261126_000014_create_job_runs::Migration),
            Box::new(m20261126_000015_create_nodes::Migration),
            Box::new(m20261126_000016_create_job_requests::Migration),
            Box::new(m20261126_000017_create_notification_outbox::Migration),
            Box::new(m20261126_000018_idempotency_committed_work::Migration),
            Box::new(m20261126_000019_add_password_change_required_to_users::Migration),
            Box::new(m20261126_000020_refuse_truncating_the_record::Migration),
            Box::new(m20261126_000021_add_request_origin_to_audit_events::Migration),
            Box::new(m20261126_000022_add_detail_to_audit_events::Migration),
            Box::new(m20261127_000023_create_problems::Migration),
            Box::new(m20261127_000024_create_chart_entries::Migration),
            Box::new(m20261207_000025_add_hold_until_to_record_locks::Migration),
            Box::new(m20261207_000026_add_file_name_to_documents::Migration),
            Box::new(m20261207_000027_strip_bidi_controls_from_titles_and_display_names::Migration),
        ]
    }
}
