use std::time::Duration;

use super::{Collected, FileStore};
use crate::DomainError;

/// How long an unfinished upload may sit before it counts as abandoned: longer than
/// any upload takes, so a slow one in progress is never collected under its feet.
pub const UPLOAD_GRACE: Duration = Duration::from_secs(24 * 3600);

/// Removes what no document needs: blobs without references, and uploads abandoned
/// longer than `UPLOAD_GRACE`. Safe to run on any node at any time; the cluster
/// scheduler will run it on one.
pub async fn collect_garbage(store: &dyn FileStore) -> Result<Collected, DomainError> {
    let collected = store.collect(UPLOAD_GRACE).await?;
    if collected != Collected::default() {
        tracing::info!(
            blobs = collected.blobs,
            uploads = collected.uploads,
            "collected unused file content"
        );
    }
    Ok(collected)
}
