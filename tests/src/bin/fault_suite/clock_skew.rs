use std::collections::{BTreeMap, HashSet};
use std::time::{Duration, Instant};

use chrono::DateTime;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::cluster::{run_tag, Cluster};
use crate::singletons::{jobs_of, runs_of};

/// How far ahead the skewed node's clock runs.
const OFFSET_SECONDS: i64 = 300;

/// Case 9: the last node restarted with its clock 5 minutes ahead takes no lock or job
/// lease early and ends no session early: every expiry is judged by the store's clock.
/// It is started again with a true clock however the case ends.
pub async fn clock_skew(cluster: Cluster) -> Result<(), String> {
    let skewed = cluster.nodes;
    cluster.stop(skewed).await;
    cluster.restart_with_clock_ahead(skewed, &format!("+{OFFSET_SECONDS}s"));
    // why: spawned, so that a step that panics still leaves the node's clock true.
    let checks = tokio::spawn({
        let cluster = cluster.clone();
        async move { judged_by_the_store(&cluster, skewed).await }
    });
    let outcome = checks
        .await
        .unwrap_or_else(|panic| Err(format!("a step failed: {panic}")));
    cluster.stop(skewed).await;
    cluster.restart(skewed);
    outcome
}

async fn judged_by_the_store(cluster: &Cluster, skewed: u16) -> Result<(), String> {
    let ahead = clock_of(cluster, skewed).await - clock_of(cluster, 1).await;
    if ahead < OFFSET_SECONDS - 30 {
        return Err(format!(
            "node {skewed}'s clock is only {ahead} s ahead: libfaketime did not take"
        ));
    }

    // Sessions: tokens live shorter than the offset, so a node judging their expiry by
    // its own clock would refuse every one.
    let admin = cluster.admin().await;
    let tag = run_tag();
    let password = "a long enough password for the fault suite";
    let (grey, _) = cluster
        .user(&admin, &format!("skew-grey-{tag}"), &["clinician"])
        .await;
    let (yang, _) = cluster
        .user(&admin, &format!("skew-yang-{tag}"), &["clinician"])
        .await;
    let at_node_one = login(cluster, 1, &format!("skew-grey-{tag}"), password).await;
    let at_skewed = login(cluster, skewed, &format!("skew-grey-{tag}"), password).await;
    let lifetime = at_node_one["expiresIn"].as_i64().unwrap_or_default();
    if lifetime >= OFFSET_SECONDS {
        return Err(format!("access tokens live {lifetime} s: the case needs them shorter than {OFFSET_SECONDS} s (PRACTICA_ACCESS_TOKEN_TTL_SECS)"));
    }
    if at_skewed["expiresIn"] != at_node_one["expiresIn"] {
        return Err(format!(
            "the skewed node told a token's lifetime as {} s, not {lifetime} s",
            at_skewed["expiresIn"]
        ));
    }
    let mut accepted = BTreeMap::new();
    for (issuer, pair) in [(1, &at_node_one), (skewed, &at_skewed)] {
        let token = pair["accessToken"].as_str().unwrap();
        for node in [1, skewed] {
            let (status, _, _) = cluster
                .send(Method::GET, &cluster.node(node, "/api/v1/me"), token, None)
                .await;
            accepted.insert(
                format!("issued by {issuer}, used at {node}"),
                status.as_u16(),
            );
        }
    }
    if accepted.values().any(|status| *status != 200) {
        return Err(format!("a live session was refused: {accepted:?}"));
    }

    // Locks: held through one node, refused through the other, in both directions.
    let mut lock_answers = Vec::new();
    for (holder_node, rival_node) in [(1, skewed), (skewed, 1)] {
        let patient = cluster.register_patient(&grey, &format!("Skew{tag}")).await;
        let resource = format!("patients/{}", patient["id"].as_str().unwrap());
        let lock = json!({ "resource": resource, "ttlSeconds": 60 });
        let (status, held, _) = cluster
            .send(
                Method::POST,
                &cluster.node(holder_node, "/api/v1/locks"),
                &grey,
                Some(&lock),
            )
            .await;
        if status != StatusCode::CREATED {
            return Err(format!(
                "the lock through node {holder_node} answered {status}: {held}"
            ));
        }
        let (status, rival, _) = cluster
            .send(
                Method::POST,
                &cluster.node(rival_node, "/api/v1/locks"),
                &yang,
                Some(&lock),
            )
            .await;
        if status != StatusCode::LOCKED {
            return Err(format!(
                "node {rival_node} answered {status} for a lock node {holder_node} holds: {rival}"
            ));
        }
        lock_answers.push(status.as_u16());
    }

    // Job leases: with every node alive, no lease changes hands; a node that judged the
    // leases by its own clock would find them all expired and take them.
    // why: a lease the node's former process held lapses only after the lease, when
    // its release at shutdown failed; the watch starts once any such lease is gone.
    let lease = std::env::var("PRACTICA_JOB_LEASE_SECONDS")
        .ok()
        .and_then(|seconds| seconds.parse().ok())
        .unwrap_or(6);
    wait_for_every_holder(cluster, &admin).await?;
    tokio::time::sleep(Duration::from_secs(lease + 1)).await;
    let jobs = wait_for_every_holder(cluster, &admin).await?;
    let watched = Instant::now();
    let mut changes = Vec::new();
    while watched.elapsed() < Duration::from_secs(10) {
        tokio::time::sleep(Duration::from_millis(500)).await;
        for (job, holder) in holders(&jobs_of(cluster, &admin).await) {
            if jobs.get(&job) != Some(&holder) {
                changes.push(format!("{job}: {:?} -> {holder}", jobs.get(&job)));
            }
        }
    }
    let mut twice = 0;
    for job in jobs.keys() {
        let mut periods = HashSet::new();
        for run in runs_of(cluster, &admin, job).await {
            if !periods.insert(run["scheduledFor"].as_str().unwrap_or_default().to_owned()) {
                twice += 1;
            }
        }
    }
    println!(
        "clock-skew: node {skewed} {ahead} s ahead; tokens living {lifetime} s accepted {accepted:?}; a held lock refused through the other node with {lock_answers:?}; {} job holders unchanged over 10 s ({} changes); {twice} periods run twice",
        jobs.len(),
        changes.len(),
    );
    if !changes.is_empty() {
        return Err(format!(
            "job leases changed hands with every node alive: {changes:?}"
        ));
    }
    if twice > 0 {
        return Err(format!("{twice} periods ran twice"));
    }
    Ok(())
}

/// A node's clock, as the `Date` header of its answer tells it, in Unix seconds.
async fn clock_of(cluster: &Cluster, node: u16) -> i64 {
    let response = cluster
        .http
        .get(cluster.node(node, "/health/live"))
        .send()
        .await
        .unwrap();
    let date = response.headers()["date"].to_str().unwrap().to_owned();
    DateTime::parse_from_rfc2822(&date).unwrap().timestamp()
}

async fn login(cluster: &Cluster, node: u16, username: &str, password: &str) -> Value {
    let response = cluster
        .http
        .post(cluster.node(node, "/api/v1/auth/login"))
        .json(&json!({ "username": username, "password": password }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK, "login at node {node}");
    response.json().await.unwrap()
}

fn holders(jobs: &Value) -> BTreeMap<String, String> {
    jobs["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|job| {
            Some((
                job["name"].as_str()?.to_owned(),
                job["holder"].as_str()?.to_owned(),
            ))
        })
        .collect()
}

/// Every job's holder, once every job has one (a restarted node's leases pass to others).
async fn wait_for_every_holder(
    cluster: &Cluster,
    admin: &str,
) -> Result<BTreeMap<String, String>, String> {
    let started = Instant::now();
    loop {
        let jobs = jobs_of(cluster, admin).await;
        let count = jobs["items"].as_array().map_or(0, Vec::len);
        let held = holders(&jobs);
        if count > 0 && held.len() == count {
            return Ok(held);
        }
        if started.elapsed() > Duration::from_secs(30) {
            return Err(format!("jobs without a holder after 30 s: {jobs}"));
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}
