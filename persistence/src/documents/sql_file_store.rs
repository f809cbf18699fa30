use std::ops::Range;
use std::time::Duration;

use async_trait::async_trait;
use domain::documents::{ChunkStream, Collected, ContentHash, FileStore, UploadId, CHUNK_SIZE};
use domain::DomainError;
use futures_util::{stream, StreamExt, TryStreamExt};
use sea_orm::sea_query::Expr;

use crate::connection::Connection;
use sea_orm::{
    ActiveValue, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, SqlErr,
};
use uuid::Uuid;

use super::entities::{blobs, chunks};
use crate::clock::{database_now, span};
use crate::error::{domain_result, StoreError, StoreResult};
use crate::request_limits;
use crate::unit_of_work::retry_when_busy;

/// [`FileStore`] on the SQL database: a `blobs` row per upload and a `blob_chunks` row
/// per chunk. Every statement is short and stands alone, so a slow upload never holds a
/// write transaction open (SQLite has one writer).
pub struct SqlFileStore {
    connection: Connection,
}

impl SqlFileStore {
    pub fn new(connection: Connection) -> Self {
        Self { connection }
    }

    async fn complete_blob(&self, hash: &ContentHash) -> StoreResult<Option<blobs::Model>> {
        blobs::Entity::find()
            .filter(blobs::Column::Sha256.eq(hash.as_str()))
            .one(&self.connection)
            .await
            .map_err(StoreError::from)
    }

    /// Takes a reference to the complete blob `hash`; `false` when there is none.
    async fn reference_existing(&self, hash: &ContentHash) -> StoreResult<bool> {
        let result = blobs::Entity::update_many()
            .col_expr(
                blobs::Column::RefCount,
                Expr::col(blobs::Column::RefCount).add(1),
            )
            .filter(blobs::Column::Sha256.eq(hash.as_str()))
            .exec(&self.connection)
            .await?;
        Ok(result.rows_affected > 0)
    }
}

#[async_trait]
impl FileStore for SqlFileStore {
    async fn begin(&self) -> Result<UploadId, DomainError> {
        domain_result(async move {
            let upload = UploadId::generate();
            let now = database_now(&self.connection).await?;
            let row = blobs::ActiveModel {
                id: ActiveValue::Set(upload.as_uuid()),
                sha256: ActiveValue::Set(None),
                size: ActiveValue::Set(None),
                ref_count: ActiveValue::Set(0),
                created_at: ActiveValue::Set(now),
                completed_at: ActiveValue::Set(None),
            };
            retry_when_busy(|| async {
                blobs::Entity::insert(row.clone())
                    .exec_without_returning(&self.connection)
                    .await
                    .map_err(StoreError::from)
            })
            .await?;
            Ok(upload)
        })
        .await
    }

    async fn put_chunk(
        &self,
        upload: UploadId,
        index: u64,
        bytes: Vec<u8>,
    ) -> Result<(), DomainError> {
        domain_result(async move {
            let row = chunks::ActiveModel {
                blob_id: ActiveValue::Set(upload.as_uuid()),
                chunk_index: ActiveValue::Set(i64::try_from(index)?),
                bytes: ActiveValue::Set(bytes),
            };
            retry_when_busy(|| async {
                chunks::Entity::insert(row.clone())
                    .exec_without_returning(&self.connection)
                    .await
                    .map_err(StoreError::from)
            })
            .await?;
            Ok(())
        })
        .await
    }

    async fn finish(
        &self,
        upload: UploadId,
        hash: &ContentHash,
        size: u64,
    ) -> Result<(), DomainError> {
        domain_result(async move {
            let size = i64::try_from(size)?;
            // why: a few rounds at most. Either the content is already stored (reference it,
            // drop the upload) or this upload becomes the blob; an identical upload that
            // finishes at the same moment loses the unique key and references the winner.
            for _ in 0..3 {
                if retry_when_busy(|| self.reference_existing(hash)).await? {
                    return Ok(self.abort(upload).await?);
                }
                let now = database_now(&self.connection).await?;
                let claimed = retry_when_busy(|| async {
                    let result = blobs::Entity::update_many()
                        .col_expr(blobs::Column::Sha256, Expr::value(hash.as_str()))
                        .col_expr(blobs::Column::Size, Expr::value(size))
                        .col_expr(blobs::Column::RefCount, Expr::value(1))
                        .col_expr(blobs::Column::CompletedAt, Expr::value(now))
                        .filter(blobs::Column::Id.eq(upload.as_uuid()))
                        .filter(blobs::Column::Sha256.is_null())
                        .exec(&self.connection)
                        .await;
                    match result {
                        Ok(result) => Ok(Some(result.rows_affected)),
                        Err(error)
                            if matches!(
                                error.sql_err(),
                                Some(SqlErr::UniqueConstraintViolation(_))
                            ) =>
                        {
                            Ok(None)
                        }
                        Err(error) => Err(StoreError::from(error)),
                    }
                })
                .await?;
                match claimed {
                    Some(1) => return Ok(()),
                    Some(_) => {
                        return Err(StoreError::internal(format!(
                            "upload {} is unknown or finished",
                            upload.as_uuid()
                        )));
                    }
                    // Another upload of the same content became the blob first.
                    None => continue,
                }
            }
            Err(StoreError::internal(format!(
                "could not settle blob {hash}"
            )))
        })
        .await
    }

    async fn abort(&self, upload: UploadId) -> Result<(), DomainError> {
        domain_result(async move {
            retry_when_busy(|| async {
                blobs::Entity::delete_many()
                    .filter(blobs::Column::Id.eq(upload.as_uuid()))
                    .filter(blobs::Column::Sha256.is_null())
                    .exec(&self.connection)
                    .await
                    .map_err(StoreError::from)
            })
            .await?;
            Ok(())
        })
        .await
    }

    async fn size(&self, hash: &ContentHash) -> Result<Option<u64>, DomainError> {
        domain_result(async move {
            Ok(self
                .complete_blob(hash)
                .await?
                .and_then(|blob| blob.size)
                .and_then(|size| u64::try_from(size).ok()))
        })
        .await
    }

    async fn read(
        &self,
        hash: &ContentHash,
        range: Range<u64>,
    ) -> Result<ChunkStream, DomainError> {
        domain_result(async move {
            let blob = self
                .complete_blob(hash)
                .await?
                .ok_or(DomainError::NotFound {
                    resource: "content",
                })?;
            let chunk = CHUNK_SIZE as u64;
            let first = range.start / chunk;
            let last = if range.end == range.start {
                first
            } else {
                (range.end - 1) / chunk
            };
            let connection = self.connection.clone();
            let blob_id: Uuid = blob.id;
            let batches = stream::iter((first..=last).step_by(CHUNKS_PER_QUERY as usize))
                .take_while(move |_| std::future::ready(range.end > range.start))
                .map(move |from| {
                    let batch = from..=(from + CHUNKS_PER_QUERY - 1).min(last);
                    // why: a task of its own runs each query to its end, within the
                    // limits of the request that asked, and gives its connection back:
                    // a client slow to take the chunks never holds one.
                    let read = request_limits::carried_over(read_chunks(
                        connection.clone(),
                        blob_id,
                        batch,
                    ));
                    let task = tokio::spawn(read);
                    async move {
                        task.await
                            .map_err(|error| DomainError::internal(anyhow::Error::new(error)))?
                    }
                })
                // why: PostgreSQL reads a chunk out of its TOAST pages at a few hundred
                // MiB/s per backend; two queries at once, on two connections, keep a
                // second core at it.
                .buffered(QUERIES_AT_ONCE);
            let pieces = batches
                .map_ok(|batch| stream::iter(batch.into_iter().map(Ok::<_, DomainError>)))
                .try_flatten()
                .map_ok(move |(index, bytes)| cut_to(range.clone(), index * chunk, bytes));
            Ok(pieces.boxed())
        })
        .await
    }

    async fn release(&self, hash: &ContentHash) -> Result<(), DomainError> {
        domain_result(async move {
            retry_when_busy(|| async {
                blobs::Entity::update_many()
                    .col_expr(
                        blobs::Column::RefCount,
                        Expr::col(blobs::Column::RefCount).sub(1),
                    )
                    .filter(blobs::Column::Sha256.eq(hash.as_str()))
                    .filter(blobs::Column::RefCount.gt(0))
                    .exec(&self.connection)
                    .await
                    .map_err(StoreError::from)
            })
            .await?;
            Ok(())
        })
        .await
    }

    async fn collect(&self, grace: Duration) -> Result<Collected, DomainError> {
        domain_result(async move {
            let now = database_now(&self.connection).await?;
            let cutoff = now - span(grace)?;
            // Chunks go with their blob (ON DELETE CASCADE).
            let blobs = retry_when_busy(|| async {
                blobs::Entity::delete_many()
                    .filter(blobs::Column::Sha256.is_not_null())
                    .filter(blobs::Column::RefCount.lte(0))
                    .exec(&self.connection)
                    .await
                    .map_err(StoreError::from)
            })
            .await?;
            let uploads = retry_when_busy(|| async {
                blobs::Entity::delete_many()
                    .filter(blobs::Column::Sha256.is_null())
                    .filter(blobs::Column::CreatedAt.lt(cutoff))
                    .exec(&self.connection)
                    .await
                    .map_err(StoreError::from)
            })
            .await?;
            Ok(Collected {
                blobs: blobs.rows_affected,
                uploads: uploads.rows_affected,
            })
        })
        .await
    }
}

/// Chunks fetched by one query while downloading: a few round trips for a large file
/// rather than one a chunk, and still a bounded piece of memory.
const CHUNKS_PER_QUERY: u64 = 4;

/// Queries of one download in flight at once.
const QUERIES_AT_ONCE: usize = 2;

/// Chunks `indexes` of `blob`, in order, each with its index.
async fn read_chunks(
    connection: Connection,
    blob: Uuid,
    indexes: std::ops::RangeInclusive<u64>,
) -> Result<Vec<(u64, Vec<u8>)>, DomainError> {
    let (first, last) = (*indexes.start(), *indexes.end());
    let rows: Vec<(i64, Vec<u8>)> = chunks::Entity::find()
        .select_only()
        .column(chunks::Column::ChunkIndex)
        .column(chunks::Column::Bytes)
        .filter(chunks::Column::BlobId.eq(blob))
        .filter(chunks::Column::ChunkIndex.between(
            i64::try_from(first).map_err(StoreError::from)?,
            i64::try_from(last).map_err(StoreError::from)?,
        ))
        .order_by_asc(chunks::Column::ChunkIndex)
        .into_tuple()
        .all(&connection)
        .await
        .map_err(StoreError::from)?;
    if rows.len() as u64 != last - first + 1 {
        return Err(StoreError::internal(format!(
            "chunks {first} to {last} of blob {blob}: {} found",
            rows.len()
        ))
        .into());
    }
    rows.into_iter()
        .map(|(index, bytes)| Ok((u64::try_from(index).map_err(StoreError::from)?, bytes)))
        .collect()
}

/// The part of a chunk starting at byte `offset` of the blob that lies in `range`;
/// a chunk wholly inside is passed on as it is, uncopied.
fn cut_to(range: Range<u64>, offset: u64, mut bytes: Vec<u8>) -> Vec<u8> {
    let length = bytes.len() as u64;
    let to = range.end.saturating_sub(offset).min(length) as usize;
    let from = range.start.saturating_sub(offset).min(length) as usize;
    bytes.truncate(to);
    if from > 0 {
        bytes.drain(..from);
    }
    bytes
}
