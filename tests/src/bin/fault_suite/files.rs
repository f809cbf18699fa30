use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};

use crate::cluster::{answer, database_count, run_tag, Cluster, Tally};

/// Text of `len` bytes that differs with `seed`: documents must be text to pass the
/// content check of `text/plain`.
pub fn document_text(seed: u64, len: usize) -> Vec<u8> {
    let mut state = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
    (0..len)
        .map(|i| {
            if i % 80 == 79 {
                return b'\n';
            }
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            b'a' + u8::try_from((state >> 33) % 26).unwrap_or(0)
        })
        .collect()
}

/// Case 4: uploads while a node is killed: every acknowledged document downloads
/// byte-identical from every node, no document is partial, and no complete content is
/// left unreferenced after the collector runs.
pub async fn files(cluster: Cluster) -> Result<(), String> {
    use sha2::{Digest, Sha256};
    let admin = cluster.admin().await;
    let tag = run_tag();
    let (token, _) = cluster
        .user(
            &admin,
            &format!("files-{tag}"),
            &["clinician", "front_desk"],
        )
        .await;
    let patient = cluster
        .register_patient(&token, &format!("Files{tag}"))
        .await;
    let patient_id = patient["id"].as_str().unwrap().to_owned();
    let tally = Arc::new(Tally::default());
    let acknowledged = Arc::new(std::sync::Mutex::new(Vec::<(String, String)>::new()));
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut workers = Vec::new();
    for worker in 0..4u64 {
        let (cluster, token, tally, acknowledged, patient_id) = (
            cluster.clone(),
            token.clone(),
            tally.clone(),
            acknowledged.clone(),
            patient_id.clone(),
        );
        workers.push(tokio::spawn(async move {
            let mut round = 0u64;
            while Instant::now() < deadline {
                round += 1;
                let len = 64 * 1024 + usize::try_from((worker * 7919 + round * 104_729) % (2 * 1024 * 1024)).unwrap_or(0);
                let body = document_text(worker * 1_000_003 + round, len);
                let sha = hex::encode(Sha256::digest(&body));
                tally.count(&tally.sent);
                let (status, document, _) = answer(cluster
                    .http
                    .post(cluster.balanced(&format!(
                        "/api/v1/patients/{patient_id}/documents?title=fault-{worker}-{round}&category=lab"
                    )))
                    .bearer_auth(&token)
                    .header("content-type", "text/plain")
                    .body(body)).await;
                if status == StatusCode::CREATED {
                    tally.count(&tally.acknowledged);
                    if document["sha256"].as_str() != Some(sha.as_str()) {
                        eprintln!("an upload was acknowledged with another digest");
                        tally.count(&tally.errors);
                    }
                    acknowledged.lock().unwrap().push((document["id"].as_str().unwrap_or_default().to_owned(), sha));
                } else {
                    // An upload in flight on the killed node fails; the client may send it again.
                    tally.count(&tally.retried);
                }
            }
        }));
    }
    tokio::time::sleep(Duration::from_secs(3)).await;
    let victim = 3;
    cluster.signal(victim, "KILL");
    for worker in workers {
        worker.await.unwrap();
    }
    cluster.restart(victim);

    let acknowledged = acknowledged.lock().unwrap().clone();
    let mut mismatches = 0;
    for (id, sha) in &acknowledged {
        for node in 1..=cluster.nodes {
            let response = cluster
                .http
                .get(cluster.node(node, &format!("/api/v1/documents/{id}/content")))
                .bearer_auth(&token)
                .send()
                .await;
            let digest = match response {
                Ok(response) if response.status() == StatusCode::OK => {
                    hex::encode(Sha256::digest(response.bytes().await.unwrap_or_default()))
                }
                _ => String::new(),
            };
            if &digest != sha {
                mismatches += 1;
            }
        }
    }
    // Every stored document is whole: its content is complete and as long as it says.
    let partial = database_count(
        "SELECT count(*) FROM documents d WHERE d.deleted_at IS NULL AND NOT EXISTS \
         (SELECT 1 FROM blobs b WHERE b.sha256 = d.sha256 AND b.completed_at IS NOT NULL \
         AND b.size = d.size)",
    );
    let (status, _, _) = cluster
        .send(
            Method::POST,
            &cluster.balanced("/api/v1/admin/jobs/blob-collector/run"),
            &admin,
            None,
        )
        .await;
    tokio::time::sleep(Duration::from_secs(4)).await;
    let orphans = database_count(
        "SELECT count(*) FROM blobs WHERE completed_at IS NOT NULL AND ref_count = 0",
    );
    let abandoned = database_count(
        "SELECT count(*) FROM blob_chunks c JOIN blobs b ON b.id = c.blob_id WHERE b.completed_at IS NULL",
    );
    tally.print(
        "files",
        &format!(
            ", {} documents acknowledged, {mismatches} downloads differing, {partial} partial documents, \
             collector run asked ({status}), {orphans} unreferenced complete blobs after it, \
             {abandoned} chunks of abandoned uploads (collected after 24 h)",
            acknowledged.len()
        ),
    );
    if mismatches > 0 || partial != 0 || orphans != 0 || tally.errors.load(Ordering::Relaxed) > 0 {
        return Err("a document was lost, partial or left unreferenced".to_owned());
    }
    Ok(())
}
