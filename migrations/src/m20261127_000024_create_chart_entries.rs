//! The chart's allergy, medication, vitals and immunization lists share one table, as
//! OpenEMR's `lists` does: what every entry has (its patient, list, status, version,
//! lock fence) in columns, what its list states in `details` (JSON), and the time a
//! vitals set was taken in a column of its own, for the series and its one-set-per-time
//! rule.

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
                    .table(ChartEntries::Table)
                    .col(uuid(ChartEntries::Id).primary_key())
                    .col(uuid(ChartEntries::PatientId))
                    .col(ColumnDef::new(ChartEntries::Kind).string_len(16).not_null())
                    .col(
                        ColumnDef::new(ChartEntries::Status)
                            .string_len(24)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ChartEntries::ObservedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(ColumnDef::new(ChartEntries::Details).text().not_null())
                    .col(uuid(ChartEntries::RecordedBy))
                    .col(
                        ColumnDef::new(ChartEntries::Version)
                            .big_integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(ChartEntries::Fence).big_integer().null())
                    .col(timestamp(ChartEntries::CreatedAt))
                    .col(timestamp(ChartEntries::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("chart_entries_patient_id_fkey")
                            .from(ChartEntries::Table, ChartEntries::PatientId)
                            .to(Patients::Table, Patients::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("chart_entries_recorded_by_fkey")
                            .from(ChartEntries::Table, ChartEntries::RecordedBy)
                            .to(Users::Table, Users::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("chart_entries_patient_kind_idx")
                    .table(ChartEntries::Table)
                    .col(ChartEntries::PatientId)
                    .col(ChartEntries::Kind)
                    .col(ChartEntries::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("chart_entries_patient_kind_observed_idx")
                    .table(ChartEntries::Table)
                    .col(ChartEntries::PatientId)
                    .col(ChartEntries::Kind)
                    .col(ChartEntries::ObservedAt)
                    .to_owned(),
            )
            .await?;
        // why: a partial index (the same text on both databases), so that a set marked
        // entered in error leaves its time free for the corrected one.
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX chart_entries_one_vitals_set_per_time \
                 ON chart_entries (patient_id, observed_at) \
                 WHERE kind = 'vitals' AND status <> 'entered_in_error'",
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(NoKnownAllergies::Table)
                    .col(uuid(NoKnownAllergies::PatientId).primary_key())
                    .col(uuid(NoKnownAllergies::RecordedBy))
                    .col(timestamp(NoKnownAllergies::RecordedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("no_known_allergies_patient_id_fkey")
                            .from(NoKnownAllergies::Table, NoKnownAllergies::PatientId)
                            .to(Patients::Table, Patients::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("no_known_allergies_recorded_by_fkey")
                            .from(NoKnownAllergies::Table, NoKnownAllergies::RecordedBy)
                            .to(Users::Table, Users::Id),
                    )
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum ChartEntries {
    Table,
    Id,
    PatientId,
    Kind,
    Status,
    ObservedAt,
    Details,
    RecordedBy,
    Version,
    Fence,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum NoKnownAllergies {
    Table,
    PatientId,
    RecordedBy,
    RecordedAt,
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
