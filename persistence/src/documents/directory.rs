use std::io::SeekFrom;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use domain::documents::{ChunkStream, Collected, ContentHash, FileStore, UploadId, CHUNK_SIZE};
use domain::DomainError;
use futures_util::{stream, StreamExt};
use tokio::fs;
use tokio::io::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt};
use tokio::sync::Mutex;

use crate::error::{domain_result, StoreError, StoreResult};

/// [`FileStore`] in a local directory, for single-node installs: `uploads/{id}` while
/// an upload runs, then `blobs/{ab}/{sha256}` with a reference count beside it in
/// `{sha256}.refs`. Renames make a blob appear whole or not at all.
///
/// One node only: reference counts are kept consistent by a lock in this process.
pub struct DirectoryFileStore {
    root: PathBuf,
    references: Arc<Mutex<()>>,
}

impl DirectoryFileStore {
    pub async fn open(root: impl Into<PathBuf>) -> StoreResult<Self> {
        let root = root.into();
        private_dir(&root.join("uploads")).await?;
        private_dir(&root.join("blobs")).await?;
        Ok(Self {
            root,
            references: Arc::new(Mutex::new(())),
        })
    }

    fn upload_path(&self, upload: UploadId) -> PathBuf {
        self.root.join("uploads").join(upload.as_uuid().to_string())
    }

    fn blob_path(&self, hash: &ContentHash) -> PathBuf {
        self.root
            .join("blobs")
            .join(&hash.as_str()[..2])
            .join(hash.as_str())
    }

    fn refs_path(&self, hash: &ContentHash) -> PathBuf {
        self.blob_path(hash).with_extension("refs")
    }

    async fn references(&self, hash: &ContentHash) -> StoreResult<i64> {
        match fs::read_to_string(self.refs_path(hash)).await {
            Ok(text) => text.trim().parse().map_err(StoreError::from),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(0),
            Err(error) => Err(StoreError::from(error)),
        }
    }

    async fn set_references(&self, hash: &ContentHash, count: i64) -> StoreResult<()> {
        let path = self.refs_path(hash);
        let temporary = path.with_extension("refs.tmp");
        let mut file = private_file(&temporary).await?;
        file.write_all(count.to_string().as_bytes()).await?;
        // why: tokio hands writes to a blocking thread; flushing waits for them.
        file.flush().await?;
        fs::rename(&temporary, &path)
            .await
            .map_err(StoreError::from)
    }
}

async fn exists(path: &Path) -> StoreResult<bool> {
    fs::try_exists(path).await.map_err(StoreError::from)
}

#[async_trait]
impl FileStore for DirectoryFileStore {
    async fn begin(&self) -> Result<UploadId, DomainError> {
        domain_result(async move {
            let upload = UploadId::generate();
            private_file(&self.upload_path(upload)).await?;
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
            let mut file = fs::OpenOptions::new()
                .write(true)
                .open(self.upload_path(upload))
                .await?;
            file.seek(SeekFrom::Start(index * CHUNK_SIZE as u64))
                .await?;
            file.write_all(&bytes).await?;
            file.flush().await.map_err(StoreError::from)
        })
        .await
    }

    async fn finish(
        &self,
        upload: UploadId,
        hash: &ContentHash,
        _size: u64,
    ) -> Result<(), DomainError> {
        domain_result(async move {
            let upload_file = self.upload_path(upload);
            fs::File::open(&upload_file).await?.sync_all().await?;
            let _guard = self.references.lock().await;
            let blob = self.blob_path(hash);
            if exists(&blob).await? {
                fs::remove_file(&upload_file).await?;
            } else {
                if let Some(parent) = blob.parent() {
                    private_dir(parent).await?;
                }
                fs::rename(&upload_file, &blob).await?;
            }
            let count = self.references(hash).await?;
            self.set_references(hash, count + 1).await
        })
        .await
    }

    async fn abort(&self, upload: UploadId) -> Result<(), DomainError> {
        domain_result(async move {
            match fs::remove_file(self.upload_path(upload)).await {
                Err(error) if error.kind() != std::io::ErrorKind::NotFound => {
                    Err(StoreError::from(error))
                }
                _ => Ok(()),
            }
        })
        .await
    }

    async fn size(&self, hash: &ContentHash) -> Result<Option<u64>, DomainError> {
        domain_result(async move {
            match fs::metadata(self.blob_path(hash)).await {
                Ok(metadata) => Ok(Some(metadata.len())),
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(error) => Err(StoreError::from(error)),
            }
        })
        .await
    }

    async fn read(
        &self,
        hash: &ContentHash,
        range: Range<u64>,
    ) -> Result<ChunkStream, DomainError> {
        domain_result(async move {
            let mut file = match fs::File::open(self.blob_path(hash)).await {
                Ok(file) => file,
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                    return Err(DomainError::NotFound {
                        resource: "content",
                    }
                    .into());
                }
                Err(error) => return Err(StoreError::from(error)),
            };
            file.seek(SeekFrom::Start(range.start)).await?;
            let remaining = range.end.saturating_sub(range.start);
            let pieces =
                stream::try_unfold((file, remaining), |(mut file, remaining)| async move {
                    if remaining == 0 {
                        return Ok(None);
                    }
                    let want = remaining.min(CHUNK_SIZE as u64) as usize;
                    let mut buffer = vec![0_u8; want];
                    file.read_exact(&mut buffer)
                        .await
                        .map_err(StoreError::from)?;
                    Ok(Some((buffer, (file, remaining - want as u64))))
                });
            Ok(pieces.boxed())
        })
        .await
    }

    async fn release(&self, hash: &ContentHash) -> Result<(), DomainError> {
        domain_result(async move {
            let _guard = self.references.lock().await;
            let count = self.references(hash).await?;
            if count > 0 {
                self.set_references(hash, count - 1).await?;
            }
            Ok(())
        })
        .await
    }

    async fn collect(&self, grace: Duration) -> Result<Collected, DomainError> {
        domain_result(async move {
            let mut collected = Collected::default();
            let cutoff = SystemTime::now()
                .checked_sub(grace)
                .unwrap_or(SystemTime::UNIX_EPOCH);
            let mut uploads = fs::read_dir(self.root.join("uploads")).await?;
            while let Some(entry) = uploads.next_entry().await? {
                let modified = entry.metadata().await?.modified()?;
                if modified < cutoff {
                    fs::remove_file(entry.path()).await?;
                    collected.uploads += 1;
                }
            }
            let _guard = self.references.lock().await;
            let mut prefixes = fs::read_dir(self.root.join("blobs")).await?;
            while let Some(prefix) = prefixes.next_entry().await? {
                let mut blobs = fs::read_dir(prefix.path()).await?;
                while let Some(entry) = blobs.next_entry().await? {
                    let name = entry.file_name().to_string_lossy().into_owned();
                    let Ok(hash) = ContentHash::parse(&name) else {
                        continue;
                    };
                    if self.references(&hash).await? <= 0 {
                        fs::remove_file(entry.path()).await?;
                        let _ = fs::remove_file(self.refs_path(&hash)).await;
                        collected.blobs += 1;
                    }
                }
            }
            Ok(collected)
        })
        .await
    }
}

/// Patient files are the owner's alone: directories `0700`, files `0600`, whatever
/// the process's umask.
async fn private_dir(path: &Path) -> std::io::Result<()> {
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(path)
        .await
}

/// A new (or emptied) file only the owner may read or write.
async fn private_file(path: &Path) -> std::io::Result<fs::File> {
    fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
        .await
}
