use async_trait::async_trait;
use domain::audit::{AuditAction, AuditContext, NewAuditEvent};
use domain::auth::UserId;
use domain::notes::{
    Addendum, AddendumText, NewNote, Note, NoteId, NoteRepository, NoteStatus, SoapSections,
};
use domain::patients::PatientId;
use domain::schedule::AppointmentId;
use domain::{DomainError, Page, PageRequest, Version};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction,
    EntityTrait, QueryFilter, QueryOrder, QuerySelect, TransactionTrait,
};
use uuid::Uuid;

use super::entities::{addenda, notes};
use crate::audit;
use crate::clock::database_now;
use crate::error::{internal, stale};
use crate::retry::retry_when_busy;

const RESOURCE: &str = "note";

/// [`NoteRepository`] on the SQL database; each call is one audited transaction.
pub struct SqlNoteRepository {
    connection: DatabaseConnection,
}

impl SqlNoteRepository {
    pub fn new(connection: DatabaseConnection) -> Self {
        Self { connection }
    }
}

fn event(action: AuditAction, row: &notes::Model) -> NewAuditEvent {
    NewAuditEvent {
        action,
        resource_type: RESOURCE,
        resource_id: row.id,
        patient_id: Some(row.patient_id),
    }
}

async fn addenda_of(
    connection: &impl ConnectionTrait,
    note_ids: Vec<Uuid>,
) -> Result<Vec<addenda::Model>, DomainError> {
    if note_ids.is_empty() {
        return Ok(Vec::new());
    }
    addenda::Entity::find()
        .filter(addenda::Column::NoteId.is_in(note_ids))
        .order_by_asc(addenda::Column::Id)
        .all(connection)
        .await
        .map_err(internal)
}

/// The draft `id` as `author` may change it at `expected`, read inside `transaction`.
async fn changeable_draft(
    transaction: &DatabaseTransaction,
    id: NoteId,
    expected: Version,
    author: UserId,
) -> Result<notes::Model, DomainError> {
    let row = notes::Entity::find_by_id(id.as_uuid())
        .one(transaction)
        .await
        .map_err(internal)?
        .ok_or(DomainError::NotFound { resource: RESOURCE })?;
    if row.author_id != author.as_uuid() {
        return Err(DomainError::Forbidden);
    }
    if row.status == NoteStatus::Signed.as_str() {
        return Err(DomainError::Conflict {
            code: "note_signed",
            message: "a signed note never changes; add an addendum instead".to_owned(),
        });
    }
    if row.version != expected.get() {
        return Err(stale(row.version));
    }
    Ok(row)
}

impl SqlNoteRepository {
    async fn create_once(
        &self,
        context: &AuditContext,
        author: UserId,
        note: &NewNote,
    ) -> Result<Note, DomainError> {
        let transaction = self.connection.begin().await.map_err(internal)?;
        if !crate::patients::is_active_patient(&transaction, note.patient_id).await? {
            return Err(DomainError::invalid(
                "patientId",
                "is not a registered, unarchived patient",
            ));
        }
        if let Some(appointment) = note.appointment_id {
            let of_patient =
                crate::schedule::appointment_of_patient(&transaction, appointment, note.patient_id)
                    .await?;
            if !of_patient {
                return Err(DomainError::invalid(
                    "appointmentId",
                    "is not an appointment of this patient",
                ));
            }
        }
        let now = database_now(&transaction).await?;
        let row = notes::Model {
            id: Uuid::now_v7(),
            patient_id: note.patient_id.as_uuid(),
            author_id: author.as_uuid(),
            appointment_id: note.appointment_id.map(AppointmentId::as_uuid),
            subjective: note.sections.subjective.clone(),
            objective: note.sections.objective.clone(),
            assessment: note.sections.assessment.clone(),
            plan: note.sections.plan.clone(),
            status: NoteStatus::Draft.as_str().to_owned(),
            signed_by: None,
            signed_at: None,
            version: Version::FIRST.get(),
            created_at: now,
            updated_at: now,
        };
        notes::Entity::insert(notes::ActiveModel::from(row.clone()))
            .exec_without_returning(&transaction)
            .await
            .map_err(internal)?;
        audit::record(
            &transaction,
            context,
            now,
            [event(AuditAction::Create, &row)],
        )
        .await?;
        transaction.commit().await.map_err(internal)?;
        to_note(row, Vec::new())
    }

    async fn get_once(
        &self,
        context: &AuditContext,
        id: NoteId,
    ) -> Result<Option<Note>, DomainError> {
        let transaction = self.connection.begin().await.map_err(internal)?;
        let Some(row) = notes::Entity::find_by_id(id.as_uuid())
            .one(&transaction)
            .await
            .map_err(internal)?
        else {
            return Ok(None);
        };
        let addenda = addenda_of(&transaction, vec![row.id]).await?;
        let now = database_now(&transaction).await?;
        audit::record(&transaction, context, now, [event(AuditAction::Read, &row)]).await?;
        transaction.commit().await.map_err(internal)?;
        to_note(row, addenda).map(Some)
    }

    async fn list_once(
        &self,
        context: &AuditContext,
        patient: PatientId,
        page: PageRequest,
    ) -> Result<Page<Note>, DomainError> {
        let transaction = self.connection.begin().await.map_err(internal)?;
        let mut query = notes::Entity::find()
            .filter(notes::Column::PatientId.eq(patient.as_uuid()))
            .order_by_asc(notes::Column::Id);
        if let Some(after) = page.after {
            query = query.filter(notes::Column::Id.gt(after));
        }
        let rows = query
            .limit(u64::from(page.limit) + 1)
            .all(&transaction)
            .await
            .map_err(internal)?;
        let page = Page::from_rows(rows, page, |row| row.id);
        let mut all_addenda =
            addenda_of(&transaction, page.items.iter().map(|row| row.id).collect()).await?;
        let now = database_now(&transaction).await?;
        audit::record(
            &transaction,
            context,
            now,
            page.items.iter().map(|row| event(AuditAction::List, row)),
        )
        .await?;
        transaction.commit().await.map_err(internal)?;
        let mut items = Vec::with_capacity(page.items.len());
        for row in page.items {
            let (own, rest): (Vec<_>, Vec<_>) =
                all_addenda.into_iter().partition(|a| a.note_id == row.id);
            all_addenda = rest;
            items.push(to_note(row, own)?);
        }
        Ok(Page {
            items,
            next_after: page.next_after,
        })
    }

    async fn update_draft_once(
        &self,
        context: &AuditContext,
        id: NoteId,
        expected: Version,
        author: UserId,
        sections: &SoapSections,
    ) -> Result<Note, DomainError> {
        let transaction = self.connection.begin().await.map_err(internal)?;
        let row = changeable_draft(&transaction, id, expected, author).await?;
        let now = database_now(&transaction).await?;
        let updated = notes::Model {
            subjective: sections.subjective.clone(),
            objective: sections.objective.clone(),
            assessment: sections.assessment.clone(),
            plan: sections.plan.clone(),
            version: expected.next().get(),
            updated_at: now,
            ..row
        };
        self.write_draft(&transaction, expected, &updated).await?;
        audit::record(
            &transaction,
            context,
            now,
            [event(AuditAction::Update, &updated)],
        )
        .await?;
        transaction.commit().await.map_err(internal)?;
        to_note(updated, Vec::new())
    }

    async fn sign_once(
        &self,
        context: &AuditContext,
        id: NoteId,
        expected: Version,
        signer: UserId,
    ) -> Result<Note, DomainError> {
        let transaction = self.connection.begin().await.map_err(internal)?;
        let row = changeable_draft(&transaction, id, expected, signer).await?;
        let sections = SoapSections {
            subjective: row.subjective.clone(),
            objective: row.objective.clone(),
            assessment: row.assessment.clone(),
            plan: row.plan.clone(),
        };
        if sections.is_empty() {
            return Err(DomainError::invalid(
                "subjective",
                "an empty note cannot be signed",
            ));
        }
        let now = database_now(&transaction).await?;
        let signed = notes::Model {
            status: NoteStatus::Signed.as_str().to_owned(),
            signed_by: Some(signer.as_uuid()),
            signed_at: Some(now),
            version: expected.next().get(),
            updated_at: now,
            ..row
        };
        self.write_draft(&transaction, expected, &signed).await?;
        audit::record(
            &transaction,
            context,
            now,
            [event(AuditAction::Sign, &signed)],
        )
        .await?;
        transaction.commit().await.map_err(internal)?;
        to_note(signed, Vec::new())
    }

    /// Writes `row` over the draft at `expected`, in one statement conditional on both.
    async fn write_draft(
        &self,
        transaction: &DatabaseTransaction,
        expected: Version,
        row: &notes::Model,
    ) -> Result<(), DomainError> {
        let result = notes::Entity::update_many()
            .col_expr(
                notes::Column::Subjective,
                Expr::value(row.subjective.clone()),
            )
            .col_expr(notes::Column::Objective, Expr::value(row.objective.clone()))
            .col_expr(
                notes::Column::Assessment,
                Expr::value(row.assessment.clone()),
            )
            .col_expr(notes::Column::Plan, Expr::value(row.plan.clone()))
            .col_expr(notes::Column::Status, Expr::value(row.status.clone()))
            .col_expr(notes::Column::SignedBy, Expr::value(row.signed_by))
            .col_expr(notes::Column::SignedAt, Expr::value(row.signed_at))
            .col_expr(notes::Column::Version, Expr::value(row.version))
            .col_expr(notes::Column::UpdatedAt, Expr::value(row.updated_at))
            .filter(notes::Column::Id.eq(row.id))
            .filter(notes::Column::Version.eq(expected.get()))
            .filter(notes::Column::Status.eq(NoteStatus::Draft.as_str()))
            .exec(transaction)
            .await
            .map_err(internal)?;
        if result.rows_affected == 0 {
            return Err(DomainError::PreconditionFailed {
                current: expected.next(),
            });
        }
        Ok(())
    }

    async fn add_addendum_once(
        &self,
        context: &AuditContext,
        id: NoteId,
        author: UserId,
        text: &AddendumText,
    ) -> Result<Note, DomainError> {
        let transaction = self.connection.begin().await.map_err(internal)?;
        let row = notes::Entity::find_by_id(id.as_uuid())
            .one(&transaction)
            .await
            .map_err(internal)?
            .ok_or(DomainError::NotFound { resource: RESOURCE })?;
        if row.status != NoteStatus::Signed.as_str() {
            return Err(DomainError::Conflict {
                code: "note_not_signed",
                message: "a draft is changed directly; addenda are for signed notes".to_owned(),
            });
        }
        let now = database_now(&transaction).await?;
        let addendum = addenda::ActiveModel {
            id: ActiveValue::Set(Uuid::now_v7()),
            note_id: ActiveValue::Set(row.id),
            author_id: ActiveValue::Set(author.as_uuid()),
            text: ActiveValue::Set(text.as_str().to_owned()),
            created_at: ActiveValue::Set(now),
        };
        addenda::Entity::insert(addendum)
            .exec_without_returning(&transaction)
            .await
            .map_err(internal)?;
        let addenda = addenda_of(&transaction, vec![row.id]).await?;
        audit::record(
            &transaction,
            context,
            now,
            [event(AuditAction::Amend, &row)],
        )
        .await?;
        transaction.commit().await.map_err(internal)?;
        to_note(row, addenda)
    }
}

#[async_trait]
impl NoteRepository for SqlNoteRepository {
    async fn create(
        &self,
        context: &AuditContext,
        author: UserId,
        note: NewNote,
    ) -> Result<Note, DomainError> {
        retry_when_busy(|| self.create_once(context, author, &note)).await
    }

    async fn get(&self, context: &AuditContext, id: NoteId) -> Result<Option<Note>, DomainError> {
        retry_when_busy(|| self.get_once(context, id)).await
    }

    async fn list_for_patient(
        &self,
        context: &AuditContext,
        patient: PatientId,
        page: PageRequest,
    ) -> Result<Page<Note>, DomainError> {
        retry_when_busy(|| self.list_once(context, patient, page)).await
    }

    async fn update_draft(
        &self,
        context: &AuditContext,
        id: NoteId,
        expected: Version,
        author: UserId,
        sections: SoapSections,
    ) -> Result<Note, DomainError> {
        retry_when_busy(|| self.update_draft_once(context, id, expected, author, &sections)).await
    }

    async fn sign(
        &self,
        context: &AuditContext,
        id: NoteId,
        expected: Version,
        signer: UserId,
    ) -> Result<Note, DomainError> {
        retry_when_busy(|| self.sign_once(context, id, expected, signer)).await
    }

    async fn add_addendum(
        &self,
        context: &AuditContext,
        id: NoteId,
        author: UserId,
        text: AddendumText,
    ) -> Result<Note, DomainError> {
        retry_when_busy(|| self.add_addendum_once(context, id, author, &text)).await
    }
}

fn to_note(row: notes::Model, addenda: Vec<addenda::Model>) -> Result<Note, DomainError> {
    let corrupt = |what: &str, why: String| {
        internal(anyhow::anyhow!(
            "note {} has an unreadable {what}: {why}",
            row.id
        ))
    };
    let addenda = addenda
        .into_iter()
        .map(|addendum| {
            Ok(Addendum {
                id: addendum.id,
                author_id: UserId::from_uuid(addendum.author_id),
                text: AddendumText::parse(&addendum.text).map_err(|e| corrupt("addendum", e))?,
                created_at: addendum.created_at,
            })
        })
        .collect::<Result<Vec<_>, DomainError>>()?;
    Ok(Note {
        id: NoteId::from_uuid(row.id),
        patient_id: PatientId::from_uuid(row.patient_id),
        author_id: UserId::from_uuid(row.author_id),
        appointment_id: row.appointment_id.map(AppointmentId::from_uuid),
        sections: SoapSections {
            subjective: row.subjective,
            objective: row.objective,
            assessment: row.assessment,
            plan: row.plan,
        },
        status: NoteStatus::parse(&row.status).map_err(|e| corrupt("status", e))?,
        signed_by: row.signed_by.map(UserId::from_uuid),
        signed_at: row.signed_at,
        addenda,
        version: Version::new(row.version)
            .ok_or_else(|| corrupt("version", row.version.to_string()))?,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}
