use async_trait::async_trait;
use domain::audit::{AuditAction, AuditContext, AuditOutcome, NewAuditEvent};
use domain::auth::UserId;
use domain::documents::{
    Category, ContentHash, Document, DocumentId, DocumentRepository, FileName, Title,
};
use domain::locks::FencingToken;
use domain::patients::{PatientId, PatientStanding};
use domain::{DomainError, Page, PageRequest, Rule, Version};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::connection::Connection;

use super::entities::documents::{self, Column, Entity, Model};
use crate::error::{corrupt, domain_result, StoreError, StoreResult};
use crate::unit_of_work::audited;
use crate::versioned::{update_at_version, update_whole_row, versioned_entity};

const RESOURCE: &str = "document";

/// [`DocumentRepository`] on the SQL database; each call one audited unit of work.
pub struct SqlDocumentRepository {
    connection: Connection,
}

impl SqlDocumentRepository {
    pub fn new(connection: Connection) -> Self {
        Self { connection }
    }
}

versioned_entity!(documents, RESOURCE, fenced);

fn event(action: AuditAction, document: &Document) -> NewAuditEvent {
    NewAuditEvent {
        action,
        resource_type: RESOURCE,
        resource_id: document.id.as_uuid(),
        patient_id: Some(document.patient_id.as_uuid()),
        outcome: AuditOutcome::Success,
        detail: None,
    }
}

#[async_trait]
impl DocumentRepository for SqlDocumentRepository {
    async fn create(
        &self,
        context: &AuditContext,
        patient: PatientId,
        record: Rule<'_, PatientStanding, Document>,
    ) -> Result<Document, DomainError> {
        let document = audited(&self.connection, context, |mut work| async move {
            let standing = crate::patients::standing(work.db(), patient).await?;
            let document = record(standing, work.now())?;
            let row = document_row(&document, None)?;
            Entity::insert(documents::ActiveModel::from(row))
                .exec_without_returning(work.db())
                .await?;
            work.audit(event(AuditAction::Create, &document));
            Ok(work.done(document))
        })
        .await?;
        Ok(document)
    }

    async fn patient_standing(&self, patient: PatientId) -> Result<PatientStanding, DomainError> {
        domain_result(crate::patients::standing(&self.connection, patient)).await
    }

    async fn get(
        &self,
        context: &AuditContext,
        id: DocumentId,
    ) -> Result<Option<Document>, DomainError> {
        let document = audited(&self.connection, context, |mut work| async move {
            let row = Entity::find_by_id(id.as_uuid())
                .filter(Column::DeletedAt.is_null())
                .one(work.db())
                .await?;
            let Some(row) = row else {
                return Ok(work.done(None));
            };
            let document = to_document(row)?;
            work.audit(event(AuditAction::Read, &document));
            Ok(work.done(Some(document)))
        })
        .await?;
        Ok(document)
    }

    async fn list_for_patient(
        &self,
        context: &AuditContext,
        patient: PatientId,
        page: PageRequest,
    ) -> Result<Page<Document>, DomainError> {
        let page = audited(&self.connection, context, |mut work| async move {
            let mut query = Entity::find()
                .filter(Column::PatientId.eq(patient.as_uuid()))
                .filter(Column::DeletedAt.is_null())
                .order_by_asc(Column::Id);
            if let Some(after) = page.after {
                query = query.filter(Column::Id.gt(after));
            }
            let rows = query
                .limit(u64::from(page.limit) + 1)
                .all(work.db())
                .await?;
            let documents = rows
                .into_iter()
                .map(to_document)
                .collect::<StoreResult<Vec<_>>>()?;
            let page = Page::from_rows(documents, page, |document| document.id.as_uuid());
            work.audit_all(page.items.iter().map(|d| event(AuditAction::List, d)));
            Ok(work.done(page))
        })
        .await?;
        Ok(page)
    }

    async fn modify(
        &self,
        context: &AuditContext,
        id: DocumentId,
        action: AuditAction,
        fence: Option<FencingToken>,
        change: Rule<'_, Document, Document>,
    ) -> Result<Document, DomainError> {
        let document = audited(&self.connection, context, |mut work| async move {
            let row = Entity::find_by_id(id.as_uuid())
                .filter(Column::DeletedAt.is_null())
                .one(work.db())
                .await?
                .ok_or(DomainError::NotFound { resource: RESOURCE })?;
            let loaded = to_document(row)?;
            let read_at = loaded.version;
            let mut document = change(loaded, work.now())?;
            document.updated_at = work.now();
            let row = documents::ActiveModel::from(document_row(&document, Some(work.now()))?);
            let update = update_whole_row::<Entity>(row, &[Column::UploadedAt]);
            document.version =
                update_at_version(work.db(), update, id.as_uuid(), read_at, fence).await?;
            work.audit(event(action, &document));
            Ok(work.done(document))
        })
        .await?;
        Ok(document)
    }
}

/// The row of `document`; a deleted one is marked deleted at `deleted_at`.
fn document_row(
    document: &Document,
    deleted_at: Option<chrono::DateTime<chrono::Utc>>,
) -> StoreResult<Model> {
    Ok(Model {
        id: document.id.as_uuid(),
        patient_id: document.patient_id.as_uuid(),
        title: document.title.as_str().to_owned(),
        file_name: document
            .file_name
            .as_ref()
            .map(|name| name.as_str().to_owned()),
        category: document.category.as_str().to_owned(),
        media_type: document.media_type.clone(),
        size: i64::try_from(document.size).map_err(|error| StoreError::Other(error.into()))?,
        sha256: document.sha256.as_str().to_owned(),
        uploaded_by: document.uploaded_by.as_uuid(),
        uploaded_at: document.uploaded_at,
        deleted_at: if document.deleted { deleted_at } else { None },
        version: document.version.get(),
        fence: None,
        updated_at: document.updated_at,
    })
}

fn to_document(row: Model) -> StoreResult<Document> {
    let id = row.id;
    let corrupt = |what: &str, why: String| corrupt("document", id, what, why);
    Ok(Document {
        id: DocumentId::from_uuid(row.id),
        patient_id: PatientId::from_uuid(row.patient_id),
        title: Title::parse(&row.title).map_err(|e| corrupt("title", e))?,
        file_name: row.file_name.as_deref().and_then(FileName::clean),
        category: Category::parse(&row.category).map_err(|e| corrupt("category", e))?,
        media_type: row.media_type,
        size: u64::try_from(row.size).map_err(|e| corrupt("size", e.to_string()))?,
        sha256: ContentHash::parse(&row.sha256).map_err(|e| corrupt("hash", e))?,
        uploaded_by: UserId::from_uuid(row.uploaded_by),
        uploaded_at: row.uploaded_at,
        deleted: row.deleted_at.is_some(),
        version: Version::new(row.version)
            .ok_or_else(|| corrupt("version", row.version.to_string()))?,
        updated_at: row.updated_at,
    })
}
