//! The cluster under test, as the driver reaches it: nginx, each node, and the
//! `scripts/cluster.sh` that starts, signals and restarts them; and the tally a case keeps.

use std::collections::HashMap;
use std::process::Command;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

pub const ADMIN_PASSWORD_ENV: &str = "PRACTICA_CLUSTER_ADMIN_PASSWORD";

#[derive(Clone)]
pub struct Cluster {
    pub http: reqwest::Client,
    pub port: u16,
    pub nodes: u16,
}

impl Cluster {
    pub fn from_env() -> Self {
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
            // why: shorter than a node's own keep-alive (5 s), as nginx's is: a pooled
            // connection reused just as the node closes it fails with no answer, which
            // the cases would count as an error of the node's.
            .pool_idle_timeout(Duration::from_secs(2))
            .build()
            .unwrap();
        Self { http, port, nodes }
    }

    /// nginx, in front of every node.
    pub fn balanced(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// Node `i` (1-based), directly.
    pub fn node(&self, i: u16, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port + i)
    }

    pub async fn login_at(&self, url: &str, username: &str, password: &str) -> String {
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

    pub async fn admin(&self) -> String {
        let password = std::env::var(ADMIN_PASSWORD_ENV)
            .unwrap_or_else(|_| "cluster admin password".to_owned());
        self.login_at(&self.balanced("/api/v1/auth/login"), "admin", &password)
            .await
    }

    /// A user with `roles`, signed in through nginx; its token.
    pub async fn user(&self, admin: &str, username: &str, roles: &[&str]) -> (String, Value) {
        let password = "a long enough password for the fault suite";
        let created = self
            .http
            .post(self.balanced("/api/v1/users"))
            .bearer_auth(admin)
            .json(&json!({
                "username": username, "displayName": username, "password": password,
                "roles": roles, "specialty": "Family medicine", "passwordChangeRequired": false
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

    pub async fn send(
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

    pub async fn register_patient(&self, token: &str, family: &str) -> Value {
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

    /// How many of the patients `ids` (acknowledged as made) nginx cannot find.
    pub async fn patients_missing(&self, token: &str, ids: &[String]) -> usize {
        let mut missing = 0;
        for id in ids {
            let path = format!("/api/v1/patients/{id}");
            let (status, _, _) = self
                .send(Method::GET, &self.balanced(&path), token, None)
                .await;
            if status != StatusCode::OK {
                missing += 1;
            }
        }
        missing
    }

    pub fn script(&self, args: &[&str]) {
        let status = Command::new("scripts/cluster.sh")
            .args(args)
            .status()
            .expect("scripts/cluster.sh runs");
        assert!(status.success(), "scripts/cluster.sh {args:?}");
    }

    pub fn signal(&self, node: u16, signal: &str) {
        self.script(&["kill", &node.to_string(), signal]);
    }

    pub fn restart(&self, node: u16) {
        self.script(&["start", &node.to_string()]);
    }

    /// Starts `node` again with its clock `offset` ahead (`+300s`), through libfaketime.
    pub fn restart_with_clock_ahead(&self, node: u16, offset: &str) {
        self.script(&["start", &node.to_string(), offset]);
    }

    /// Sends `node` SIGTERM and waits until it has drained and exited (15 s at most).
    pub async fn stop(&self, node: u16) {
        self.signal(node, "TERM");
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
    }
}

/// Sends `request`: its answer, or a 502 when it got none (the node died under it).
pub async fn answer(
    request: reqwest::RequestBuilder,
) -> (StatusCode, Value, HashMap<String, String>) {
    match request.send().await {
        Ok(response) => read(response).await,
        Err(_) => (StatusCode::BAD_GATEWAY, Value::Null, HashMap::new()),
    }
}

pub async fn read(response: reqwest::Response) -> (StatusCode, Value, HashMap<String, String>) {
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
pub struct Tally {
    pub sent: AtomicU64,
    pub acknowledged: AtomicU64,
    pub conflicts: AtomicU64,
    pub errors: AtomicU64,
    /// Requests sent again: keyed POSTs that failed in flight, and requests shed with
    /// 503 and Retry-After (refused, so nothing of theirs may be counted as written).
    pub retried: AtomicU64,
    pub unauthenticated: AtomicU64,
}

impl Tally {
    pub fn count(&self, field: &AtomicU64) {
        field.fetch_add(1, Ordering::Relaxed);
    }

    pub fn print(&self, case: &str, extra: &str) {
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

pub fn run_tag() -> String {
    format!("{}", chrono::Utc::now().timestamp_millis())
}

pub async fn node_processes(cluster: &Cluster) -> Vec<String> {
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

/// One number from the cluster's database, by `psql`.
pub fn database_count(sql: &str) -> i64 {
    let server = std::env::var("PRACTICA_CLUSTER_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres:postgres@127.0.0.1:5432".to_owned());
    let database = std::env::var("PRACTICA_CLUSTER_DATABASE")
        .unwrap_or_else(|_| "practica_cluster".to_owned());
    let output = Command::new("psql")
        .args(["-tAq", &format!("{server}/{database}"), "-c", sql])
        .output()
        .expect("psql runs");
    String::from_utf8_lossy(&output.stdout)
        .trim()
        .parse()
        .unwrap_or(-1)
}
