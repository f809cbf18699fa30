//! The integration-test harness: the real application on a random port, on a fresh
//! database of either kind, talked to over HTTP.
//!
//! Postgres tests read `PRACTICA_TEST_DATABASE_URL` (a server URL whose user may create
//! databases) and Redis tests `PRACTICA_TEST_REDIS_URL`. Unset, those tests say they were
//! skipped and pass; with `CI=true` they must be set, or the run fails. Logs print only
//! when `TEST_LOG` is set.

// why: this crate is test support; a failed set-up step should fail the test loudly.
#![allow(clippy::expect_used, clippy::unwrap_used)]

mod database;
mod routes;
mod stores;

use std::sync::{Arc, Once};

use actix_web::dev::ServerHandle;
use api::settings::{LogFormat, Secret, Settings};
use api::Application;
use persistence::Database;

pub use database::{Backend, TestDatabase};
pub use stores::LockStore;

/// The first admin's password in every test app (user `admin`).
pub const ADMIN_PASSWORD: &str = "admin password for tests";

/// One running node of the application.
pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub test_database: Arc<TestDatabase>,
    database: Database,
    handle: ServerHandle,
}

impl TestApp {
    /// A node on a fresh database of `backend`; `None` when that backend is not
    /// configured here (the test then returns early, having said it was skipped).
    pub async fn spawn(backend: Backend) -> Option<Self> {
        Self::spawn_with(backend, |_| {}).await
    }

    pub async fn spawn_with(
        backend: Backend,
        customize: impl FnOnce(&mut Settings),
    ) -> Option<Self> {
        let database = TestDatabase::create(backend).await?;
        Some(Self::spawn_node(Arc::new(database), customize).await)
    }

    /// Another node on the same database, as a second server behind a load balancer.
    pub async fn spawn_node(
        test_database: Arc<TestDatabase>,
        customize: impl FnOnce(&mut Settings),
    ) -> Self {
        init_logs_once();
        let mut settings = Settings::default();
        settings.http.listen = "127.0.0.1:0".parse().expect("a valid address");
        settings.http.workers = Some(2);
        settings.http.shutdown_timeout = std::time::Duration::from_secs(5);
        settings.database.url = test_database.url.clone();
        settings.database.max_connections = 5;
        settings.auth.admin_password = Some(Secret::new(ADMIN_PASSWORD));
        customize(&mut settings);
        let application = Application::build_with(settings, routes::test_routes)
            .await
            .expect("the application builds");
        let address = format!("http://{}", application.address());
        let database = application.database().clone();
        let handle = application.handle();
        tokio::spawn(application.run_until_stopped());
        Self {
            address,
            client: reqwest::Client::new(),
            test_database,
            database,
            handle,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("the request reaches the server")
    }

    /// Signs in; panics unless the answer is 200. Returns the token pair's JSON.
    pub async fn login(&self, username: &str, password: &str) -> serde_json::Value {
        let response = self.try_login(username, password).await;
        assert_eq!(
            response.status(),
            reqwest::StatusCode::OK,
            "login as {username}"
        );
        response.json().await.expect("a token pair")
    }

    pub async fn try_login(&self, username: &str, password: &str) -> reqwest::Response {
        self.client
            .post(self.url("/api/v1/auth/login"))
            .json(&serde_json::json!({ "username": username, "password": password }))
            .send()
            .await
            .expect("the request reaches the server")
    }

    /// An access token of the first admin.
    pub async fn admin_token(&self) -> String {
        access_token(&self.login("admin", ADMIN_PASSWORD).await)
    }

    /// Creates a user with `roles` (as admin) and signs in as them; returns their access token.
    pub async fn user_with_roles(&self, username: &str, roles: &[&str]) -> String {
        let admin = self.admin_token().await;
        let password = format!("{username} password 123");
        let response = self
            .client
            .post(self.url("/api/v1/users"))
            .bearer_auth(&admin)
            .json(&serde_json::json!({
                "username": username,
                "displayName": username,
                "password": password,
                "roles": roles,
                "passwordChangeRequired": false,
            }))
            .send()
            .await
            .expect("the request reaches the server");
        assert_eq!(
            response.status(),
            reqwest::StatusCode::CREATED,
            "create {username}"
        );
        access_token(&self.login(username, &password).await)
    }

    /// A request with a bearer token.
    pub fn authed(
        &self,
        method: reqwest::Method,
        path: &str,
        token: &str,
    ) -> reqwest::RequestBuilder {
        self.client
            .request(method, self.url(path))
            .bearer_auth(token)
    }

    /// The status of a body-less request with a bearer token.
    pub async fn status(
        &self,
        method: reqwest::Method,
        path: &str,
        token: &str,
    ) -> reqwest::StatusCode {
        self.authed(method, path, token)
            .send()
            .await
            .expect("the request reaches the server")
            .status()
    }

    /// Registers a patient (as `token`, who may) and returns the record's JSON.
    pub async fn register_patient(
        &self,
        token: &str,
        given: &str,
        family: &str,
    ) -> serde_json::Value {
        let response = self
            .authed(reqwest::Method::POST, "/api/v1/patients", token)
            .json(&serde_json::json!({
                "givenName": given, "familyName": family, "birthDate": "1980-01-01", "sex": "female"
            }))
            .send()
            .await
            .expect("the request reaches the server");
        assert_eq!(
            response.status(),
            reqwest::StatusCode::CREATED,
            "register {given} {family}"
        );
        response.json().await.expect("a patient")
    }

    /// The actions of a patient's audit trail, oldest first, of `resource_type` only
    /// when given (read as `admin`), leaving out the reads of the trail itself.
    pub async fn audit_actions(
        &self,
        admin: &str,
        patient_id: &str,
        resource_type: Option<&str>,
    ) -> Vec<String> {
        let trail = self
            .get_json(&format!("/api/v1/audit?patientId={patient_id}"), admin)
            .await;
        trail["items"]
            .as_array()
            .expect("a page of events")
            .iter()
            // why: reading the trail is on the trail too; these are the reads before it.
            .filter(|event| event["resourceType"] != "audit_event")
            .filter(|event| resource_type.is_none_or(|kind| event["resourceType"] == kind))
            .map(|event| event["action"].as_str().expect("an action").to_owned())
            .collect()
    }

    /// The JSON answer of a GET with a bearer token.
    pub async fn get_json(&self, path: &str, token: &str) -> serde_json::Value {
        self.authed(reqwest::Method::GET, path, token)
            .send()
            .await
            .expect("the request reaches the server")
            .json()
            .await
            .expect("a JSON answer")
    }

    /// The node's own pool, as the application holds it.
    pub fn database(&self) -> &Database {
        &self.database
    }

    pub fn server(&self) -> &ServerHandle {
        &self.handle
    }

    /// The number a `SELECT COUNT(*) AS n ...` query answers, read straight from the
    /// node's database.
    pub async fn count(&self, sql: &str) -> i64 {
        use sea_orm::{ConnectionTrait, Statement};
        let connection = self.database.connection();
        let row = connection
            .query_one(Statement::from_string(
                connection.get_database_backend(),
                sql,
            ))
            .await
            .expect("the count runs")
            .expect("a count answers a row");
        row.try_get::<i64>("", "n").expect("a count named n")
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        // Sends the stop command at once; the returned future only waits for it.
        drop(self.handle.stop(false));
    }
}

/// The access token of a token pair's JSON.
pub fn access_token(pair: &serde_json::Value) -> String {
    pair["accessToken"]
        .as_str()
        .expect("an access token")
        .to_owned()
}

/// `PRACTICA_TEST_REDIS_URL`, or `None` (and a note that the test was skipped).
pub fn redis_url() -> Option<String> {
    database::required_env("PRACTICA_TEST_REDIS_URL")
}

/// `PRACTICA_TEST_REDIS_CLUSTER_URL`: the comma-separated URLs of a Redis Cluster's
/// nodes (`scripts/redis-cluster.sh` starts one), or `None` and a note.
pub fn redis_cluster_url() -> Option<String> {
    database::required_env("PRACTICA_TEST_REDIS_CLUSTER_URL")
}

fn init_logs_once() {
    static INIT: Once = Once::new();
    INIT.call_once(|| {
        if std::env::var_os("TEST_LOG").is_some() {
            api::telemetry::init(LogFormat::Text, "info");
        }
    });
}

/// Defines one `#[tokio::test]` per database backend for each named async test body
/// `async fn name(backend: Backend)`: `name::sqlite` and `name::postgres`.
#[macro_export]
macro_rules! test_on_every_database {
    ($($test:ident),+ $(,)?) => {$(
        mod $test {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$test($crate::Backend::Sqlite).await
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$test($crate::Backend::Postgres).await
            }
        }
    )+};
}
