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

/// How many leading bytes are kept for content sniffing: enough for an XML document's
/// prolog and root start tag, whose namespace declarations can run long.
const HEAD_BYTES: usize = 8 * 1024;

/// A piece of an upload's content: one read ahead to judge the content's type, or one
/// still to come.
pub enum Piece<B> {
    Peeked(Vec<u8>),
    Coming(B),
}

impl<B: AsRef<[u8]>> AsRef<[u8]> for Piece<B> {
    fn as_ref(&self) -> &[u8] {
        match self {
            Self::Peeked(bytes) => bytes,
            Self::Coming(piece) => piece.as_ref(),
        }
    }
}

/// Reads the first bytes of `pieces` (up to [`HEAD_BYTES`], or all there are), before
/// anything is stored: the content's type is judged by them. Returns them, and the
/// whole content again as a stream, the bytes read first included.
pub async fn peek_head<S, B>(
    pieces: S,
) -> Result<(Vec<u8>, impl Stream<Item = Result<Piece<B>, DomainError>>), DomainError>
where
    S: Stream<Item = Result<B, DomainError>>,
    B: AsRef<[u8]>,
{
    // why: `fuse`: a stream that ended inside the head is chained below, and some (a
    // multipart field) panic when polled again after their end.
    let mut pieces = Box::pin(pieces.fuse());
    let mut head = Vec::new();
    let mut peeked = Vec::new();
    while head.len() < HEAD_BYTES {
        let Some(piece) = pieces.next().await else {
            break;
        };
        let piece = piece?.as_ref().to_vec();
        head.extend_from_slice(&piece[..piece.len().min(HEAD_BYTES - head.len())]);
        peeked.push(Ok(Piece::Peeked(piece)));
    }
    let rest = pieces.map(|piece| piece.map(Piece::Coming));
    Ok((head, futures_util::stream::iter(peeked).chain(rest)))
}

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
            abort_quietly(store, upload).await;
            return Err(error);
        }
    };
    if expected.is_some_and(|expected| *expected != hash) {
        abort_quietly(store, upload).await;
        return Err(UploadError::DigestMismatch);
    }
    store.finish(upload, &hash, size).await?;
    Ok(StoredContent { hash, size, head })
}

/// Lets an unfinished upload go. A failure here is logged, never answered: the caller
/// needs the reason the upload failed, and the collector removes what is left.
async fn abort_quietly(store: &dyn FileStore, upload: super::UploadId) {
    if let Err(error) = store.abort(upload).await {
        tracing::warn!(error = %error, "aborting an unfinished upload failed; the collector will take it");
    }
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

#[cfg(test)]
mod tests {
    use std::ops::Range;
    use std::time::Duration;

    use async_trait::async_trait;
    use futures_util::stream;

    use super::*;
    use crate::documents::{ChunkStream, Collected, UploadId};

    /// A store that takes chunks but cannot abort: the clean-up of a failed upload fails.
    struct AbortFails;

    #[async_trait]
    impl FileStore for AbortFails {
        async fn begin(&self) -> Result<UploadId, DomainError> {
            Ok(UploadId::generate())
        }
        async fn put_chunk(&self, _: UploadId, _: u64, _: Vec<u8>) -> Result<(), DomainError> {
            Ok(())
        }
        async fn finish(&self, _: UploadId, _: &ContentHash, _: u64) -> Result<(), DomainError> {
            Ok(())
        }
        async fn abort(&self, _: UploadId) -> Result<(), DomainError> {
            Err(DomainError::internal(anyhow::anyhow!("the store is gone")))
        }
        async fn size(&self, _: &ContentHash) -> Result<Option<u64>, DomainError> {
            Ok(None)
        }
        async fn read(&self, _: &ContentHash, _: Range<u64>) -> Result<ChunkStream, DomainError> {
            Err(DomainError::NotFound {
                resource: "content",
            })
        }
        async fn release(&self, _: &ContentHash) -> Result<(), DomainError> {
            Ok(())
        }
        async fn collect(&self, _: Duration) -> Result<Collected, DomainError> {
            Ok(Collected::default())
        }
    }

    /// A stream of `pieces` that panics when polled after its end, as a multipart
    /// field does.
    fn ending_once(pieces: Vec<Vec<u8>>) -> impl Stream<Item = Result<Vec<u8>, DomainError>> {
        let mut pieces = pieces.into_iter();
        let mut ended = false;
        stream::poll_fn(move |_| {
            assert!(!ended, "polled after its end");
            let next = pieces.next();
            ended = next.is_none();
            std::task::Poll::Ready(next.map(Ok))
        })
    }

    #[tokio::test]
    async fn a_head_shorter_than_the_sniffing_window_never_polls_an_ended_stream() {
        for size in [0, 1, 100, HEAD_BYTES - 1, HEAD_BYTES, HEAD_BYTES + 1] {
            let content: Vec<u8> = (0..size).map(|i| (i % 251) as u8).collect();
            let pieces = content.chunks(3000).map(<[u8]>::to_vec).collect();
            let (head, whole) = peek_head(ending_once(pieces)).await.unwrap();
            assert_eq!(head, content[..size.min(HEAD_BYTES)], "{size} bytes");
            let again: Vec<u8> = whole
                .map(|piece| piece.unwrap().as_ref().to_vec())
                .concat()
                .await;
            assert_eq!(again, content, "{size} bytes");
        }
    }

    #[tokio::test]
    async fn a_failed_clean_up_never_replaces_the_reason_an_upload_failed() {
        let pieces = stream::iter([Ok::<_, DomainError>(vec![0_u8; 10])]);
        let too_large = store_stream(&AbortFails, pieces, 5, None).await;
        assert!(matches!(too_large, Err(UploadError::TooLarge { limit: 5 })));

        let pieces = stream::iter([Ok::<_, DomainError>(b"abc".to_vec())]);
        let other = ContentHash::of(b"xyz");
        let mismatch = store_stream(&AbortFails, pieces, 100, Some(&other)).await;
        assert!(matches!(mismatch, Err(UploadError::DigestMismatch)));
    }
}
