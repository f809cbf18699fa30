use async_trait::async_trait;
use domain::audit::{AuditAction, AuditContext, NewAuditEvent};
use domain::auth::UserId;
use domain::documents::{
    Category, ContentHash, Document, DocumentChanges, DocumentId, DocumentRepository, NewDocument,
    Title,
};
use domain::patients::PatientId;
use domain::{DomainError, Page, PageRequest, Version};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    TransactionTrait,
};
use uuid::Uuid;

use super::entities::documents::{self, Column, Entity, Model};
use crate::audit;
use crate::clock::database_now;
use crate::error::{internal, stale};
use crate::retry::retry_when_busy;

const RESOURCE: &str = "document";

/// [`DocumentRepository`] on the SQL database; each call one audited transaction.
pub struct SqlDocumentRepository {
    connection: DatabaseConnection,
}

impl SqlDocumentRepository {
    pub fn new(connection: DatabaseConnection) -> Self {
        Self { connection }
    }
}

fn event(action: AuditAction, row: &Model) -> NewAuditEvent {
    NewAuditEvent {
        action,
        resource_type: RESOURCE,
        resource_id: row.id,
        patient_id: Some(row.patient_id),
    }
}

impl SqlDocumentRepository {
    async fn create_once(
        &self,
        context: &AuditContext,
        uploaded_by: UserId,
        document: &NewDocument,
    ) -> Result<Document, DomainError> {
        let transaction = self.connection.begin().await.map_err(internal)?;
        if !crate::patients::is_active_patient(&transaction, document.patient_id).await? {
            return Err(DomainError::invalid(
                "patientId",
                "is not a registered, unarchived patient",
            ));
        }
        let now = database_now(&transaction).await?;
        let row = Model {
            id: Uuid::now_v7(),
            patient_id: document.patient_id.as_uuid(),
            title: document.title.as_str().to_owned(),
            category: document.category.as_str().to_owned(),
            media_type: document.media_type.clone(),
            size: i64::try_from(document.size).map_err(internal)?,
            sha256: document.sha256.as_str().to_owned(),
            uploaded_by: uploaded_by.as_uuid(),
            uploaded_at: now,
            deleted_at: None,
            version: Version::FIRST.get(),
            updated_at: now,
        };
        Entity::insert(documents::ActiveModel::from(row.clone()))
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
        to_document(row)
    }

    async fn get_once(
        &self,
        context: &AuditContext,
        id: DocumentId,
    ) -> Result<Option<Document>, DomainError> {
        let transaction = self.connection.begin().await.map_err(internal)?;
        let row = Entity::find_by_id(id.as_uuid())
            .filter(Column::DeletedAt.is_null())
            .one(&transaction)
            .await
            .map_err(internal)?;
        let Some(row) = row else { return Ok(None) };
        let now = database_now(&transaction).await?;
        audit::record(&transaction, context, now, [event(AuditAction::Read, &row)]).await?;
        transaction.commit().await.map_err(internal)?;
        to_document(row).map(Some)
    }

    async fn list_once(
        &self,
        context: &AuditContext,
        patient: PatientId,
        page: PageRequest,
    ) -> Result<Page<Document>, DomainError> {
        let transaction = self.connection.begin().await.map_err(internal)?;
        let mut query = Entity::find()
            .filter(Column::PatientId.eq(patient.as_uuid()))
            .filter(Column::DeletedAt.is_null())
            .order_by_asc(Column::Id);
        if let Some(after) = page.after {
            query = query.filter(Column::Id.gt(after));
        }
        let rows = query
            .limit(u64::from(page.limit) + 1)
            .all(&transaction)
            .await
            .map_err(internal)?;
        let page = Page::from_rows(rows, page, |row| row.id);
        let now = database_now(&transaction).await?;
        audit::record(
            &transaction,
            context,
            now,
            page.items.iter().map(|row| event(AuditAction::List, row)),
        )
        .await?;
        transaction.commit().await.map_err(internal)?;
        let items = page
            .items
            .into_iter()
            .map(to_document)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Page {
            items,
            next_after: page.next_after,
        })
    }

    /// Applies a conditional change to a live document at `expected`, audited as `action`.
    async fn change_once(
        &self,
        context: &AuditContext,
        id: DocumentId,
        expected: Version,
        changes: &DocumentChanges,
        delete: bool,
    ) -> Result<Model, DomainError> {
        let transaction = self.connection.begin().await.map_err(internal)?;
        let now = database_now(&transaction).await?;
        let mut update = Entity::update_many()
            .col_expr(Column::Version, Expr::value(expected.next().get()))
            .col_expr(Column::UpdatedAt, Expr::value(now));
        if let Some(title) = &changes.title {
            update = update.col_expr(Column::Title, Expr::value(title.as_str()));
        }
        if let Some(category) = changes.category {
            update = update.col_expr(Column::Category, Expr::value(category.as_str()));
        }
        if delete {
            update = update.col_expr(Column::DeletedAt, Expr::value(now));
        }
        let result = update
            .filter(Column::Id.eq(id.as_uuid()))
            .filter(Column::Version.eq(expected.get()))
            .filter(Column::DeletedAt.is_null())
            .exec(&transaction)
            .await
            .map_err(internal)?;
        let row = Entity::find_by_id(id.as_uuid())
            .one(&transaction)
            .await
            .map_err(internal)?
            .filter(|row| delete || row.deleted_at.is_none())
            .ok_or(DomainError::NotFound { resource: RESOURCE })?;
        if result.rows_affected == 0 {
            if row.deleted_at.is_some() {
                return Err(DomainError::NotFound { resource: RESOURCE });
            }
            return Err(stale(row.version));
        }
        let action = if delete {
            AuditAction::Delete
        } else {
            AuditAction::Update
        };
        audit::record(&transaction, context, now, [event(action, &row)]).await?;
        transaction.commit().await.map_err(internal)?;
        Ok(row)
    }
}

#[async_trait]
impl DocumentRepository for SqlDocumentRepository {
    async fn create(
        &self,
        context: &AuditContext,
        uploaded_by: UserId,
        document: NewDocument,
    ) -> Result<Document, DomainError> {
        retry_when_busy(|| self.create_once(context, uploaded_by, &document)).await
    }

    async fn get(
        &self,
        context: &AuditContext,
        id: DocumentId,
    ) -> Result<Option<Document>, DomainError> {
        retry_when_busy(|| self.get_once(context, id)).await
    }

    async fn list_for_patient(
        &self,
        context: &AuditContext,
        patient: PatientId,
        page: PageRequest,
    ) -> Result<Page<Document>, DomainError> {
        retry_when_busy(|| self.list_once(context, patient, page)).await
    }

    async fn update(
        &self,
        context: &AuditContext,
        id: DocumentId,
        expected: Version,
        changes: DocumentChanges,
    ) -> Result<Document, DomainError> {
        let row =
            retry_when_busy(|| self.change_once(context, id, expected, &changes, false)).await?;
        to_document(row)
    }

    async fn delete(
        &self,
        context: &AuditContext,
        id: DocumentId,
        expected: Version,
    ) -> Result<(), DomainError> {
        let changes = DocumentChanges::default();
        retry_when_busy(|| self.change_once(context, id, expected, &changes, true)).await?;
        Ok(())
    }
}

fn to_document(row: Model) -> Result<Document, DomainError> {
    let corrupt = |what: &str, why: String| {
        internal(anyhow::anyhow!(
            "document {} has an unreadable {what}: {why}",
            row.id
        ))
    };
    Ok(Document {
        id: DocumentId::from_uuid(row.id),
        patient_id: PatientId::from_uuid(row.patient_id),
        title: Title::parse(&row.title).map_err(|e| corrupt("title", e))?,
        category: Category::parse(&row.category).map_err(|e| corrupt("category", e))?,
        media_type: row.media_type,
        size: u64::try_from(row.size).map_err(|e| corrupt("size", e.to_string()))?,
        sha256: ContentHash::parse(&row.sha256).map_err(|e| corrupt("hash", e))?,
        uploaded_by: UserId::from_uuid(row.uploaded_by),
        uploaded_at: row.uploaded_at,
        version: Version::new(row.version)
            .ok_or_else(|| corrupt("version", row.version.to_string()))?,
        updated_at: row.updated_at,
    })
}
