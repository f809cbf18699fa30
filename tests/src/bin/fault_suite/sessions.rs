use std::collections::{BTreeMap, HashSet};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::cluster::{answer, run_tag, Cluster, Tally};

/// Case 1: A session works on every node, survives a node's `kill -9` under load, and a
/// logout through one node ends it on all.
pub async fn sessions(cluster: Cluster) -> Result<(), String> {
    let admin = cluster.admin().await;
    let tag = run_tag();
    let (token, _) = cluster
        .user(&admin, &format!("desk-{tag}"), &["clinician"])
        .await;
    for node in 1..=cluster.nodes {
        let (status, _, _) = cluster
            .send(Method::GET, &cluster.node(node, "/api/v1/me"), &token, None)
            .await;
        if status != StatusCode::OK {
            return Err(format!(
                "node {node} refused a session made elsewhere: {status}"
            ));
        }
    }

    let tally = Arc::new(Tally::default());
    let keys_done = Arc::new(std::sync::Mutex::new(BTreeMap::<String, String>::new()));
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut workers = Vec::new();
    for worker in 0..8 {
        let (cluster, token, tally, keys_done, tag) = (
            cluster.clone(),
            token.clone(),
            tally.clone(),
            keys_done.clone(),
            tag.clone(),
        );
        workers.push(tokio::spawn(async move {
            let mut round = 0;
            while Instant::now() < deadline {
                round += 1;
                if worker % 2 == 0 {
                    tally.count(&tally.sent);
                    let (status, _, _) = cluster
                        .send(Method::GET, &cluster.balanced("/api/v1/patients?limit=5"), &token, None)
                        .await;
                    match status {
                        StatusCode::OK => tally.count(&tally.acknowledged),
                        StatusCode::UNAUTHORIZED => tally.count(&tally.unauthenticated),
                        _ => tally.count(&tally.errors),
                    }
                } else {
                    // A POST with an Idempotency-Key, retried until it is answered.
                    let key = format!("fault-{tag}-{worker}-{round}");
                    let body = json!({ "givenName": "Load", "familyName": format!("Key{tag}"), "birthDate": "1970-01-01", "sex": "male" });
                    for _ in 0..20 {
                        tally.count(&tally.sent);
                        let (status, patient, _) = answer(cluster
                            .http
                            .post(cluster.balanced("/api/v1/patients"))
                            .bearer_auth(&token)
                            .header("idempotency-key", &key)
                            .json(&body)).await;
                        match status {
                            StatusCode::CREATED | StatusCode::OK => {
                                tally.count(&tally.acknowledged);
                                let id = patient["id"].as_str().unwrap_or_default().to_owned();
                                let mut done = keys_done.lock().unwrap();
                                if let Some(first) = done.get(&key) {
                                    assert_eq!(first, &id, "a retry answered another patient");
                                }
                                done.insert(key.clone(), id);
                                break;
                            }
                            StatusCode::UNAUTHORIZED => {
                                tally.count(&tally.unauthenticated);
                                break;
                            }
                            _ => {
                                tally.count(&tally.retried);
                                tokio::time::sleep(Duration::from_millis(200)).await;
                            }
                        }
                    }
                }
            }
        }));
    }
    tokio::time::sleep(Duration::from_secs(3)).await;
    let victim = 2;
    let killed_at = Instant::now();
    cluster.signal(victim, "KILL");
    for worker in workers {
        worker.await.unwrap();
    }
    cluster.restart(victim);
    let recovered = killed_at.elapsed();

    // Every key made exactly one patient.
    let done = keys_done.lock().unwrap().clone();
    let mut made = HashSet::new();
    let mut cursor = String::new();
    loop {
        let (_, listed, _) = cluster
            .send(
                Method::GET,
                &cluster.balanced(&format!("/api/v1/patients?q=Key{tag}&limit=200{cursor}")),
                &token,
                None,
            )
            .await;
        for patient in listed["items"].as_array().into_iter().flatten() {
            made.insert(patient["id"].as_str().unwrap_or_default().to_owned());
        }
        match listed["nextCursor"].as_str() {
            Some(next) => cursor = format!("&cursor={next}"),
            None => break,
        }
    }
    let acknowledged: HashSet<String> = done.values().cloned().collect();
    tally.print(
        "sessions",
        &format!(
            ", keyed POSTs {} made {} patients, node {victim} back after {:.1} s",
            done.len(),
            made.len(),
            recovered.as_secs_f64()
        ),
    );
    if tally.unauthenticated.load(Ordering::Relaxed) > 0 {
        return Err("a request needed a fresh login".to_owned());
    }
    if tally.errors.load(Ordering::Relaxed) > 0 {
        return Err("reads failed through nginx".to_owned());
    }
    if made != acknowledged {
        return Err(format!(
            "keyed POSTs: {} acknowledged, {} patients stored",
            acknowledged.len(),
            made.len()
        ));
    }

    // Logout through one node: every node refuses the token at once.
    let (status, _, _) = cluster
        .send(
            Method::POST,
            &cluster.node(1, "/api/v1/auth/logout"),
            &token,
            None,
        )
        .await;
    if status != StatusCode::NO_CONTENT && status != StatusCode::OK {
        return Err(format!("logout answered {status}"));
    }
    for node in 1..=cluster.nodes {
        let (status, _, _) = cluster
            .send(Method::GET, &cluster.node(node, "/api/v1/me"), &token, None)
            .await;
        if status != StatusCode::UNAUTHORIZED {
            return Err(format!(
                "node {node} still took a logged-out token: {status}"
            ));
        }
    }
    println!(
        "sessions: logout through node 1 refused by all {} nodes",
        cluster.nodes
    );
    Ok(())
}
