use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::cluster::{answer, node_processes, run_tag, Cluster, Tally};
use crate::singletons::jobs_of;

/// How long the partition lasts: past a job lease (4 s in the suite) and a tick.
const PARTITION: Duration = Duration::from_secs(12);
/// A request begun during the partition answers within the readiness timeout (2 s).
const FAIL_FAST: Duration = Duration::from_millis(2_500);
/// A request in flight when the partition began answers within the bound on database
/// work (`database_statement_timeout_ms`, 10 s).
const IN_FLIGHT: Duration = Duration::from_millis(10_500);

/// Case 10: the last node, in a network namespace of its own, loses the database without
/// a close (its packets dropped): its requests fail fast with 503, nginx sends the
/// traffic to the other nodes, its job leases pass to them, and it serves again by
/// itself when the link returns. It is moved back to loopback however the case ends.
pub async fn network_partition(cluster: Cluster) -> Result<(), String> {
    let cut = cluster.nodes;
    cluster.script(&["isolate", &cut.to_string()]);
    let checks = tokio::spawn({
        let cluster = cluster.clone();
        async move { partitioned(&cluster, cut).await }
    });
    let outcome = checks
        .await
        .unwrap_or_else(|panic| Err(format!("a step failed: {panic}")));
    cluster.script(&["heal", &cut.to_string()]);
    cluster.script(&["rejoin", &cut.to_string()]);
    outcome
}

/// What the cut node answered while the link was down.
#[derive(Default)]
struct CutNodeAnswers {
    unavailable: u64,
    other: Vec<String>,
    slowest_begun_during: Duration,
    slowest_in_flight: Duration,
}

async fn partitioned(cluster: &Cluster, cut: u16) -> Result<(), String> {
    let admin = cluster.admin().await;
    let tag = run_tag();
    let (token, _) = cluster
        .user(&admin, &format!("partition-{tag}"), &["clinician"])
        .await;

    // The cut node holds every job lease: the others are stopped past the lease.
    let others: Vec<u16> = (1..=cluster.nodes).filter(|node| *node != cut).collect();
    for node in &others {
        cluster.signal(*node, "STOP");
    }
    tokio::time::sleep(Duration::from_secs(6)).await;
    for node in &others {
        cluster.signal(*node, "CONT");
    }
    let held_by_cut = held_by(cluster, &admin, cut).await;
    if held_by_cut.is_empty() {
        return Err(format!("node {cut} took no job lease while alone"));
    }
    let processes = node_processes(cluster).await;

    let tally = Arc::new(Tally::default());
    let written = Arc::new(Mutex::new(Vec::<String>::new()));
    let running = Arc::new(AtomicBool::new(true));
    let mut workers = Vec::new();
    for worker in 0..4u32 {
        let (cluster, token, tally, written, running, tag) = (
            cluster.clone(),
            token.clone(),
            tally.clone(),
            written.clone(),
            running.clone(),
            tag.clone(),
        );
        workers.push(tokio::spawn(async move {
            let mut round = 0;
            while running.load(Ordering::Relaxed) {
                round += 1;
                tally.count(&tally.sent);
                if worker % 2 == 0 {
                    let (status, _, _) = cluster
                        .send(Method::GET, &cluster.balanced("/api/v1/patients?limit=5"), &token, None)
                        .await;
                    if status == StatusCode::OK {
                        tally.count(&tally.acknowledged);
                    } else {
                        tally.count(&tally.errors);
                        eprintln!("a read through nginx: {status}");
                    }
                    continue;
                }
                // A keyed write: nginx does not resend a POST, so a 503 from the cut
                // node comes back, and the client resends it with the same key.
                let key = format!("partition-{tag}-{worker}-{round}");
                let body = json!({ "givenName": "Cut", "familyName": format!("Part{tag}"), "birthDate": "1970-01-01", "sex": "female" });
                for _ in 0..20 {
                    let (status, reply, headers) = answer(
                        cluster
                            .http
                            .post(cluster.balanced("/api/v1/patients"))
                            .bearer_auth(&token)
                            .header("idempotency-key", &key)
                            .json(&body),
                    )
                    .await;
                    match status {
                        // 200: the 303 See Other (followed) of a retry whose first
                        // try's work committed before its answer was lost.
                        StatusCode::CREATED | StatusCode::OK => {
                            tally.count(&tally.acknowledged);
                            written.lock().unwrap().push(reply["id"].as_str().unwrap_or_default().to_owned());
                            break;
                        }
                        StatusCode::SERVICE_UNAVAILABLE if headers.contains_key("retry-after") => {
                            tally.count(&tally.retried);
                            tokio::time::sleep(Duration::from_millis(100)).await;
                        }
                        _ => {
                            tally.count(&tally.errors);
                            eprintln!("a keyed write through nginx: {status} {reply}");
                            break;
                        }
                    }
                }
            }
        }));
    }

    // Requests straight to the cut node, one after another, through the partition.
    let cut_at = Arc::new(OnceLock::<Instant>::new());
    let probe = {
        let (cluster, token, running, cut_at) = (
            cluster.clone(),
            token.clone(),
            running.clone(),
            cut_at.clone(),
        );
        tokio::spawn(async move {
            let mut answers = CutNodeAnswers::default();
            while running.load(Ordering::Relaxed) {
                let began = Instant::now();
                let (status, reply, headers) = cluster
                    .send(
                        Method::GET,
                        &cluster.node(cut, "/api/v1/patients?limit=1"),
                        &token,
                        None,
                    )
                    .await;
                let took = began.elapsed();
                if status == StatusCode::OK {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
                if status == StatusCode::SERVICE_UNAVAILABLE && headers.contains_key("retry-after")
                {
                    answers.unavailable += 1;
                } else {
                    answers.other.push(format!("{status} {reply}"));
                }
                if cut_at.get().is_some_and(|cut_at| began > *cut_at) {
                    answers.slowest_begun_during = answers.slowest_begun_during.max(took);
                } else {
                    answers.slowest_in_flight = answers.slowest_in_flight.max(took);
                }
            }
            answers
        })
    };

    tokio::time::sleep(Duration::from_secs(2)).await;
    cluster.script(&["partition", &cut.to_string()]);
    let partitioned_at = Instant::now();
    let _ = cut_at.set(partitioned_at);
    let taken_over = wait_for_takeover(cluster, &admin, cut, &held_by_cut).await;
    let remaining = PARTITION.saturating_sub(partitioned_at.elapsed());
    tokio::time::sleep(remaining).await;
    cluster.script(&["heal", &cut.to_string()]);
    let healed_at = Instant::now();
    let back = loop {
        let (status, _, _) = cluster
            .send(
                Method::GET,
                &cluster.node(cut, "/api/v1/patients?limit=1"),
                &token,
                None,
            )
            .await;
        if status == StatusCode::OK {
            break Some(healed_at.elapsed());
        }
        if healed_at.elapsed() > Duration::from_secs(30) {
            break None;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    tokio::time::sleep(Duration::from_secs(1)).await;
    running.store(false, Ordering::Relaxed);
    for worker in workers {
        worker.await.unwrap();
    }
    let answers = probe.await.unwrap();

    let written = written.lock().unwrap().clone();
    let lost = cluster.patients_missing(&token, &written).await;
    let after = node_processes(cluster).await;
    tally.print(
        "network-partition",
        &format!(
            "; node {cut} cut off from the database for {} s: {} answers 503 with Retry-After, the slowest answer in flight at the cut {} ms, the slowest begun after it {} ms; its {} job leases taken over in {}; serving again {} after the link returned; {} keyed writes acknowledged, {lost} lost",
            PARTITION.as_secs(),
            answers.unavailable,
            answers.slowest_in_flight.as_millis(),
            answers.slowest_begun_during.as_millis(),
            held_by_cut.len(),
            taken_over.map_or("never".to_owned(), |took| format!("{:.1} s", took.as_secs_f64())),
            back.map_or("never".to_owned(), |took| format!("{:.1} s", took.as_secs_f64())),
            written.len(),
        ),
    );
    if answers.unavailable == 0 {
        return Err(format!("node {cut} never answered 503: was it cut off?"));
    }
    if !answers.other.is_empty() {
        return Err(format!(
            "node {cut} answered besides 503: {:?}",
            answers.other
        ));
    }
    if answers.slowest_begun_during > FAIL_FAST {
        return Err(format!(
            "a request to the cut node took {} ms",
            answers.slowest_begun_during.as_millis()
        ));
    }
    if answers.slowest_in_flight > IN_FLIGHT {
        return Err(format!(
            "a request in flight at the cut took {} ms",
            answers.slowest_in_flight.as_millis()
        ));
    }
    if tally.errors.load(Ordering::Relaxed) > 0 {
        return Err("requests through nginx failed besides 503 with Retry-After".to_owned());
    }
    if taken_over.is_none() {
        return Err(format!(
            "the cut node's job leases were not taken over: {held_by_cut:?}"
        ));
    }
    if back.is_none_or(|took| took > Duration::from_secs(5)) {
        return Err(format!(
            "node {cut} did not serve again within 5 s of the link's return"
        ));
    }
    if lost > 0 {
        return Err(format!("{lost} acknowledged writes lost"));
    }
    if after != processes {
        return Err(format!("nodes restarted: {processes:?} then {after:?}"));
    }
    Ok(())
}

/// The jobs whose lease `node` holds, as `/admin/jobs` through nginx shows them.
async fn held_by(cluster: &Cluster, admin: &str, node: u16) -> BTreeMap<String, String> {
    let jobs = jobs_of(cluster, admin).await;
    jobs["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|job| job["holder"] == format!("node-{node}"))
        .filter_map(|job| Some((job["name"].as_str()?.to_owned(), format!("node-{node}"))))
        .collect()
}

/// How long until another node holds every lease in `held` (30 s at most).
async fn wait_for_takeover(
    cluster: &Cluster,
    admin: &str,
    cut: u16,
    held: &BTreeMap<String, String>,
) -> Option<Duration> {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(30) {
        let jobs = jobs_of(cluster, admin).await;
        let all_moved = held.keys().all(|name| {
            jobs["items"].as_array().into_iter().flatten().any(|job| {
                job["name"] == name.as_str()
                    && job["holder"]
                        .as_str()
                        .is_some_and(|holder| holder != format!("node-{cut}"))
            })
        });
        if all_moved {
            return Some(started.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    None
}
