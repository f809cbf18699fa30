use async_trait::async_trait;
use domain::audit::{AuditAction, AuditContext, AuditOutcome, NewAuditEvent};
use domain::auth::UserId;
use domain::locks::FencingToken;
use domain::notes::{Addendum, Note, NoteId, NoteRepository, NoteStatus, NoteSubject};
use domain::patients::PatientId;
use domain::schedule::AppointmentId;
use domain::{DomainError, Page, PageRequest, Rule};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use crate::connection::Connection;
use uuid::Uuid;

use super::entities::{addenda, notes};
use super::rows::{addendum_row, note_row, to_note};
use crate::error::{StoreError, StoreResult};
use crate::unit_of_work::{audited, Work};
use crate::versioned::{update_at_version, update_whole_row, versioned_entity};

const RESOURCE: &str = "note";

/// [`NoteRepository`] on the SQL database; each call is one audited unit of work.
pub struct SqlNoteRepository {
    connection: Connection,
}

impl SqlNoteRepository {
    pub fn new(connection: Connection) -> Self {
        Self { connection }
    }
}

versioned_entity!(notes, RESOURCE, fenced);

fn event(action: AuditAction, note: &Note) -> NewAuditEvent {
    NewAuditEvent {
        action,
        resource_type: RESOURCE,
        resource_id: note.id.as_uuid(),
        patient_id: Some(note.patient_id.as_uuid()),
        outcome: AuditOutcome::Success,
        detail: None,
    }
}

async fn addenda_of(
    connection: &impl ConnectionTrait,
    note_ids: Vec<Uuid>,
) -> StoreResult<Vec<addenda::Model>> {
    if note_ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(addenda::Entity::find()
        .filter(addenda::Column::NoteId.is_in(note_ids))
        .order_by_asc(addenda::Column::Id)
        .all(connection)
        .await?)
}

/// Adds an addendum under a lock in one conditional statement: only if no holder with
/// a larger fencing number has written the note or an addendum to it since
/// (`LockLost`). A signed note's row never changes, so the fence travels with addenda.
async fn insert_fenced(
    work: &Work,
    row: addenda::ActiveModel,
    note: NoteId,
    fence: FencingToken,
) -> StoreResult<()> {
    use sea_orm::sea_query::{Expr, Query};
    use sea_orm::{ActiveModelTrait, Iterable};

    let later_addendum = Query::select()
        .expr(Expr::val(1))
        .from(addenda::Entity)
        .and_where(addenda::Column::NoteId.eq(note.as_uuid()))
        .and_where(addenda::Column::Fence.gt(fence.get()))
        .to_owned();
    let later_note = Query::select()
        .expr(Expr::val(1))
        .from(notes::Entity)
        .and_where(notes::Column::Id.eq(note.as_uuid()))
        .and_where(notes::Column::Fence.gt(fence.get()))
        .to_owned();
    let columns: Vec<addenda::Column> = addenda::Column::iter().collect();
    let values = columns
        .iter()
        .map(|column| row.get(*column).into_value().map(Expr::val))
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| StoreError::internal("an addendum row is incomplete"))?;
    let select = Query::select()
        .exprs(values)
        .and_where(Expr::exists(later_addendum).not())
        .and_where(Expr::exists(later_note).not())
        .to_owned();
    let insert = Query::insert()
        .into_table(addenda::Entity)
        .columns(columns)
        .select_from(select)
        .map_err(|error| StoreError::Other(error.into()))?
        .to_owned();
    let backend = work.db().get_database_backend();
    let inserted = work.db().execute(backend.build(&insert)).await?;
    if inserted.rows_affected() == 0 {
        return Err(DomainError::LockLost.into());
    }
    Ok(())
}

/// The note `id` without its addenda, or `NotFound`.
async fn load(work: &Work, id: NoteId) -> StoreResult<Note> {
    let row = notes::Entity::find_by_id(id.as_uuid())
        .one(work.db())
        .await?
        .ok_or(DomainError::NotFound { resource: RESOURCE })?;
    to_note(row, Vec::new())
}

#[async_trait]
impl NoteRepository for SqlNoteRepository {
    async fn create(
        &self,
        context: &AuditContext,
        patient: PatientId,
        appointment: Option<AppointmentId>,
        draft: Rule<'_, NoteSubject, Note>,
    ) -> Result<Note, DomainError> {
        let note = audited(&self.connection, context, |mut work| async move {
            let subject = NoteSubject {
                patient: crate::patients::standing(work.db(), patient).await?,
                appointment_patient: match appointment {
                    Some(appointment) => {
                        crate::schedule::patient_of(work.db(), appointment).await?
                    }
                    None => None,
                },
            };
            let note = draft(subject, work.now())?;
            notes::Entity::insert(notes::ActiveModel::from(note_row(&note)))
                .exec_without_returning(work.db())
                .await?;
            work.audit(event(AuditAction::Create, &note));
            Ok(work.done(note))
        })
        .await?;
        Ok(note)
    }

    async fn get(
        &self,
        context: &AuditContext,
        id: NoteId,
        viewer: UserId,
    ) -> Result<Option<Note>, DomainError> {
        let note = audited(&self.connection, context, |mut work| async move {
            let Some(row) = notes::Entity::find_by_id(id.as_uuid())
                .one(work.db())
                .await?
            else {
                return Ok(work.done(None));
            };
            let addenda = addenda_of(work.db(), vec![row.id]).await?;
            let note = to_note(row, addenda)?;
            if !note.is_visible_to(viewer) {
                // why: a draft the viewer may not see answers as no note at all, and
                // the attempt is on the record.
                work.audit(event(AuditAction::Read, &note).refused());
                return Ok(work.done(None));
            }
            work.audit(event(AuditAction::Read, &note));
            Ok(work.done(Some(note)))
        })
        .await?;
        Ok(note)
    }

    async fn list_for_patient(
        &self,
        context: &AuditContext,
        patient: PatientId,
        viewer: UserId,
        page: PageRequest,
    ) -> Result<Page<Note>, DomainError> {
        let page = audited(&self.connection, context, |mut work| async move {
            // why: `Note::is_visible_to` as SQL, so that a page holds only visible notes.
            let visible = Condition::any()
                .add(notes::Column::Status.eq(NoteStatus::Signed.as_str()))
                .add(notes::Column::AuthorId.eq(viewer.as_uuid()));
            let mut query = notes::Entity::find()
                .filter(notes::Column::PatientId.eq(patient.as_uuid()))
                .filter(visible)
                .order_by_asc(notes::Column::Id);
            if let Some(after) = page.after {
                query = query.filter(notes::Column::Id.gt(after));
            }
            let rows = query
                .limit(u64::from(page.limit) + 1)
                .all(work.db())
                .await?;
            let rows = Page::from_rows(rows, page, |row| row.id);
            let ids = rows.items.iter().map(|row| row.id).collect();
            let mut all_addenda = addenda_of(work.db(), ids).await?;
            let mut items = Vec::with_capacity(rows.items.len());
            for row in rows.items {
                let (own, rest): (Vec<_>, Vec<_>) =
                    all_addenda.into_iter().partition(|a| a.note_id == row.id);
                all_addenda = rest;
                items.push(to_note(row, own)?);
            }
            work.audit_all(items.iter().map(|note| event(AuditAction::List, note)));
            Ok(work.done(Page {
                items,
                next_after: rows.next_after,
            }))
        })
        .await?;
        Ok(page)
    }

    async fn modify(
        &self,
        context: &AuditContext,
        id: NoteId,
        action: AuditAction,
        fence: Option<FencingToken>,
        change: Rule<'_, Note, Note>,
    ) -> Result<Note, DomainError> {
        let note = audited(&self.connection, context, |mut work| async move {
            let loaded = load(&work, id).await?;
            let read_at = loaded.version;
            let mut note = change(loaded, work.now())?;
            note.updated_at = work.now();
            let row = notes::ActiveModel::from(note_row(&note));
            let update = update_whole_row::<notes::Entity>(row, &[notes::Column::CreatedAt]);
            note.version =
                update_at_version(work.db(), update, id.as_uuid(), read_at, fence).await?;
            work.audit(event(action, &note));
            Ok(work.done(note))
        })
        .await?;
        Ok(note)
    }

    async fn add_addendum(
        &self,
        context: &AuditContext,
        id: NoteId,
        fence: Option<FencingToken>,
        amend: Rule<'_, Note, Addendum>,
    ) -> Result<Note, DomainError> {
        let note = audited(&self.connection, context, |mut work| async move {
            let note = load(&work, id).await?;
            let addendum = amend(note, work.now())?;
            let row = addendum_row(id, &addendum, fence);
            match fence {
                None => {
                    addenda::Entity::insert(row)
                        .exec_without_returning(work.db())
                        .await?;
                }
                Some(fence) => insert_fenced(&work, row, id, fence).await?,
            }
            let row = notes::Entity::find_by_id(id.as_uuid())
                .one(work.db())
                .await?
                .ok_or_else(|| StoreError::internal("an amended note vanished"))?;
            let addenda = addenda_of(work.db(), vec![row.id]).await?;
            let note = to_note(row, addenda)?;
            work.audit(event(AuditAction::Amend, &note));
            Ok(work.done(note))
        })
        .await?;
        Ok(note)
    }
}
