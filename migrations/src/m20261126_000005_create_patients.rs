use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

use crate::columns::{timestamp, uuid};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let text =
            |name: Patients, length: u32| ColumnDef::new(name).string_len(length).null().to_owned();
        manager
            .create_table(
                Table::create()
                    .table(Patients::Table)
                    .col(uuid(Patients::Id).primary_key())
                    .col(ColumnDef::new(Patients::Mrn).string_len(12).not_null())
                    .col(
                        ColumnDef::new(Patients::GivenName)
                            .string_len(100)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Patients::FamilyName)
                            .string_len(100)
                            .not_null(),
                    )
                    // Lower-cased copies, for case-insensitive prefix search on an index.
                    .col(
                        ColumnDef::new(Patients::GivenNameSearch)
                            .string_len(100)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Patients::FamilyNameSearch)
                            .string_len(100)
                            .not_null(),
                    )
                    .col(ColumnDef::new(Patients::BirthDate).date().not_null())
                    .col(ColumnDef::new(Patients::Sex).string_len(16).not_null())
                    .col(text(Patients::Phone, 32))
                    .col(text(Patients::Email, 254))
                    // A JSON array of up to three lines.
                    .col(ColumnDef::new(Patients::AddressLines).text().not_null())
                    .col(text(Patients::City, 100))
                    .col(text(Patients::Region, 100))
                    .col(text(Patients::PostalCode, 20))
                    .col(text(Patients::Country, 2))
                    .col(text(Patients::EmergencyContactName, 200))
                    .col(text(Patients::EmergencyContactRelationship, 100))
                    .col(text(Patients::EmergencyContactPhone, 32))
                    .col(ColumnDef::new(Patients::Active).boolean().not_null())
                    .col(
                        ColumnDef::new(Patients::ArchivedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(ColumnDef::new(Patients::Version).big_integer().not_null())
                    .col(timestamp(Patients::CreatedAt))
                    .col(timestamp(Patients::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("patients_mrn_key")
                    .table(Patients::Table)
                    .col(Patients::Mrn)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("patients_birth_date_idx")
                    .table(Patients::Table)
                    .col(Patients::BirthDate)
                    .to_owned(),
            )
            .await?;
        match manager.get_database_backend() {
            // why: PostgreSQL uses a b-tree for `LIKE 'abc%'` only with pattern ops
            // (or the C collation); SQLite's LIKE is case-insensitive and uses a plain
            // index once the column is lower-cased and compared with the same case.
            DbBackend::Postgres => {
                let db = manager.get_connection();
                db.execute_unprepared(
                    "CREATE INDEX patients_family_name_search_idx ON patients (family_name_search text_pattern_ops)",
                )
                .await?;
                db.execute_unprepared(
                    "CREATE INDEX patients_given_name_search_idx ON patients (given_name_search text_pattern_ops)",
                )
                .await?;
            }
            _ => {
                for (name, column) in [
                    (
                        "patients_family_name_search_idx",
                        Patients::FamilyNameSearch,
                    ),
                    ("patients_given_name_search_idx", Patients::GivenNameSearch),
                ] {
                    manager
                        .create_index(
                            Index::create()
                                .name(name)
                                .table(Patients::Table)
                                .col(column)
                                .to_owned(),
                        )
                        .await?;
                }
            }
        }
        Ok(())
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Patients {
    Table,
    Id,
    Mrn,
    GivenName,
    FamilyName,
    GivenNameSearch,
    FamilyNameSearch,
    BirthDate,
    Sex,
    Phone,
    Email,
    AddressLines,
    City,
    Region,
    PostalCode,
    Country,
    EmergencyContactName,
    EmergencyContactRelationship,
    EmergencyContactPhone,
    Active,
    ArchivedAt,
    Version,
    CreatedAt,
    UpdatedAt,
}
