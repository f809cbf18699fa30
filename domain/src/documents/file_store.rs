use std::ops::Range;
use std::time::Duration;

use async_trait::async_trait;
use futures_util::stream::BoxStream;

use super::ContentHash;
use crate::DomainError;

/// The size of a stored chunk: no request holds much more than this of a file.
pub const CHUNK_SIZE: usize = 256 * 1024;

/// Bytes of a blob, a chunk at a time.
pub type ChunkStream = BoxStream<'static, Result<Vec<u8>, DomainError>>;

crate::id_type!(
    /// An upload in progress: a blob not yet complete, invisible to readers.
    UploadId
);

/// What a collection removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Collected {
    pub blobs: u64,
    pub uploads: u64,
}

/// Where file content lives, in chunks of [`CHUNK_SIZE`], named by its SHA-256.
///
/// Contract for every backend:
/// - an upload's chunks are invisible until `finish`; one never finished (a dropped
///   connection, a crashed node) is removed by `collect` once older than its grace;
/// - `finish` takes one reference to the blob `hash`; if the store already holds it,
///   the upload is dropped and the existing blob referenced: identical content is kept
///   once, even when identical uploads finish at the same moment;
/// - `read` yields the bytes of a complete blob in `range`, a chunk or less at a time,
///   and costs the same wherever the range lies;
/// - `collect` removes blobs with no reference left and uploads begun before the grace.
#[async_trait]
pub trait FileStore: Send + Sync {
    async fn begin(&self) -> Result<UploadId, DomainError>;

    /// Stores chunk `index` (from 0) of an upload: [`CHUNK_SIZE`] bytes, except the last.
    async fn put_chunk(
        &self,
        upload: UploadId,
        index: u64,
        bytes: Vec<u8>,
    ) -> Result<(), DomainError>;

    async fn finish(
        &self,
        upload: UploadId,
        hash: &ContentHash,
        size: u64,
    ) -> Result<(), DomainError>;

    /// Drops an upload and its chunks now.
    async fn abort(&self, upload: UploadId) -> Result<(), DomainError>;

    /// The size of the complete blob `hash`, if the store holds it.
    async fn size(&self, hash: &ContentHash) -> Result<Option<u64>, DomainError>;

    /// Bytes `range` of the complete blob `hash`; `range` must lie within its size.
    async fn read(&self, hash: &ContentHash, range: Range<u64>)
        -> Result<ChunkStream, DomainError>;

    /// Drops one reference to `hash`.
    async fn release(&self, hash: &ContentHash) -> Result<(), DomainError>;

    async fn collect(&self, grace: Duration) -> Result<Collected, DomainError>;
}

/// The conformance suite every [`FileStore`] backend passes.
#[cfg(feature = "conformance")]
#[allow(clippy::unwrap_used, clippy::expect_used)]
pub mod conformance {
    use futures_util::{stream, StreamExt};

    use super::*;
    use crate::documents::store_stream;

    fn content(size: usize, seed: u8) -> Vec<u8> {
        (0..size)
            .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
            .collect()
    }

    async fn put(store: &dyn FileStore, bytes: &[u8]) -> ContentHash {
        // Pieces of an awkward size, as a network delivers them.
        let pieces: Vec<Result<Vec<u8>, DomainError>> =
            bytes.chunks(70_001).map(|c| Ok(c.to_vec())).collect();
        let stored = store_stream(store, stream::iter(pieces), u64::MAX, None)
            .await
            .unwrap();
        assert_eq!(stored.size, bytes.len() as u64);
        assert_eq!(stored.hash, ContentHash::of(bytes));
        stored.hash
    }

    async fn get(store: &dyn FileStore, hash: &ContentHash, range: Range<u64>) -> Vec<u8> {
        let mut chunks = store.read(hash, range).await.unwrap();
        let mut out = Vec::new();
        while let Some(chunk) = chunks.next().await {
            let chunk = chunk.unwrap();
            assert!(chunk.len() <= CHUNK_SIZE, "no piece larger than a chunk");
            out.extend(chunk);
        }
        out
    }

    pub async fn content_round_trips_byte_for_byte(store: &dyn FileStore) {
        for (size, seed) in [
            (0, 1),
            (1, 2),
            (CHUNK_SIZE, 3),
            (CHUNK_SIZE + 1, 4),
            (3 * CHUNK_SIZE + 17, 5),
            // Past what a backend may fetch in one query.
            (9 * CHUNK_SIZE + 5, 6),
        ] {
            let bytes = content(size, seed);
            let hash = put(store, &bytes).await;
            assert_eq!(
                store.size(&hash).await.unwrap(),
                Some(size as u64),
                "size {size}"
            );
            assert_eq!(
                get(store, &hash, 0..size as u64).await,
                bytes,
                "size {size}"
            );
        }
    }

    pub async fn ranges_read_exactly_their_bytes(store: &dyn FileStore) {
        let bytes = content(9 * CHUNK_SIZE + 100, 9);
        let hash = put(store, &bytes).await;
        let len = bytes.len() as u64;
        for range in [
            0..1,
            // Across the chunks one query fetches and the next.
            3 * CHUNK_SIZE as u64 + 7..5 * CHUNK_SIZE as u64 - 7,
            len - 1..len,
            CHUNK_SIZE as u64 - 5..CHUNK_SIZE as u64 + 5,
            10..len - 10,
            len - 100..len,
        ] {
            let expected = bytes[range.start as usize..range.end as usize].to_vec();
            assert_eq!(
                get(store, &hash, range.clone()).await,
                expected,
                "{range:?}"
            );
        }
    }

    pub async fn identical_content_is_kept_once_and_released_by_reference(store: &dyn FileStore) {
        let bytes = content(CHUNK_SIZE + 3, 42);
        let (first, second) = tokio::join!(put(store, &bytes), put(store, &bytes));
        assert_eq!(first, second);
        store.release(&first).await.unwrap();
        store.collect(Duration::from_secs(3600)).await.unwrap();
        assert_eq!(
            get(store, &first, 0..bytes.len() as u64).await,
            bytes,
            "one reference remains"
        );
        store.release(&first).await.unwrap();
        let collected = store.collect(Duration::from_secs(3600)).await.unwrap();
        assert!(collected.blobs >= 1);
        assert_eq!(
            store.size(&first).await.unwrap(),
            None,
            "no reference, no blob"
        );
    }

    pub async fn an_oversized_or_mismatched_upload_leaves_nothing(store: &dyn FileStore) {
        use crate::documents::UploadError;
        let bytes = content(CHUNK_SIZE * 2, 99);
        let pieces = || {
            stream::iter(
                bytes
                    .chunks(50_000)
                    .map(|c| Ok::<_, DomainError>(c.to_vec()))
                    .collect::<Vec<_>>(),
            )
        };
        let too_large = store_stream(store, pieces(), CHUNK_SIZE as u64, None).await;
        assert!(matches!(too_large, Err(UploadError::TooLarge { .. })));
        let wrong = ContentHash::of(b"something else");
        let mismatch = store_stream(store, pieces(), u64::MAX, Some(&wrong)).await;
        assert!(matches!(mismatch, Err(UploadError::DigestMismatch)));
        assert_eq!(store.size(&ContentHash::of(&bytes)).await.unwrap(), None);
        assert_eq!(
            store.collect(Duration::ZERO).await.unwrap().uploads,
            0,
            "both were aborted at once"
        );
    }

    pub async fn unfinished_uploads_are_invisible_and_collected(store: &dyn FileStore) {
        let bytes = content(CHUNK_SIZE + 10, 77);
        let upload = store.begin().await.unwrap();
        store
            .put_chunk(upload, 0, bytes[..CHUNK_SIZE].to_vec())
            .await
            .unwrap();
        assert_eq!(store.size(&ContentHash::of(&bytes)).await.unwrap(), None);
        let young = store.collect(Duration::from_secs(3600)).await.unwrap();
        assert_eq!(young.uploads, 0, "an upload within its grace is left alone");
        tokio::time::sleep(Duration::from_millis(50)).await;
        let collected = store.collect(Duration::from_millis(10)).await.unwrap();
        assert!(collected.uploads >= 1);

        let aborted = store.begin().await.unwrap();
        store
            .put_chunk(aborted, 0, bytes[..CHUNK_SIZE].to_vec())
            .await
            .unwrap();
        store.abort(aborted).await.unwrap();
        assert_eq!(
            store.collect(Duration::ZERO).await.unwrap().uploads,
            0,
            "aborting removed it"
        );
    }
}
