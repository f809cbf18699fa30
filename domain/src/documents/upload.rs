use futures_util::{Stream, StreamExt};
use sha2::{Digest, Sha256};

use super::{ContentHash, FileStore, CHUNK_SIZE};
use crate::DomainError;

/// Content stored: its hash and size, and its first bytes for sniffing its type.
#[derive(Debug, Clone)]
pub struct StoredContent {
    pub hash: ContentHash,
    pub size: u64,
    pub head: Vec<u8>,
}

/// Why an upload stopped.
#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    #[error("the content is larger than the limit of {limit} bytes")]
    TooLarge { limit: u64 },
    #[error("the content does not match its declared digest")]
    DigestMismatch,
    #[error(transparent)]
    Failed(#[from] DomainError),
}

/// How many leading bytes are kept for content sniffing.
const HEAD_BYTES: usize = 512;

/// Streams `pieces` into `store`: hashed and cut into chunks as they arrive, never held
/// whole. Past `limit` bytes, or when the SHA-256 differs from `expected`, the upload is
/// aborted and nothing is kept. On success the caller owns one reference to the blob.
pub async fn store_stream<S, B>(
    store: &dyn FileStore,
    pieces: S,
    limit: u64,
    expected: Option<&ContentHash>,
) -> Result<StoredContent, UploadError>
where
    S: Stream<Item = Result<B, DomainError>>,
    B: AsRef<[u8]>,
{
    let upload = store.begin().await?;
    let outcome = write_all(store, upload, pieces, limit).await;
    let (hash, size, head) = match outcome {
        Ok(written) => written,
        Err(error) => {
            store.abort(upload).await?;
            return Err(error);
        }
    };
    if expected.is_some_and(|expected| *expected != hash) {
        store.abort(upload).await?;
        return Err(UploadError::DigestMismatch);
    }
    store.finish(upload, &hash, size).await?;
    Ok(StoredContent { hash, size, head })
}

async fn write_all<S, B>(
    store: &dyn FileStore,
    upload: super::UploadId,
    pieces: S,
    limit: u64,
) -> Result<(ContentHash, u64, Vec<u8>), UploadError>
where
    S: Stream<Item = Result<B, DomainError>>,
    B: AsRef<[u8]>,
{
    let mut pieces = std::pin::pin!(pieces);
    let mut hasher = Sha256::new();
    let mut pending: Vec<u8> = Vec::with_capacity(CHUNK_SIZE);
    let mut head = Vec::new();
    let mut size: u64 = 0;
    let mut index: u64 = 0;
    while let Some(piece) = pieces.next().await {
        let piece = piece?;
        let mut piece = piece.as_ref();
        size += piece.len() as u64;
        if size > limit {
            return Err(UploadError::TooLarge { limit });
        }
        hasher.update(piece);
        if head.len() < HEAD_BYTES {
            head.extend_from_slice(&piece[..piece.len().min(HEAD_BYTES - head.len())]);
        }
        while !piece.is_empty() {
            let room = CHUNK_SIZE - pending.len();
            let (now, later) = piece.split_at(room.min(piece.len()));
            pending.extend_from_slice(now);
            piece = later;
            if pending.len() == CHUNK_SIZE {
                let full = std::mem::replace(&mut pending, Vec::with_capacity(CHUNK_SIZE));
                store.put_chunk(upload, index, full).await?;
                index += 1;
            }
        }
    }
    if !pending.is_empty() {
        store.put_chunk(upload, index, pending).await?;
    }
    Ok((
        ContentHash::from_digest(hasher.finalize().into()),
        size,
        head,
    ))
}
