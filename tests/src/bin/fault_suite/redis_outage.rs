use std::collections::BTreeMap;
use std::process::Command;
use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::cluster::{run_tag, Cluster};

/// The pids of the cluster's Redis Cluster masters, by port.
pub fn redis_masters() -> Vec<(String, String)> {
    let dir = std::env::var("PRACTICA_CLUSTER_DIR")
        .unwrap_or_else(|_| "/tmp/practica-cluster".to_owned());
    let mut masters = Vec::new();
    for entry in std::fs::read_dir(format!("{dir}/redis-cluster"))
        .into_iter()
        .flatten()
        .flatten()
    {
        let pid_file = entry.path().join("redis.pid");
        if let Ok(pid) = std::fs::read_to_string(&pid_file) {
            masters.push((
                entry.file_name().to_string_lossy().into_owned(),
                pid.trim().to_owned(),
            ));
        }
    }
    masters.sort();
    masters
}

pub fn signal_pid(pid: &str, signal: &str) {
    let status = Command::new("kill")
        .args([&format!("-{signal}"), pid])
        .status()
        .unwrap();
    assert!(status.success(), "kill -{signal} {pid}");
}

/// Whether the Redis master on `port` holds the session of the access token `token`.
pub fn holds_session(port: &str, token: &str) -> bool {
    use base64::Engine;
    let claims = token
        .split('.')
        .nth(1)
        .and_then(|payload| {
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(payload)
                .ok()
        })
        .and_then(|json| serde_json::from_slice::<Value>(&json).ok());
    let Some(session) = claims.as_ref().and_then(|claims| claims["sid"].as_str()) else {
        return false;
    };
    Command::new("redis-cli")
        .args([
            "-p",
            port,
            "exists",
            &format!("practica:{{{session}}}:session"),
        ])
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "1")
}

/// Every user's `GET /api/v1/me` once, through nginx: the statuses and the slowest.
pub async fn sweep(cluster: &Cluster, tokens: &[String]) -> (Vec<StatusCode>, Duration, usize) {
    let mut statuses = Vec::new();
    let mut slowest = Duration::ZERO;
    let mut without_retry_after = 0;
    for token in tokens {
        let began = Instant::now();
        let (status, _, headers) = cluster
            .send(Method::GET, &cluster.balanced("/api/v1/me"), token, None)
            .await;
        slowest = slowest.max(began.elapsed());
        if status == StatusCode::SERVICE_UNAVAILABLE && !headers.contains_key("retry-after") {
            without_retry_after += 1;
        }
        statuses.push(status);
    }
    (statuses, slowest, without_retry_after)
}

pub fn counts(statuses: &[StatusCode]) -> BTreeMap<u16, usize> {
    let mut counts = BTreeMap::new();
    for status in statuses {
        *counts.entry(status.as_u16()).or_default() += 1;
    }
    counts
}

/// Case 8 (Redis Cluster configuration): every master stopped (SIGSTOP, so Redis hangs
/// rather than refuses) answers 503 with `Retry-After` within the command time-out,
/// and all recovers when they resume; one master killed answers 503 for the sessions
/// whose keys it holds and serves the rest; back (empty: it keeps nothing on disk),
/// its sessions are gone and their users sign in again.
pub async fn redis_outage(cluster: Cluster) -> Result<(), String> {
    let masters = redis_masters();
    if masters.len() != 3 {
        return Err(format!("expected three Redis masters, found {masters:?}"));
    }
    let admin = cluster.admin().await;
    let tag = run_tag();
    let mut tokens = Vec::new();
    for i in 0..6 {
        tokens.push(
            cluster
                .user(&admin, &format!("redis-{tag}-{i}"), &["clinician"])
                .await
                .0,
        );
    }
    let (before, _, _) = sweep(&cluster, &tokens).await;
    if before.iter().any(|status| *status != StatusCode::OK) {
        return Err(format!("before: {:?}", counts(&before)));
    }

    for (_, pid) in &masters {
        signal_pid(pid, "STOP");
    }
    let (stopped, slowest, bare) = sweep(&cluster, &tokens).await;
    let (lock_status, _, _) = cluster
        .send(
            Method::POST,
            &cluster.balanced("/api/v1/locks"),
            &tokens[0],
            Some(&json!({ "resource": format!("patients/{}", uuid::Uuid::now_v7()) })),
        )
        .await;
    for (_, pid) in &masters {
        signal_pid(pid, "CONT");
    }
    let resumed_at = Instant::now();
    let mut resumed = Vec::new();
    while resumed_at.elapsed() < Duration::from_secs(10) {
        resumed = sweep(&cluster, &tokens).await.0;
        if resumed.iter().all(|status| *status == StatusCode::OK) {
            break;
        }
    }
    println!(
        "redis-outage: all masters stopped: {:?} (slowest {} ms, lock request {lock_status}); resumed: {:?} after {:.1} s",
        counts(&stopped),
        slowest.as_millis(),
        counts(&resumed),
        resumed_at.elapsed().as_secs_f64()
    );
    if stopped
        .iter()
        .any(|status| *status != StatusCode::SERVICE_UNAVAILABLE)
        || bare > 0
    {
        return Err("with Redis stopped, an answer other than 503 with Retry-After".to_owned());
    }
    if lock_status != StatusCode::SERVICE_UNAVAILABLE {
        return Err(format!(
            "a lock request with Redis stopped answered {lock_status}"
        ));
    }
    // Each request waits at most one command time-out (2 s) per Redis call it makes.
    if slowest > Duration::from_secs(5) {
        return Err(format!("an answer took {} ms", slowest.as_millis()));
    }
    if resumed.iter().any(|status| *status != StatusCode::OK) {
        return Err("sessions did not recover when Redis resumed".to_owned());
    }

    // One master killed, the one holding the first user's session: its sessions answer
    // 503, the others are served.
    let (port, pid) = masters
        .iter()
        .find(|(port, _)| holds_session(port, &tokens[0]))
        .ok_or("no master holds the first session")?;
    signal_pid(pid, "KILL");
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (one_down, _, bare) = sweep(&cluster, &tokens).await;
    let restart = Command::new("scripts/redis-cluster.sh")
        .args([
            "start",
            &format!(
                "{}/redis-cluster",
                std::env::var("PRACTICA_CLUSTER_DIR")
                    .unwrap_or_else(|_| "/tmp/practica-cluster".to_owned())
            ),
            &masters.iter().map(|(port, _)| port.clone()).min().unwrap(),
        ])
        .status()
        .unwrap();
    let back_at = Instant::now();
    let mut back = Vec::new();
    while back_at.elapsed() < Duration::from_secs(15) {
        back = sweep(&cluster, &tokens).await.0;
        if back
            .iter()
            .all(|status| *status == StatusCode::OK || *status == StatusCode::UNAUTHORIZED)
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    println!(
        "redis-outage: master {port} killed: {:?}; restarted empty: {:?} after {:.1} s",
        counts(&one_down),
        counts(&back),
        back_at.elapsed().as_secs_f64()
    );
    let served = one_down
        .iter()
        .filter(|status| **status == StatusCode::OK)
        .count();
    let refused = one_down
        .iter()
        .filter(|status| **status == StatusCode::SERVICE_UNAVAILABLE)
        .count();
    if served + refused != one_down.len() || bare > 0 || refused == 0 {
        return Err(
            "with one master down, not exactly: its sessions 503, the rest served".to_owned(),
        );
    }
    if !restart.success() {
        return Err("the killed master did not start again".to_owned());
    }
    let lost = back
        .iter()
        .filter(|status| **status == StatusCode::UNAUTHORIZED)
        .count();
    if back
        .iter()
        .any(|status| *status != StatusCode::OK && *status != StatusCode::UNAUTHORIZED)
        || lost != refused
    {
        return Err(format!(
            "after the master returned: {:?}, expected {refused} sessions gone",
            counts(&back)
        ));
    }
    Ok(())
}
