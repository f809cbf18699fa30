//! Documents in the database: content is chunked, checksummed and content-addressed in
//! a [`FileStore`], one authoritative copy that any node can serve.

mod collector;
mod content;
mod file_store;
mod upload;

pub use collector::collect_garbage;
pub use content::ContentHash;
#[cfg(feature = "conformance")]
pub use file_store::conformance;
pub use file_store::{ChunkStream, Collected, FileStore, UploadId, CHUNK_SIZE};
pub use upload::{store_stream, StoredContent, UploadError};
