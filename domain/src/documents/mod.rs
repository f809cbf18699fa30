//! Documents in the database: content is chunked, checksummed and content-addressed in
//! a [`FileStore`], one authoritative copy that any node can serve.

mod collector;
mod content;
mod document;
mod file_name;
mod file_store;
mod markup;
pub mod media;
mod repository;
mod service;
mod upload;

pub use collector::collect_garbage;
pub use content::ContentHash;
pub use document::{Category, Document, DocumentChanges, DocumentId, NewDocument, Title};
pub use file_name::FileName;
#[cfg(feature = "conformance")]
pub use file_store::conformance;
pub use file_store::{ChunkStream, Collected, FileStore, UploadId, CHUNK_SIZE};
pub use repository::DocumentRepository;
pub use service::{DocumentError, Documents, UploadPolicy, UploadRequest};
pub use upload::{peek_head, store_stream, Piece, StoredContent, UploadError};
