use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Instant;

use reqwest::{Method, StatusCode};

use crate::cluster::{run_tag, Cluster, Tally};

/// Case 11: Each node in turn gets SIGTERM and starts again while traffic runs: no request
/// fails through nginx.
pub async fn rolling_restart(cluster: Cluster) -> Result<(), String> {
    let admin = cluster.admin().await;
    let tag = run_tag();
    let (token, _) = cluster
        .user(&admin, &format!("roll-{tag}"), &["clinician"])
        .await;
    let patient = cluster
        .register_patient(&token, &format!("Roll{tag}"))
        .await;
    let path = format!("/api/v1/patients/{}", patient["id"].as_str().unwrap());
    let tally = Arc::new(Tally::default());
    let running = Arc::new(std::sync::atomic::AtomicBool::new(true));
    let mut workers = Vec::new();
    for _ in 0..6 {
        let (cluster, token, tally, running, path) = (
            cluster.clone(),
            token.clone(),
            tally.clone(),
            running.clone(),
            path.clone(),
        );
        workers.push(tokio::spawn(async move {
            while running.load(Ordering::Relaxed) {
                tally.count(&tally.sent);
                let (status, body, _) = cluster
                    .send(Method::GET, &cluster.balanced(&path), &token, None)
                    .await;
                match status {
                    StatusCode::OK => tally.count(&tally.acknowledged),
                    StatusCode::UNAUTHORIZED => tally.count(&tally.unauthenticated),
                    _ => {
                        tally.count(&tally.errors);
                        eprintln!("rolling restart: {status} {body}");
                    }
                }
            }
        }));
    }
    let started = Instant::now();
    for node in 1..=cluster.nodes {
        cluster.stop(node).await;
        cluster.restart(node);
    }
    running.store(false, Ordering::Relaxed);
    for worker in workers {
        worker.await.unwrap();
    }
    tally.print(
        "rolling-restart",
        &format!(
            ", {} nodes restarted in {:.1} s",
            cluster.nodes,
            started.elapsed().as_secs_f64()
        ),
    );
    if tally.errors.load(Ordering::Relaxed) + tally.unauthenticated.load(Ordering::Relaxed) > 0 {
        return Err("requests failed during the rolling restart".to_owned());
    }
    Ok(())
}
