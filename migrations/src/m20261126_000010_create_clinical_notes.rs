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
                    .table(ClinicalNotes::Table)
                    .col(uuid(ClinicalNotes::Id).primary_key())
                    .col(uuid(ClinicalNotes::PatientId))
                    .col(uuid(ClinicalNotes::AuthorId))
                    .col(ColumnDef::new(ClinicalNotes::AppointmentId).uuid().null())
                    .col(ColumnDef::new(ClinicalNotes::Subjective).text().not_null())
                    .col(ColumnDef::new(ClinicalNotes::Objective).text().not_null())
                    .col(ColumnDef::new(ClinicalNotes::Assessment).text().not_null())
                    .col(ColumnDef::new(ClinicalNotes::Plan).text().not_null())
                    .col(
                        ColumnDef::new(ClinicalNotes::Status)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(ColumnDef::new(ClinicalNotes::SignedBy).uuid().null())
                    .col(
                        ColumnDef::new(ClinicalNotes::SignedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(ClinicalNotes::Version)
                            .big_integer()
                            .not_null(),
                    )
                    .col(timestamp(ClinicalNotes::CreatedAt))
                    .col(timestamp(ClinicalNotes::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("clinical_notes_patient_id_fkey")
                            .from(ClinicalNotes::Table, ClinicalNotes::PatientId)
                            .to(Patients::Table, Patients::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("clinical_notes_author_id_fkey")
                            .from(ClinicalNotes::Table, ClinicalNotes::AuthorId)
                            .to(Users::Table, Users::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("clinical_notes_appointment_id_fkey")
                            .from(ClinicalNotes::Table, ClinicalNotes::AppointmentId)
                            .to(Appointments::Table, Appointments::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("clinical_notes_patient_id_idx")
                    .table(ClinicalNotes::Table)
                    .col(ClinicalNotes::PatientId)
                    .col(ClinicalNotes::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(NoteAddenda::Table)
                    .col(uuid(NoteAddenda::Id).primary_key())
                    .col(uuid(NoteAddenda::NoteId))
                    .col(uuid(NoteAddenda::AuthorId))
                    .col(ColumnDef::new(NoteAddenda::Text).text().not_null())
                    .col(timestamp(NoteAddenda::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("note_addenda_note_id_fkey")
                            .from(NoteAddenda::Table, NoteAddenda::NoteId)
                            .to(ClinicalNotes::Table, ClinicalNotes::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("note_addenda_note_id_idx")
                    .table(NoteAddenda::Table)
                    .col(NoteAddenda::NoteId)
                    .col(NoteAddenda::Id)
                    .to_owned(),
            )
            .await?;
        // A signed note never changes and addenda are never changed, whoever asks.
        let db = manager.get_connection();
        match manager.get_database_backend() {
            DbBackend::Postgres => {
                db.execute_unprepared(
                    "CREATE FUNCTION clinical_notes_signed_are_final() RETURNS trigger LANGUAGE plpgsql AS \
                     $$ BEGIN RAISE EXCEPTION 'a signed note never changes'; END $$",
                )
                .await?;
                db.execute_unprepared(
                    "CREATE TRIGGER clinical_notes_signed_are_final BEFORE UPDATE OR DELETE ON clinical_notes \
                     FOR EACH ROW WHEN (OLD.status = 'signed') EXECUTE FUNCTION clinical_notes_signed_are_final()",
                )
                .await?;
                db.execute_unprepared(
                    "CREATE TRIGGER note_addenda_append_only BEFORE UPDATE OR DELETE ON note_addenda \
                     FOR EACH ROW EXECUTE FUNCTION clinical_notes_signed_are_final()",
                )
                .await?;
            }
            _ => {
                for statement in [
                    "CREATE TRIGGER clinical_notes_signed_no_update BEFORE UPDATE ON clinical_notes \
                     WHEN OLD.status = 'signed' BEGIN SELECT RAISE(ABORT, 'a signed note never changes'); END",
                    "CREATE TRIGGER clinical_notes_signed_no_delete BEFORE DELETE ON clinical_notes \
                     WHEN OLD.status = 'signed' BEGIN SELECT RAISE(ABORT, 'a signed note never changes'); END",
                    "CREATE TRIGGER note_addenda_no_update BEFORE UPDATE ON note_addenda \
                     BEGIN SELECT RAISE(ABORT, 'addenda are append-only'); END",
                    "CREATE TRIGGER note_addenda_no_delete BEFORE DELETE ON note_addenda \
                     BEGIN SELECT RAISE(ABORT, 'addenda are append-only'); END",
                ] {
                    db.execute_unprepared(statement).await?;
                }
            }
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum ClinicalNotes {
    Table,
    Id,
    PatientId,
    AuthorId,
    AppointmentId,
    Subjective,
    Objective,
    Assessment,
    Plan,
    Status,
    SignedBy,
    SignedAt,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum NoteAddenda {
    Table,
    Id,
    NoteId,
    AuthorId,
    Text,
    CreatedAt,
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

#[derive(DeriveIden)]
enum Appointments {
    Table,
    Id,
}
