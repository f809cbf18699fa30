use std::process::Command;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::cluster::{answer, node_processes, run_tag, Cluster, Tally};

pub fn postgres(action: &str) {
    let version = std::fs::read_dir("/etc/postgresql")
        .expect("a Debian PostgreSQL cluster")
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        // why: by number, so that 16 comes after 9.6.
        .max_by_key(|version| {
            version
                .split('.')
                .map(|part| part.parse::<u32>().unwrap_or(0))
                .collect::<Vec<_>>()
        })
        .expect("a PostgreSQL version");
    let status = Command::new("pg_ctlcluster")
        .args(["--skip-systemctl-redirect", &version, "main", action])
        .status()
        .expect("pg_ctlcluster runs");
    assert!(status.success(), "pg_ctlcluster {action}");
}

/// Case 7: PostgreSQL restarted under load, then stopped for 10 s: requests fail fast
/// with 503 and `Retry-After`, every node serves again within 5 s of its return, no
/// acknowledged write is lost, and no node restarts.
pub async fn database_restart(cluster: Cluster) -> Result<(), String> {
    let admin = cluster.admin().await;
    let tag = run_tag();
    let (token, _) = cluster
        .user(&admin, &format!("outage-{tag}"), &["clinician"])
        .await;
    let processes = node_processes(&cluster).await;
    let tally = Arc::new(Tally::default());
    let written = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let slowest = Arc::new(AtomicU64::new(0));
    let unavailable = Arc::new(AtomicU64::new(0));
    let running = Arc::new(std::sync::atomic::AtomicBool::new(true));
    let mut workers = Vec::new();
    for worker in 0..6u32 {
        let (cluster, token, tally, written, slowest, unavailable, running, tag) = (
            cluster.clone(),
            token.clone(),
            tally.clone(),
            written.clone(),
            slowest.clone(),
            unavailable.clone(),
            running.clone(),
            tag.clone(),
        );
        workers.push(tokio::spawn(async move {
            let mut round = 0;
            while running.load(Ordering::Relaxed) {
                round += 1;
                let node = (worker % u32::from(cluster.nodes)) as u16 + 1;
                let began = Instant::now();
                let body = json!({ "givenName": "Outage", "familyName": format!("Out{tag}"), "birthDate": "1970-01-01", "sex": "male" });
                tally.count(&tally.sent);
                let (status, reply, headers) = if worker % 2 == 0 {
                    cluster
                        .send(Method::GET, &cluster.node(node, "/api/v1/patients?limit=5"), &token, None)
                        .await
                } else {
                    answer(
                        cluster
                            .http
                            .post(cluster.node(node, "/api/v1/patients"))
                            .bearer_auth(&token)
                            .header("idempotency-key", format!("outage-{tag}-{worker}-{round}"))
                            .json(&body),
                    )
                    .await
                };
                let took = u64::try_from(began.elapsed().as_millis()).unwrap_or(u64::MAX);
                slowest.fetch_max(took, Ordering::Relaxed);
                if took > 3_000 {
                    let kind = if worker % 2 == 0 { "read" } else { "keyed write" };
                    eprintln!("slow {kind} on node {node}: {status} after {took} ms");
                }
                match status {
                    StatusCode::OK => tally.count(&tally.acknowledged),
                    StatusCode::CREATED => {
                        tally.count(&tally.acknowledged);
                        written.lock().unwrap().push(reply["id"].as_str().unwrap_or_default().to_owned());
                    }
                    StatusCode::SERVICE_UNAVAILABLE if headers.contains_key("retry-after") => {
                        unavailable.fetch_add(1, Ordering::Relaxed);
                        tokio::time::sleep(Duration::from_millis(100)).await;
                    }
                    _ => {
                        tally.count(&tally.errors);
                        eprintln!("during the outage: {status} {reply}");
                        tokio::time::sleep(Duration::from_millis(100)).await;
                    }
                }
            }
        }));
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    postgres("restart");
    tokio::time::sleep(Duration::from_secs(3)).await;
    postgres("stop");
    tokio::time::sleep(Duration::from_secs(10)).await;
    postgres("start");
    let back = Instant::now();
    let mut recovered = Vec::new();
    for node in 1..=cluster.nodes {
        loop {
            let (status, _, _) = cluster
                .send(
                    Method::GET,
                    &cluster.node(node, "/api/v1/patients?limit=1"),
                    &token,
                    None,
                )
                .await;
            if status == StatusCode::OK {
                recovered.push(back.elapsed());
                break;
            }
            if back.elapsed() > Duration::from_secs(30) {
                running.store(false, Ordering::Relaxed);
                return Err(format!("node {node} did not serve again within 30 s"));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    running.store(false, Ordering::Relaxed);
    for worker in workers {
        worker.await.unwrap();
    }
    let written = written.lock().unwrap().clone();
    let lost = cluster.patients_missing(&token, &written).await;
    let slowest = slowest.load(Ordering::Relaxed);
    let last_back = recovered.iter().max().copied().unwrap_or_default();
    tally.print(
        "database-restart",
        &format!(
            ", 503 with Retry-After {}, slowest answer {slowest} ms, every node serving {:.1} s after PostgreSQL was back, {} writes acknowledged, {lost} lost",
            unavailable.load(Ordering::Relaxed),
            last_back.as_secs_f64(),
            written.len()
        ),
    );
    let after = node_processes(&cluster).await;
    if after != processes {
        return Err(format!("nodes restarted: {processes:?} then {after:?}"));
    }
    if tally.errors.load(Ordering::Relaxed) > 0 {
        return Err("answers other than 503 with Retry-After during the outage".to_owned());
    }
    if lost > 0 {
        return Err(format!("{lost} acknowledged writes lost"));
    }
    if last_back > Duration::from_secs(5) {
        return Err(format!(
            "a node served again only after {:.1} s",
            last_back.as_secs_f64()
        ));
    }
    // One wait budget per request, the readiness timeout (2 s), bounds every wait for
    // a connection; the slack is for the answer's own way back.
    if slowest > 2_500 {
        return Err(format!("an answer took {slowest} ms"));
    }
    Ok(())
}
