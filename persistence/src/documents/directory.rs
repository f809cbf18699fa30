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

use crate::error::internal;

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
    pub async fn open(root: impl Into<PathBuf>) -> Result<Self, DomainError> {
        let root = root.into();
        fs::create_dir_all(root.join("uploads"))
            .await
            .map_err(internal)?;
        fs::create_dir_all(root.join("blobs"))
            .await
            .map_err(internal)?;
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

    async fn references(&self, hash: &ContentHash) -> Result<i64, DomainError> {
        match fs::read_to_string(self.refs_path(hash)).await {
            Ok(text) => text.trim().parse().map_err(internal),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(0),
            Err(error) => Err(internal(error)),
        }
    }

    async fn set_references(&self, hash: &ContentHash, count: i64) -> Result<(), DomainError> {
        let path = self.refs_path(hash);
        let temporary = path.with_extension("refs.tmp");
        fs::write(&temporary, count.to_string())
            .await
            .map_err(internal)?;
        fs::rename(&temporary, &path).await.map_err(internal)
    }
}

async fn exists(path: &Path) -> Result<bool, DomainError> {
    fs::try_exists(path).await.map_err(internal)
}

#[async_trait]
impl FileStore for DirectoryFileStore {
    async fn begin(&self) -> Result<UploadId, DomainError> {
        let upload = UploadId::generate();
        fs::File::create(self.upload_path(upload))
            .await
            .map_err(internal)?;
        Ok(upload)
    }

    async fn put_chunk(
        &self,
        upload: UploadId,
        index: u64,
        bytes: Vec<u8>,
    ) -> Result<(), DomainError> {
        let mut file = fs::OpenOptions::new()
            .write(true)
            .open(self.upload_path(upload))
            .await
            .map_err(internal)?;
        file.seek(SeekFrom::Start(index * CHUNK_SIZE as u64))
            .await
            .map_err(internal)?;
        file.write_all(&bytes).await.map_err(internal)?;
        file.flush().await.map_err(internal)
    }

    async fn finish(
        &self,
        upload: UploadId,
        hash: &ContentHash,
        _size: u64,
    ) -> Result<(), DomainError> {
        let upload_file = self.upload_path(upload);
        fs::File::open(&upload_file)
            .await
            .map_err(internal)?
            .sync_all()
            .await
            .map_err(internal)?;
        let _guard = self.references.lock().await;
        let blob = self.blob_path(hash);
        if exists(&blob).await? {
            fs::remove_file(&upload_file).await.map_err(internal)?;
        } else {
            if let Some(parent) = blob.parent() {
                fs::create_dir_all(parent).await.map_err(internal)?;
            }
            fs::rename(&upload_file, &blob).await.map_err(internal)?;
        }
        let count = self.references(hash).await?;
        self.set_references(hash, count + 1).await
    }

    async fn abort(&self, upload: UploadId) -> Result<(), DomainError> {
        match fs::remove_file(self.upload_path(upload)).await {
            Err(error) if error.kind() != std::io::ErrorKind::NotFound => Err(internal(error)),
            _ => Ok(()),
        }
    }

    async fn size(&self, hash: &ContentHash) -> Result<Option<u64>, DomainError> {
        match fs::metadata(self.blob_path(hash)).await {
            Ok(metadata) => Ok(Some(metadata.len())),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(error) => Err(internal(error)),
        }
    }

    async fn read(
        &self,
        hash: &ContentHash,
        range: Range<u64>,
    ) -> Result<ChunkStream, DomainError> {
        let mut file = match fs::File::open(self.blob_path(hash)).await {
            Ok(file) => file,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                return Err(DomainError::NotFound {
                    resource: "content",
                });
            }
            Err(error) => return Err(internal(error)),
        };
        file.seek(SeekFrom::Start(range.start))
            .await
            .map_err(internal)?;
        let remaining = range.end.saturating_sub(range.start);
        let pieces = stream::try_unfold((file, remaining), |(mut file, remaining)| async move {
            if remaining == 0 {
                return Ok(None);
            }
            let want = remaining.min(CHUNK_SIZE as u64) as usize;
            let mut buffer = vec![0_u8; want];
            file.read_exact(&mut buffer).await.map_err(internal)?;
            Ok(Some((buffer, (file, remaining - want as u64))))
        });
        Ok(pieces.boxed())
    }

    async fn release(&self, hash: &ContentHash) -> Result<(), DomainError> {
        let _guard = self.references.lock().await;
        let count = self.references(hash).await?;
        if count > 0 {
            self.set_references(hash, count - 1).await?;
        }
        Ok(())
    }

    async fn collect(&self, grace: Duration) -> Result<Collected, DomainError> {
        let mut collected = Collected::default();
        let cutoff = SystemTime::now()
            .checked_sub(grace)
            .unwrap_or(SystemTime::UNIX_EPOCH);
        let mut uploads = fs::read_dir(self.root.join("uploads"))
            .await
            .map_err(internal)?;
        while let Some(entry) = uploads.next_entry().await.map_err(internal)? {
            let modified = entry
                .metadata()
                .await
                .map_err(internal)?
                .modified()
                .map_err(internal)?;
            if modified < cutoff {
                fs::remove_file(entry.path()).await.map_err(internal)?;
                collected.uploads += 1;
            }
        }
        let _guard = self.references.lock().await;
        let mut prefixes = fs::read_dir(self.root.join("blobs"))
            .await
            .map_err(internal)?;
        while let Some(prefix) = prefixes.next_entry().await.map_err(internal)? {
            let mut blobs = fs::read_dir(prefix.path()).await.map_err(internal)?;
            while let Some(entry) = blobs.next_entry().await.map_err(internal)? {
                let name = entry.file_name().to_string_lossy().into_owned();
                let Ok(hash) = ContentHash::parse(&name) else {
                    continue;
                };
                if self.references(&hash).await? <= 0 {
                    fs::remove_file(entry.path()).await.map_err(internal)?;
                    let _ = fs::remove_file(self.refs_path(&hash)).await;
                    collected.blobs += 1;
                }
            }
        }
        Ok(collected)
    }
}
