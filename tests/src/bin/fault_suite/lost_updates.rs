use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::cluster::{answer, run_tag, Cluster, Tally};

/// Case 2: Twenty clients update five patients with If-Match for 20 s: every acknowledged
/// update is in the database.
pub async fn lost_updates(cluster: Cluster) -> Result<(), String> {
    let admin = cluster.admin().await;
    let tag = run_tag();
    let (token, _) = cluster
        .user(&admin, &format!("editor-{tag}"), &["clinician"])
        .await;
    let mut patients = Vec::new();
    for i in 0..5 {
        patients.push(
            cluster
                .register_patient(&token, &format!("Upd{tag}x{i}"))
                .await,
        );
    }
    let ids: Vec<String> = patients
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_owned())
        .collect();
    let tally = Arc::new(Tally::default());
    // Per patient: (version answered, phone written) of every acknowledged update.
    let acks = Arc::new(std::sync::Mutex::new(
        HashMap::<String, Vec<(i64, String)>>::new(),
    ));
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut workers = Vec::new();
    for client in 0..20u32 {
        let (cluster, token, tally, acks, ids) = (
            cluster.clone(),
            token.clone(),
            tally.clone(),
            acks.clone(),
            ids.clone(),
        );
        workers.push(tokio::spawn(async move {
            let mut round = 0u32;
            while Instant::now() < deadline {
                round += 1;
                let id = &ids[((client + round) % 5) as usize];
                let node = (((client + round) % u32::from(cluster.nodes)) + 1) as u16;
                let path = format!("/api/v1/patients/{id}");
                let (status, mut current, _) = cluster
                    .send(Method::GET, &cluster.node(node, &path), &token, None)
                    .await;
                if status == StatusCode::SERVICE_UNAVAILABLE {
                    // Shed under load with Retry-After: refused, not lost; try again.
                    tally.count(&tally.retried);
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
                if status != StatusCode::OK {
                    tally.count(&tally.errors);
                    eprintln!("read answered {status}");
                    continue;
                }
                let version = current["version"].as_i64().unwrap();
                let phone = format!("+1 555 {client:03} {round:04}");
                current["phone"] = json!(phone);
                let writable = [
                    "givenName",
                    "familyName",
                    "birthDate",
                    "sex",
                    "phone",
                    "email",
                    "address",
                    "emergencyContact",
                    "active",
                ];
                let current: serde_json::Map<String, Value> = current
                    .as_object()
                    .unwrap()
                    .iter()
                    .filter(|(field, value)| writable.contains(&field.as_str()) && !value.is_null())
                    .map(|(field, value)| (field.clone(), value.clone()))
                    .collect();
                tally.count(&tally.sent);
                let (status, written, _) = answer(
                    cluster
                        .http
                        .put(cluster.node(node, &path))
                        .bearer_auth(&token)
                        .header("if-match", format!("\"{version}\""))
                        .json(&current),
                )
                .await;
                match status {
                    StatusCode::OK => {
                        tally.count(&tally.acknowledged);
                        let version = written["version"].as_i64().unwrap();
                        acks.lock()
                            .unwrap()
                            .entry(id.clone())
                            .or_default()
                            .push((version, phone));
                    }
                    StatusCode::PRECONDITION_FAILED => tally.count(&tally.conflicts),
                    StatusCode::SERVICE_UNAVAILABLE => tally.count(&tally.retried),
                    _ => {
                        tally.count(&tally.errors);
                        eprintln!("update answered {status}: {written}");
                    }
                }
            }
        }));
    }
    for worker in workers {
        worker.await.unwrap();
    }
    let acks = acks.lock().unwrap().clone();
    let mut lost = Vec::new();
    for id in &ids {
        let (_, stored, _) = cluster
            .send(
                Method::GET,
                &cluster.balanced(&format!("/api/v1/patients/{id}")),
                &token,
                None,
            )
            .await;
        let mine = acks.get(id).cloned().unwrap_or_default();
        let version = stored["version"].as_i64().unwrap();
        let expected = i64::try_from(mine.len()).unwrap() + 1;
        let last = mine
            .iter()
            .max_by_key(|(version, _)| *version)
            .map(|(_, phone)| phone.clone());
        if version != expected || stored["phone"].as_str().map(str::to_owned) != last {
            lost.push(format!("{id}: version {version}, expected {expected}"));
        }
    }
    tally.print("lost-updates", &format!(", lost {}", lost.len()));
    if tally.errors.load(Ordering::Relaxed) > 0 {
        return Err("updates met errors".to_owned());
    }
    if lost.is_empty() {
        Ok(())
    } else {
        Err(lost.join("; "))
    }
}
