//! The fault suite's driver: runs one case against a cluster that `scripts/cluster.sh`
//! started (nginx in front of N nodes), kills, stops and restarts nodes through that
//! script, prints the case's figures, and exits non-zero on any loss.
//!
//! `fault-suite CASE` with CASE one of: sessions, lost-updates, double-booking, locks,
//! singletons, rolling-restart. The cluster's port comes from `PRACTICA_CLUSTER_PORT`
//! (default 18080; node i listens on that port + i), its size from `PRACTICA_CLUSTER_NODES`.

// why: a test driver: a failed step should stop the case loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, HashMap, HashSet};
use std::process::Command;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

const ADMIN_PASSWORD_ENV: &str = "PRACTICA_CLUSTER_ADMIN_PASSWORD";

#[derive(Clone)]
struct Cluster {
    http: reqwest::Client,
    port: u16,
    nodes: u16,
}

impl Cluster {
    fn from_env() -> Self {
        let port = std::env::var("PRACTICA_CLUSTER_PORT")
            .ok()
            .and_then(|port| port.parse().ok())
            .unwrap_or(18080);
        let nodes = std::env::var("PRACTICA_CLUSTER_NODES")
            .ok()
            .and_then(|nodes| nodes.parse().ok())
            .unwrap_or(3);
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(15))
            .build()
            .unwrap();
        Self { http, port, nodes }
    }

    /// nginx, in front of every node.
    fn balanced(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// Node `i` (1-based), directly.
    fn node(&self, i: u16, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port + i)
    }

    async fn login_at(&self, url: &str, username: &str, password: &str) -> String {
        let response = self
            .http
            .post(url)
            .json(&json!({ "username": username, "password": password }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "login {username}");
        let pair: Value = response.json().await.unwrap();
        pair["accessToken"].as_str().unwrap().to_owned()
    }

    async fn admin(&self) -> String {
        let password = std::env::var(ADMIN_PASSWORD_ENV)
            .unwrap_or_else(|_| "cluster admin password".to_owned());
        self.login_at(&self.balanced("/api/v1/auth/login"), "admin", &password)
            .await
    }

    /// A user with `roles`, signed in through nginx; its token.
    async fn user(&self, admin: &str, username: &str, roles: &[&str]) -> (String, Value) {
        let password = "a long enough password for the fault suite";
        let created = self
            .http
            .post(self.balanced("/api/v1/users"))
            .bearer_auth(admin)
            .json(&json!({
                "username": username, "displayName": username, "password": password,
                "roles": roles, "specialty": "Family medicine"
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(created.status(), StatusCode::CREATED, "create {username}");
        let user: Value = created.json().await.unwrap();
        let token = self
            .login_at(&self.balanced("/api/v1/auth/login"), username, password)
            .await;
        (token, user)
    }

    async fn send(
        &self,
        method: Method,
        url: &str,
        token: &str,
        body: Option<&Value>,
    ) -> (StatusCode, Value, HashMap<String, String>) {
        let mut request = self.http.request(method, url).bearer_auth(token);
        if let Some(body) = body {
            request = request.json(body);
        }
        answer(request).await
    }

    async fn register_patient(&self, token: &str, family: &str) -> Value {
        let (status, patient, _) = self
            .send(
                Method::POST,
                &self.balanced("/api/v1/patients"),
                token,
                Some(&json!({ "givenName": "Fault", "familyName": family, "birthDate": "1970-01-01", "sex": "female" })),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "register {family}: {patient}");
        patient
    }

    fn script(&self, args: &[&str]) {
        let status = Command::new("scripts/cluster.sh")
            .args(args)
            .status()
            .expect("scripts/cluster.sh runs");
        assert!(status.success(), "scripts/cluster.sh {args:?}");
    }

    fn signal(&self, node: u16, signal: &str) {
        self.script(&["kill", &node.to_string(), signal]);
    }

    fn restart(&self, node: u16) {
        self.script(&["start", &node.to_string()]);
    }
}

/// Sends `request`: its answer, or a 502 when it got none (the node died under it).
async fn answer(request: reqwest::RequestBuilder) -> (StatusCode, Value, HashMap<String, String>) {
    match request.send().await {
        Ok(response) => read(response).await,
        Err(_) => (StatusCode::BAD_GATEWAY, Value::Null, HashMap::new()),
    }
}

async fn read(response: reqwest::Response) -> (StatusCode, Value, HashMap<String, String>) {
    let status = response.status();
    let headers = response
        .headers()
        .iter()
        .map(|(name, value)| (name.to_string(), value.to_str().unwrap_or("").to_owned()))
        .collect();
    let body = response.json().await.unwrap_or(Value::Null);
    (status, body, headers)
}

/// Counts of what a case's traffic met.
#[derive(Default)]
struct Tally {
    sent: AtomicU64,
    acknowledged: AtomicU64,
    conflicts: AtomicU64,
    errors: AtomicU64,
    /// Requests sent again: keyed POSTs that failed in flight, and requests shed with
    /// 503 and Retry-After (refused, so nothing of theirs may be counted as written).
    retried: AtomicU64,
    unauthenticated: AtomicU64,
}

impl Tally {
    fn count(&self, field: &AtomicU64) {
        field.fetch_add(1, Ordering::Relaxed);
    }

    fn print(&self, case: &str, extra: &str) {
        println!(
            "{case}: sent {}, acknowledged {}, conflicts {}, errors {}, retried {}, unauthenticated {}{extra}",
            self.sent.load(Ordering::Relaxed),
            self.acknowledged.load(Ordering::Relaxed),
            self.conflicts.load(Ordering::Relaxed),
            self.errors.load(Ordering::Relaxed),
            self.retried.load(Ordering::Relaxed),
            self.unauthenticated.load(Ordering::Relaxed),
        );
    }
}

fn run_tag() -> String {
    format!("{}", chrono::Utc::now().timestamp_millis())
}

/// Case 1: A session works on every node, survives a node's `kill -9` under load, and a
/// logout through one node ends it on all.
async fn sessions(cluster: Cluster) -> Result<(), String> {
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

/// Case 2: Twenty clients update five patients with If-Match for 20 s: every acknowledged
/// update is in the database.
async fn lost_updates(cluster: Cluster) -> Result<(), String> {
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

/// Case 3: Fifty concurrent overlapping bookings across nodes: exactly one per slot.
async fn double_booking(cluster: Cluster) -> Result<(), String> {
    let admin = cluster.admin().await;
    let tag = run_tag();
    let (token, provider) = cluster
        .user(&admin, &format!("doc-{tag}"), &["clinician"])
        .await;
    let patient = cluster
        .register_patient(&token, &format!("Book{tag}"))
        .await;
    let day = chrono::Utc::now().date_naive() + chrono::Days::new(30);
    let tally = Arc::new(Tally::default());
    let mut attempts = Vec::new();
    for slot in 0..5u32 {
        for attempt in 0..10u32 {
            let start = day.and_hms_opt(8 + slot, attempt, 0).unwrap().and_utc();
            let end = start + chrono::Duration::minutes(30);
            let body = json!({
                "patientId": patient["id"], "providerId": provider["id"],
                "start": start, "end": end, "reason": "fault suite"
            });
            let node = ((slot * 10 + attempt) % u32::from(cluster.nodes) + 1) as u16;
            let (cluster, token, tally) = (cluster.clone(), token.clone(), tally.clone());
            attempts.push(tokio::spawn(async move {
                tally.count(&tally.sent);
                let (status, _, _) = cluster
                    .send(
                        Method::POST,
                        &cluster.node(node, "/api/v1/appointments"),
                        &token,
                        Some(&body),
                    )
                    .await;
                match status {
                    StatusCode::CREATED => tally.count(&tally.acknowledged),
                    StatusCode::CONFLICT => tally.count(&tally.conflicts),
                    _ => tally.count(&tally.errors),
                }
            }));
        }
    }
    for attempt in attempts {
        attempt.await.unwrap();
    }
    let from = day.and_hms_opt(0, 0, 0).unwrap().and_utc();
    let to = from + chrono::Duration::days(1);
    let (_, listed, _) = cluster
        .send(
            Method::GET,
            &cluster.balanced(&format!(
                "/api/v1/appointments?providerId={}&from={}&to={}&limit=100",
                provider["id"].as_str().unwrap(),
                from.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                to.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            )),
            &token,
            None,
        )
        .await;
    let booked = listed["items"].as_array().map_or(0, Vec::len);
    tally.print("double-booking", &format!(", appointments stored {booked}"));
    let acknowledged = tally.acknowledged.load(Ordering::Relaxed);
    if acknowledged != 5 || booked != 5 || tally.errors.load(Ordering::Relaxed) > 0 {
        return Err(format!(
            "{acknowledged} bookings acknowledged, {booked} stored, for 5 slots"
        ));
    }
    Ok(())
}

/// Case 5: Two clients fight for one record across nodes; the holder's node is stopped past
/// the lease, the other takes the lock and writes; the first, resumed, is refused.
async fn locks(cluster: Cluster) -> Result<(), String> {
    let admin = cluster.admin().await;
    let tag = run_tag();
    let (first, _) = cluster
        .user(&admin, &format!("grey-{tag}"), &["clinician"])
        .await;
    let (second, _) = cluster
        .user(&admin, &format!("yang-{tag}"), &["clinician"])
        .await;
    let patient = cluster
        .register_patient(&first, &format!("Lock{tag}"))
        .await;
    let id = patient["id"].as_str().unwrap();
    let resource = format!("patients/{id}");
    let path = format!("/api/v1/patients/{id}");
    let lease = 3;

    let (status, held, _) = cluster
        .send(
            Method::POST,
            &cluster.node(1, "/api/v1/locks"),
            &first,
            Some(&json!({ "resource": resource, "ttlSeconds": lease })),
        )
        .await;
    if status != StatusCode::CREATED {
        return Err(format!("the first lock answered {status}: {held}"));
    }
    let first_token = held["token"].as_str().unwrap().to_owned();
    let (status, refused, _) = cluster
        .send(
            Method::POST,
            &cluster.node(2, "/api/v1/locks"),
            &second,
            Some(&json!({ "resource": resource, "ttlSeconds": lease })),
        )
        .await;
    if status != StatusCode::LOCKED && status != StatusCode::CONFLICT {
        return Err(format!("a held lock was granted again: {status} {refused}"));
    }

    // The first holder's write reaches node 1, which is stopped before it answers.
    cluster.signal(1, "STOP");
    let body = json!({ "givenName": "Stale", "familyName": format!("Lock{tag}"), "birthDate": "1970-01-01", "sex": "female" });
    let stale = {
        // why: a connection of its own, opened while the node is stopped (the kernel
        // queues it): a pooled one would have idled past the node's keep-alive.
        let (http, url, first, first_token, body) = (
            reqwest::Client::builder()
                .pool_max_idle_per_host(0)
                .build()
                .unwrap(),
            cluster.node(1, &path),
            first.clone(),
            first_token.clone(),
            body.clone(),
        );
        tokio::spawn(async move {
            http.put(url)
                .bearer_auth(first)
                .header("if-match", "\"1\"")
                .header("lock-token", first_token)
                .json(&body)
                .send()
                .await
                .map(|response| response.status())
        })
    };
    tokio::time::sleep(Duration::from_secs(lease + 2)).await;

    // The lease ran out: the second client takes the lock through node 2 and writes.
    let (status, taken, _) = cluster
        .send(
            Method::POST,
            &cluster.node(2, "/api/v1/locks"),
            &second,
            Some(&json!({ "resource": resource, "ttlSeconds": 60 })),
        )
        .await;
    if status != StatusCode::CREATED {
        cluster.signal(1, "CONT");
        return Err(format!("the lapsed lock was not granted: {status} {taken}"));
    }
    let fencing = (held["fencingToken"].clone(), taken["fencingToken"].clone());
    let second_token = taken["token"].as_str().unwrap().to_owned();
    let response = cluster
        .http
        .put(cluster.node(2, &path))
        .bearer_auth(&second)
        .header("if-match", "\"1\"")
        .header("lock-token", &second_token)
        .json(&json!({ "givenName": "Fresh", "familyName": format!("Lock{tag}"), "birthDate": "1970-01-01", "sex": "female" }))
        .send()
        .await
        .unwrap();
    let fresh = response.status();
    cluster.signal(1, "CONT");
    let stale = stale.await.unwrap().map_err(|error| error.to_string())?;
    let (_, stored, _) = cluster
        .send(Method::GET, &cluster.balanced(&path), &second, None)
        .await;
    println!(
        "locks: fencing numbers {} then {}; the new holder's write {fresh}, the resumed holder's {stale}; stored name {}",
        fencing.0, fencing.1, stored["givenName"]
    );
    if fresh != StatusCode::OK || stale != StatusCode::LOCKED || stored["givenName"] != "Fresh" {
        return Err("the stale holder's write was not refused as locked".to_owned());
    }
    if fencing.1.as_i64() <= fencing.0.as_i64() {
        return Err("the new holder's fencing number is not larger".to_owned());
    }
    Ok(())
}

async fn jobs_of(cluster: &Cluster, admin: &str) -> Value {
    cluster
        .send(
            Method::GET,
            &cluster.balanced("/api/v1/admin/jobs"),
            admin,
            None,
        )
        .await
        .1
}

fn holder_of(jobs: &Value, job: &str) -> Option<String> {
    jobs["items"]
        .as_array()?
        .iter()
        .find(|entry| entry["name"] == job)?["holder"]
        .as_str()
        .map(str::to_owned)
}

async fn runs_of(cluster: &Cluster, admin: &str, job: &str) -> Vec<Value> {
    let (_, page, _) = cluster
        .send(
            Method::GET,
            &cluster.balanced(&format!("/api/v1/admin/jobs/{job}/runs?limit=200")),
            admin,
            None,
        )
        .await;
    page["items"].as_array().cloned().unwrap_or_default()
}

fn node_number(name: &str) -> u16 {
    name.trim_start_matches("node-").parse().unwrap()
}

/// Case 6: The job holder killed: another node runs the job within lease + tick; the holder
/// stopped past its lease and resumed: no period runs twice; reminders once each.
async fn singletons(cluster: Cluster) -> Result<(), String> {
    let admin = cluster.admin().await;
    let job = "session-reaper";
    let lease = Duration::from_secs(
        std::env::var("PRACTICA_JOB_LEASE_SECONDS")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(6),
    );
    let wait_for_holder = |not: Option<String>| {
        let (cluster, admin) = (cluster.clone(), admin.clone());
        async move {
            let started = Instant::now();
            while started.elapsed() < Duration::from_secs(60) {
                if let Some(holder) = holder_of(&jobs_of(&cluster, &admin).await, job) {
                    if Some(&holder) != not.as_ref() {
                        return Some((holder, started.elapsed()));
                    }
                }
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            None
        }
    };
    // Appointments in the next hours: each gets one reminder, whatever happens below.
    let tag = run_tag();
    let (doctor, provider) = cluster
        .user(&admin, &format!("remind-{tag}"), &["clinician"])
        .await;
    let patient = cluster
        .register_patient(&doctor, &format!("Remind{tag}"))
        .await;
    let mut appointments = Vec::new();
    for hour in 2..5 {
        let start = chrono::Utc::now() + chrono::Duration::hours(hour);
        let (status, booked, _) = cluster
            .send(
                Method::POST,
                &cluster.balanced("/api/v1/appointments"),
                &doctor,
                Some(&json!({
                    "patientId": patient["id"], "providerId": provider["id"], "start": start,
                    "end": start + chrono::Duration::minutes(20), "reason": "fault suite"
                })),
            )
            .await;
        if status != StatusCode::CREATED {
            return Err(format!("booking answered {status}: {booked}"));
        }
        appointments.push(booked["id"].as_str().unwrap().to_owned());
    }

    let (holder, _) = wait_for_holder(None).await.ok_or("no node took the job")?;
    let victim = node_number(&holder);
    cluster.signal(victim, "KILL");
    let (successor, took_over) = wait_for_holder(Some(holder.clone()))
        .await
        .ok_or("no node took the job over")?;
    println!(
        "singletons: {holder} killed; {successor} holds {job} after {:.1} s (lease {} s)",
        took_over.as_secs_f64(),
        lease.as_secs()
    );
    cluster.restart(victim);

    // The successor is stopped past its lease, then resumed.
    let stopped = node_number(&successor);
    cluster.signal(stopped, "STOP");
    tokio::time::sleep(lease + Duration::from_secs(3)).await;
    cluster.signal(stopped, "CONT");
    tokio::time::sleep(Duration::from_secs(3)).await;

    let mut duplicates = 0;
    let mut runs = 0;
    for job in [
        "session-reaper",
        "lock-reaper",
        "idempotency-purge",
        "login-failure-purge",
        "appointment-reminders",
    ] {
        let history = runs_of(&cluster, &admin, job).await;
        runs += history.len();
        let mut periods = HashSet::new();
        for run in &history {
            if !periods.insert(run["scheduledFor"].as_str().unwrap_or_default().to_owned()) {
                duplicates += 1;
            }
        }
    }
    println!("singletons: {runs} runs over five jobs, {duplicates} periods run twice; {} stopped {} s and resumed", successor, (lease + Duration::from_secs(3)).as_secs());
    let mut reminders = Vec::new();
    for appointment in &appointments {
        let (_, page, _) = cluster
            .send(
                Method::GET,
                &cluster.balanced(&format!(
                    "/api/v1/admin/notifications?appointmentId={appointment}"
                )),
                &admin,
                None,
            )
            .await;
        reminders.push(page["items"].as_array().map_or(0, Vec::len));
    }
    println!("singletons: reminders per appointment {reminders:?}");
    if reminders.iter().any(|count| *count != 1) {
        return Err("an appointment did not get exactly one reminder".to_owned());
    }
    if took_over > lease + Duration::from_secs(5) {
        return Err(format!(
            "the take-over took {:.1} s",
            took_over.as_secs_f64()
        ));
    }
    if duplicates > 0 {
        return Err("a period ran twice".to_owned());
    }
    Ok(())
}

/// Case 11: Each node in turn gets SIGTERM and starts again while traffic runs: no request
/// fails through nginx.
async fn rolling_restart(cluster: Cluster) -> Result<(), String> {
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
        cluster.signal(node, "TERM");
        // It drains, then exits: wait until its process is gone, then start it again.
        let stopping = Instant::now();
        while Command::new("scripts/cluster.sh")
            .args(["status"])
            .output()
            .map(|out| {
                String::from_utf8_lossy(&out.stdout).lines().any(|line| {
                    line.starts_with(&format!("node-{node} ")) && !line.ends_with(" down")
                })
            })
            .unwrap_or(false)
            && stopping.elapsed() < Duration::from_secs(15)
        {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
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

fn postgres(action: &str) {
    let version = std::fs::read_dir("/etc/postgresql")
        .expect("a Debian PostgreSQL cluster")
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .max()
        .expect("a PostgreSQL version");
    let status = Command::new("pg_ctlcluster")
        .args(["--skip-systemctl-redirect", &version, "main", action])
        .status()
        .expect("pg_ctlcluster runs");
    assert!(status.success(), "pg_ctlcluster {action}");
}

async fn node_processes(cluster: &Cluster) -> Vec<String> {
    let output = Command::new("scripts/cluster.sh")
        .arg("status")
        .output()
        .unwrap();
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter(|line| line.starts_with("node-"))
        .map(|line| {
            line.split_whitespace()
                .take(2)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .take(usize::from(cluster.nodes))
        .collect()
}

/// Case 7: PostgreSQL restarted under load, then stopped for 10 s: requests fail fast
/// with 503 and `Retry-After`, every node serves again within 5 s of its return, no
/// acknowledged write is lost, and no node restarts.
async fn database_restart(cluster: Cluster) -> Result<(), String> {
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
    let mut lost = 0;
    for id in &written {
        let (status, _, _) = cluster
            .send(
                Method::GET,
                &cluster.balanced(&format!("/api/v1/patients/{id}")),
                &token,
                None,
            )
            .await;
        if status != StatusCode::OK {
            lost += 1;
        }
    }
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

/// The pids of the cluster's Redis Cluster masters, by port.
fn redis_masters() -> Vec<(String, String)> {
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

fn signal_pid(pid: &str, signal: &str) {
    let status = Command::new("kill")
        .args([&format!("-{signal}"), pid])
        .status()
        .unwrap();
    assert!(status.success(), "kill -{signal} {pid}");
}

/// Whether the Redis master on `port` holds the session of the access token `token`.
fn holds_session(port: &str, token: &str) -> bool {
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
async fn sweep(cluster: &Cluster, tokens: &[String]) -> (Vec<StatusCode>, Duration, usize) {
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

fn counts(statuses: &[StatusCode]) -> BTreeMap<u16, usize> {
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
async fn redis_outage(cluster: Cluster) -> Result<(), String> {
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

/// One number from the cluster's database, by `psql`.
fn database_count(sql: &str) -> i64 {
    let server = std::env::var("PRACTICA_CLUSTER_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres:postgres@127.0.0.1:5432".to_owned());
    let output = Command::new("psql")
        .args(["-tAq", &format!("{server}/practica_cluster"), "-c", sql])
        .output()
        .expect("psql runs");
    String::from_utf8_lossy(&output.stdout)
        .trim()
        .parse()
        .unwrap_or(-1)
}

/// Text of `len` bytes that differs with `seed`: documents must be text to pass the
/// content check of `text/plain`.
fn document_text(seed: u64, len: usize) -> Vec<u8> {
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
async fn files(cluster: Cluster) -> Result<(), String> {
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

#[tokio::main]
async fn main() {
    let case = std::env::args().nth(1).unwrap_or_default();
    let cluster = Cluster::from_env();
    let outcome = match case.as_str() {
        "sessions" => sessions(cluster).await,
        "lost-updates" => lost_updates(cluster).await,
        "double-booking" => double_booking(cluster).await,
        "locks" => locks(cluster).await,
        "singletons" => singletons(cluster).await,
        "rolling-restart" => rolling_restart(cluster).await,
        "database-restart" => database_restart(cluster).await,
        "redis-outage" => redis_outage(cluster).await,
        "files" => files(cluster).await,
        _ => Err(format!("unknown case {case:?}")),
    };
    if let Err(why) = outcome {
        eprintln!("FAILED {case}: {why}");
        std::process::exit(1);
    }
    println!("passed {case}");
}
