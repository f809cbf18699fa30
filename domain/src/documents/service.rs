use std::ops::Range;
use std::sync::Arc;

use futures_util::{Stream, StreamExt};

use super::markup::MarkupCheck;
use super::media::{content_matches, essence, is_xml};
use super::{
    peek_head, store_stream, Category, ChunkStream, ContentHash, Document, DocumentChanges,
    DocumentId, DocumentRepository, FileName, FileStore, NewDocument, Title, UploadError,
};
use crate::audit::{AuditAction, AuditContext};
use crate::auth::{Permission, Principal};
use crate::locks::{LockGate, LockToken, LockedResource};
use crate::patients::PatientId;
use crate::{DomainError, Page, PageRequest, Version};

/// Limits on what may be uploaded.
#[derive(Debug, Clone)]
pub struct UploadPolicy {
    pub max_bytes: u64,
    pub allowed_media_types: Vec<String>,
}

/// Why an upload was refused, beyond the domain's usual errors.
#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    #[error("the media type {0} is not accepted")]
    UnsupportedMediaType(String),
    /// An XML document with markup that is not CDA's, named here.
    #[error("the document is not CDA alone: {0}")]
    ForeignMarkup(String),
    #[error(transparent)]
    Upload(#[from] UploadError),
    #[error(transparent)]
    Domain(#[from] DomainError),
}

/// What an upload says about itself.
#[derive(Debug, Clone)]
pub struct UploadRequest {
    pub patient_id: PatientId,
    pub title: Title,
    pub file_name: Option<FileName>,
    pub category: Category,
    pub declared_media_type: String,
    pub digest: Option<ContentHash>,
}

pub struct Documents {
    repository: Arc<dyn DocumentRepository>,
    store: Arc<dyn FileStore>,
    policy: UploadPolicy,
    locks: LockGate,
}

const NOT_FOUND: DomainError = DomainError::NotFound {
    resource: "document",
};

impl Documents {
    pub fn new(
        repository: Arc<dyn DocumentRepository>,
        store: Arc<dyn FileStore>,
        policy: UploadPolicy,
        locks: LockGate,
    ) -> Self {
        Self {
            repository,
            store,
            policy,
            locks,
        }
    }

    /// Streams the content into the store, then records the document. Refused before a
    /// byte is stored: a caller who may not upload, a type outside the allow-list, a
    /// patient who is unknown or archived, and content whose first bytes are not what
    /// its label says. What can only be refused after (its size, its digest, a patient
    /// archived meanwhile) is let go at once.
    pub async fn upload<S, B>(
        &self,
        caller: &Principal,
        context: &AuditContext,
        request: UploadRequest,
        content: S,
    ) -> Result<Document, DocumentError>
    where
        S: Stream<Item = Result<B, DomainError>>,
        B: AsRef<[u8]>,
    {
        caller.require(Permission::WriteDocuments)?;
        let media_type = essence(&request.declared_media_type);
        if !self.policy.allowed_media_types.contains(&media_type) {
            return Err(DocumentError::UnsupportedMediaType(media_type));
        }
        self.repository
            .patient_standing(request.patient_id)
            .await?
            .admits_records_under_it()?;
        let (head, content) = peek_head(content).await?;
        if !content_matches(&media_type, &head) {
            return Err(DocumentError::UnsupportedMediaType(media_type));
        }
        let markup = is_xml(&media_type).then(MarkupCheck::start);
        let content = content.inspect(|piece| {
            if let (Some(markup), Ok(piece)) = (&markup, piece) {
                markup.feed(piece.as_ref());
            }
        });
        let stored = store_stream(
            self.store.as_ref(),
            content,
            self.policy.max_bytes,
            request.digest.as_ref(),
        )
        .await?;
        if let Some(markup) = markup {
            if let Err(refused) = markup.finish().await {
                self.release_quietly(&stored.hash).await;
                return Err(DocumentError::ForeignMarkup(refused));
            }
        }
        let document = NewDocument {
            patient_id: request.patient_id,
            title: request.title,
            file_name: request.file_name,
            category: request.category,
            media_type,
            size: stored.size,
            sha256: stored.hash.clone(),
        };
        let uploaded_by = caller.user_id;
        let recorded = self
            .repository
            .create(context, document.patient_id, &|standing, now| {
                Document::record(document.clone(), uploaded_by, standing, now)
            })
            .await;
        if recorded.is_err() {
            self.release_quietly(&stored.hash).await;
        }
        Ok(recorded?)
    }

    /// Lets go of stored content nothing will refer to.
    ///
    /// why: the reason the upload was refused is what the caller needs, whatever the
    /// release does; the collector takes what a failed release leaves.
    async fn release_quietly(&self, hash: &ContentHash) {
        if let Err(error) = self.store.release(hash).await {
            tracing::warn!(error = %error, "releasing the content of a refused upload failed; the collector will take it");
        }
    }

    pub async fn get(
        &self,
        caller: &Principal,
        context: &AuditContext,
        id: DocumentId,
    ) -> Result<Document, DomainError> {
        caller.require(Permission::ReadDocuments)?;
        self.repository.get(context, id).await?.ok_or(NOT_FOUND)
    }

    pub async fn list(
        &self,
        caller: &Principal,
        context: &AuditContext,
        patient: PatientId,
        page: PageRequest,
    ) -> Result<Page<Document>, DomainError> {
        caller.require(Permission::ReadDocuments)?;
        self.repository
            .list_for_patient(context, patient, page)
            .await
    }

    pub async fn update(
        &self,
        caller: &Principal,
        context: &AuditContext,
        id: DocumentId,
        expected: Version,
        lock: Option<LockToken>,
        changes: DocumentChanges,
    ) -> Result<Document, DomainError> {
        caller.require(Permission::WriteDocuments)?;
        let fence = self
            .locks
            .admit(caller, LockedResource::Document(id), lock)
            .await?;
        self.repository
            .modify(context, id, AuditAction::Update, fence, &|document, _| {
                document.revise(expected, changes.clone())
            })
            .await
    }

    /// Soft-deletes: the record and content stay (the record is part of the chart).
    pub async fn delete(
        &self,
        caller: &Principal,
        context: &AuditContext,
        id: DocumentId,
        expected: Version,
        lock: Option<LockToken>,
    ) -> Result<(), DomainError> {
        caller.require(Permission::WriteDocuments)?;
        let fence = self
            .locks
            .admit(caller, LockedResource::Document(id), lock)
            .await?;
        self.repository
            .modify(context, id, AuditAction::Delete, fence, &|document, _| {
                document.delete(expected)
            })
            .await?;
        Ok(())
    }

    /// Bytes `range` of a document's content, a chunk at a time.
    pub async fn content(
        &self,
        document: &Document,
        range: Range<u64>,
    ) -> Result<ChunkStream, DomainError> {
        self.store.read(&document.sha256, range).await
    }
}
