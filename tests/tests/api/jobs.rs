//! Cluster jobs: once per period across nodes, taken over when the holder stops, fenced
//! writes, and purges that remove what they should and nothing live.

use std::time::Duration;

use domain::jobs::{Housekeeping, JobName, NodeInfo, NodeRegistry, Purge};
use domain::locks::FencingToken;
use domain::DomainError;
use persistence::jobs::{SqlHousekeeping, SqlNodeRegistry};
use reqwest::{Method, StatusCode};
use sea_orm::ConnectionTrait;
use serde_json::{json, Value};
use tests::{test_on_every_database, test_on_every_lock_store, Backend, LockStore, TestApp};

const TICK: Duration = Duration::from_millis(100);
// why: long beside the tick, so a test machine's stall does not hand a lease over.
const LEASE: Duration = Duration::from_secs(3);
const PERIOD: Duration = Duration::from_secs(1);

fn quick_jobs(
    node: &'static str,
    store: LockStore,
    every: Option<Duration>,
) -> impl FnOnce(&mut api::Settings) {
    move |settings| {
        settings.node_id = Some(node.to_owned());
        settings.jobs.tick = TICK;
        settings.jobs.lease = LEASE;
        settings.jobs.every = every;
        store.configure(settings);
    }
}

/// Three nodes on one database, ticking fast, running every job each `every` (each at
/// its own interval when `None`).
async fn cluster(store: LockStore, every: Option<Duration>) -> Option<Vec<TestApp>> {
    let backend = store.database()?;
    let first = TestApp::spawn_with(backend, quick_jobs("node-a", store, every)).await?;
    let second = TestApp::spawn_node(
        first.test_database.clone(),
        quick_jobs("node-b", store, every),
    )
    .await;
    let third = TestApp::spawn_node(
        first.test_database.clone(),
        quick_jobs("node-c", store, every),
    )
    .await;
    Some(vec![first, second, third])
}

async fn runs(app: &TestApp, admin: &str, job: &str) -> Vec<Value> {
    let page = app
        .get_json(&format!("/api/v1/admin/jobs/{job}/runs?limit=200"), admin)
        .await;
    page["items"].as_array().unwrap().clone()
}

async fn holder(app: &TestApp, admin: &str, job: &str) -> Option<String> {
    let jobs = app.get_json("/api/v1/admin/jobs", admin).await;
    let entry = jobs["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|entry| entry["name"] == job)
        .cloned()
        .unwrap();
    entry["holder"].as_str().map(str::to_owned)
}

async fn each_job_runs_once_per_period_on_the_node_holding_it(store: LockStore) {
    let Some(nodes) = cluster(store, Some(PERIOD)).await else {
        return;
    };
    let admin = nodes[0].admin_token().await;
    tokio::time::sleep(PERIOD * 4).await;
    for job in JobName::ALL {
        let name = job.as_str();
        let runs = runs(&nodes[1], &admin, name).await;
        // why: a holder runs the period at hand when it ticks; a tick slowed by a busy
        // machine may skip a period (the next one catches up), never run one twice.
        assert!(
            runs.len() >= 2,
            "{name}: {} runs in four periods",
            runs.len()
        );
        let holder = holder(&nodes[2], &admin, name)
            .await
            .expect("someone holds it");
        assert_eq!(
            runs[0]["node"],
            holder.as_str(),
            "{name}: the holder runs it: {runs:?}"
        );
        assert!(
            runs.iter()
                .all(|run| run["outcome"] == "succeeded" || run["outcome"] == "running"),
            "{runs:?}"
        );
    }
    let listed = nodes[0].get_json("/api/v1/admin/nodes", &admin).await;
    let mut names: Vec<&str> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .inspect(|node| assert_eq!(node["gone"], false, "{node}"))
        .map(|node| node["name"].as_str().unwrap())
        .collect();
    names.sort_unstable();
    assert_eq!(names, ["node-a", "node-b", "node-c"]);

    let overview = nodes[1].get_json("/api/v1/admin/jobs", &admin).await;
    for entry in overview["items"].as_array().unwrap() {
        let due = entry["nextDue"].as_str().unwrap();
        let last = entry["lastRun"]["scheduledFor"].as_str().unwrap();
        assert!(
            due > last,
            "the next period comes after the last run's: {entry}"
        );
    }

    // An operator can alert on a job nobody holds: the gauge sums to 1 over the nodes.
    let mut holders = 0;
    for node in &nodes {
        let metrics = node.get("/metrics").await.text().await.unwrap();
        if metrics.contains("practica_job_lease_held{job=\"lock-reaper\"} 1") {
            holders += 1;
            assert!(metrics
                .contains("practica_job_runs_total{job=\"lock-reaper\",outcome=\"succeeded\"}"));
        }
    }
    assert_eq!(holders, 1);
}

async fn a_stopped_holder_hands_its_jobs_over_within_a_lease(store: LockStore) {
    let Some(mut nodes) = cluster(store, Some(PERIOD)).await else {
        return;
    };
    let admin = nodes[0].admin_token().await;
    tokio::time::sleep(TICK * 5).await;
    let job = JobName::LockReaper.as_str();
    let first_holder = holder(&nodes[0], &admin, job).await.expect("a holder");
    let index = ["node-a", "node-b", "node-c"]
        .iter()
        .position(|name| *name == first_holder)
        .unwrap();
    let stopped = nodes.remove(index);
    stopped.server().stop(true).await;
    drop(stopped);
    tokio::time::sleep(LEASE + TICK * 3).await;
    let survivor = &nodes[0];
    let admin = survivor.admin_token().await;
    let next_holder = holder(survivor, &admin, job).await.expect("taken over");
    assert_ne!(next_holder, first_holder);
    let nodes = survivor.get_json("/api/v1/admin/nodes", &admin).await;
    let stopped_node = nodes["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|node| node["name"] == first_holder.as_str())
        .cloned()
        .unwrap();
    assert_eq!(stopped_node["gone"], true, "a silent node is shown as gone");
    tokio::time::sleep(PERIOD + TICK * 3).await;
    let runs = runs(survivor, &admin, job).await;
    assert!(
        runs.iter().any(|run| run["node"] == next_holder.as_str()),
        "the new holder runs the job: {runs:?}"
    );
}

async fn a_run_asked_for_runs_once_on_the_holder(store: LockStore) {
    let Some(nodes) = cluster(store, None).await else {
        return;
    };
    let admin = nodes[0].admin_token().await;
    // Hourly, as in production: after the first period's run, nothing is due.
    let job = JobName::IdempotencyPurge.as_str();
    tokio::time::sleep(TICK * 5).await;
    let before = runs(&nodes[0], &admin, job).await.len();
    let asked = nodes[1]
        .authed(
            Method::POST,
            &format!("/api/v1/admin/jobs/{job}/run"),
            &admin,
        )
        .send()
        .await
        .unwrap();
    assert_eq!(asked.status(), StatusCode::ACCEPTED);
    let requested_at = asked.json::<Value>().await.unwrap()["requestedAt"].clone();
    let asked_run = |runs: &[Value]| {
        runs.iter()
            .filter(|run| run["scheduledFor"] == requested_at)
            .cloned()
            .collect::<Vec<_>>()
    };
    let mut after = runs(&nodes[0], &admin, job).await;
    for _ in 0..50 {
        let finished = asked_run(&after)
            .first()
            .is_some_and(|run| run["outcome"] != "running");
        if finished {
            break;
        }
        tokio::time::sleep(TICK).await;
        after = runs(&nodes[0], &admin, job).await;
    }
    let ran = asked_run(&after);
    assert_eq!(ran.len(), 1, "the asked-for run, once: {after:?}");
    assert_eq!(ran[0]["outcome"], "succeeded");
    let holder = holder(&nodes[2], &admin, job).await.expect("a holder");
    assert_eq!(ran[0]["node"], holder.as_str());
    assert!(after.len() > before);
    let unknown = nodes[0]
        .authed(Method::POST, "/api/v1/admin/jobs/nightly/run", &admin)
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
}

async fn a_holder_that_died_is_taken_over_once_its_lease_runs_out(store: LockStore) {
    // A first node makes the database and runs no jobs.
    let Some(backend) = store.database() else {
        return;
    };
    let Some(first) = TestApp::spawn_with(backend, |settings| {
        settings.jobs.enabled = false;
        store.configure(settings);
    })
    .await
    else {
        return;
    };
    // A node that took the lock reaper's lease and died: nobody releases it.
    let locks: std::sync::Arc<dyn domain::locks::LockManager> = match store {
        LockStore::Sql(_) => std::sync::Arc::new(persistence::locks::SqlLockManager::new(
            first.database().connection().clone(),
        )),
        LockStore::Redis => std::sync::Arc::new(
            persistence::Redis::connect(&tests::redis_url().unwrap(), false, 2)
                .unwrap()
                .lock_manager(),
        ),
    };
    let dead = domain::locks::LockHolder {
        user_id: domain::auth::UserId::from_uuid(uuid::Uuid::nil()),
        session_id: domain::auth::SessionId::generate(),
        display_name: "node-dead".to_owned(),
    };
    let resource = domain::locks::LockedResource::Job(JobName::LockReaper);
    let held = locks
        .acquire(resource, &dead, LEASE, Duration::from_secs(24 * 3600))
        .await
        .unwrap();
    assert!(matches!(held, domain::locks::LockOutcome::Done(_)));
    let taken_at = std::time::Instant::now();

    let database = first.test_database.clone();
    let survivor = TestApp::spawn_node(database, quick_jobs("node-b", store, Some(PERIOD))).await;
    let admin = survivor.admin_token().await;
    let job = JobName::LockReaper.as_str();
    assert_eq!(
        holder(&survivor, &admin, job).await.as_deref(),
        Some("node-dead")
    );
    let mut took_over = None;
    while taken_at.elapsed() < LEASE * 3 {
        if holder(&survivor, &admin, job).await.as_deref() == Some("node-b") {
            took_over = Some(taken_at.elapsed());
            break;
        }
        tokio::time::sleep(TICK).await;
    }
    let took_over = took_over.expect("the survivor takes the lease over");
    assert!(
        took_over >= LEASE,
        "not before the lease ran out: {took_over:?}"
    );
    assert!(
        took_over <= LEASE + TICK * 10,
        "within the lease and a tick (and a loaded machine's slack): {took_over:?}"
    );
}

/// The value of one sample line of `/metrics`, e.g. `practica_job_lease_held{job="x"}`.
async fn metric(app: &TestApp, sample: &str) -> Option<f64> {
    let text = app.get("/metrics").await.text().await.unwrap();
    text.lines()
        .find_map(|line| line.strip_prefix(sample))
        .and_then(|value| value.trim().parse().ok())
}

async fn the_metrics_show_runs_and_one_lease_holder_per_job(store: LockStore) {
    let Some(nodes) = cluster(store, Some(Duration::from_secs(3600))).await else {
        return;
    };
    let admin = nodes[0].admin_token().await;
    let job = "session-reaper";
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while runs(&nodes[0], &admin, job).await.is_empty() {
        assert!(std::time::Instant::now() < deadline, "the job never ran");
        tokio::time::sleep(TICK).await;
    }
    let holder = holder(&nodes[0], &admin, job).await.unwrap();
    let mut held = 0.0;
    let mut succeeded = 0.0;
    for (node, name) in nodes.iter().zip(["node-a", "node-b", "node-c"]) {
        let lease = metric(node, &format!("practica_job_lease_held{{job=\"{job}\"}}")).await;
        held += lease.unwrap_or(0.0);
        if name == holder {
            assert_eq!(lease, Some(1.0), "the holder {name} says so");
        }
        succeeded += metric(
            node,
            &format!("practica_job_runs_total{{job=\"{job}\",outcome=\"succeeded\"}}"),
        )
        .await
        .unwrap_or(0.0);
    }
    assert_eq!(held, 1.0, "one holder across the nodes");
    assert_eq!(succeeded, 1.0, "one run across the nodes this period");
}

test_on_every_lock_store!(
    the_metrics_show_runs_and_one_lease_holder_per_job,
    a_holder_that_died_is_taken_over_once_its_lease_runs_out,
    each_job_runs_once_per_period_on_the_node_holding_it,
    a_stopped_holder_hands_its_jobs_over_within_a_lease,
    a_run_asked_for_runs_once_on_the_holder,
);

async fn a_former_holder_writes_nothing_after_a_later_one(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, |s| s.jobs.enabled = false).await else {
        return;
    };
    let housekeeping = SqlHousekeeping::new(app.database().connection().clone());
    let job = JobName::IdempotencyPurge;
    let later = FencingToken::new(chrono::Utc::now().timestamp_millis() + 1_000_000);
    housekeeping
        .purge(job, later, Purge::ExpiredIdempotencyRecords)
        .await
        .unwrap();
    let earlier = FencingToken::new(later.get() - 1);
    let refused = housekeeping
        .purge(job, earlier, Purge::ExpiredIdempotencyRecords)
        .await;
    assert!(matches!(refused, Err(DomainError::LockLost)), "{refused:?}");
}

async fn each_purge_removes_what_it_should_and_nothing_live(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, |s| s.jobs.enabled = false).await else {
        return;
    };
    let housekeeping = SqlHousekeeping::new(app.database().connection().clone());
    let fence = || FencingToken::new(chrono::Utc::now().timestamp_millis() + 1_000_000);
    let doctor = app.user_with_roles("doc", &["clinician"]).await;

    // Idempotency records: one made to look expired, one fresh.
    for key in ["first-key", "second-key"] {
        let created = app
            .authed(Method::POST, "/api/v1/patients", &doctor)
            .header("idempotency-key", key)
            .json(&json!({ "givenName": "Meredith", "familyName": "Grey", "birthDate": "1978-09-27", "sex": "female" }))
            .send()
            .await
            .unwrap();
        assert_eq!(created.status(), StatusCode::CREATED);
    }
    app.database()
        .connection()
        .execute_unprepared(
            "UPDATE idempotency_keys SET expires_at = created_at WHERE idempotency_key = 'first-key'",
        )
        .await
        .unwrap();
    let purged = housekeeping
        .purge(
            JobName::IdempotencyPurge,
            fence(),
            Purge::ExpiredIdempotencyRecords,
        )
        .await
        .unwrap();
    assert_eq!(purged, 1);
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM idempotency_keys")
            .await,
        1
    );

    // Failed logins: an old batch goes, a fresh one stays.
    for _ in 0..2 {
        app.try_login("nobody", "wrong password 1").await;
    }
    tokio::time::sleep(Duration::from_millis(1200)).await;
    app.try_login("nobody", "wrong password 2").await;
    let before = app.count("SELECT COUNT(*) AS n FROM login_failures").await;
    let purged = housekeeping
        .purge(
            JobName::LoginFailurePurge,
            fence(),
            Purge::LoginFailuresOlderThan(Duration::from_secs(1)),
        )
        .await
        .unwrap();
    assert!(purged >= 2, "purged {purged}");
    let after = app.count("SELECT COUNT(*) AS n FROM login_failures").await;
    assert_eq!(after, before - i64::try_from(purged).unwrap());
    assert!(after >= 1, "the fresh failure stays");

    // Record locks: an expired one goes, a live one stays.
    let patient = app.register_patient(&doctor, "Cristina", "Yang").await;
    let lock = |resource: String, ttl: u64| {
        app.authed(Method::POST, "/api/v1/locks", &doctor)
            .json(&json!({ "resource": resource, "ttlSeconds": ttl }))
            .send()
    };
    let first: Value = app.get_json("/api/v1/patients?q=grey", &doctor).await["items"][0].clone();
    assert_eq!(
        lock(format!("patients/{}", first["id"].as_str().unwrap()), 1)
            .await
            .unwrap()
            .status(),
        StatusCode::CREATED
    );
    assert_eq!(
        lock(format!("patients/{}", patient["id"].as_str().unwrap()), 60)
            .await
            .unwrap()
            .status(),
        StatusCode::CREATED
    );
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let live = "SELECT COUNT(*) AS n FROM record_locks WHERE resource LIKE 'patients/%'";
    assert_eq!(app.count(live).await, 2);
    housekeeping
        .purge(JobName::LockReaper, fence(), Purge::ExpiredLocks)
        .await
        .unwrap();
    assert_eq!(app.count(live).await, 1, "only the expired lock goes");

    // Sessions: one ended a while ago goes (its spent hashes with it); live ones stay.
    let leaving = app.user_with_roles("leaving", &["billing"]).await;
    assert_eq!(
        app.status(Method::POST, "/api/v1/auth/logout", &leaving)
            .await,
        StatusCode::NO_CONTENT
    );
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let ended = "SELECT COUNT(*) AS n FROM sessions WHERE revoked_at IS NOT NULL";
    let live_sessions = "SELECT COUNT(*) AS n FROM sessions WHERE revoked_at IS NULL";
    assert!(app.count(ended).await >= 1);
    let live_before = app.count(live_sessions).await;
    housekeeping
        .purge(
            JobName::SessionReaper,
            fence(),
            Purge::SessionsEndedLongerThan(Duration::from_secs(1)),
        )
        .await
        .unwrap();
    assert_eq!(app.count(ended).await, 0);
    assert_eq!(
        app.count(live_sessions).await,
        live_before,
        "live sessions stay"
    );
    assert_eq!(
        app.status(Method::GET, "/api/v1/me", &doctor).await,
        StatusCode::OK
    );
}

async fn the_signing_key_is_rotated_and_old_tokens_still_verify(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, |settings| {
        settings.jobs.enabled = false;
    })
    .await
    else {
        return;
    };
    let admin = app.admin_token().await;
    let housekeeping = SqlHousekeeping::new(app.database().connection().clone());
    let rotate = |max_age: Duration| domain::jobs::KeyRotation {
        replace_older_than: max_age,
        forget_retired_after: domain::auth::RETIRED_KEY_GRACE,
        new_key: domain::auth::SigningKey::generate(chrono::Utc::now()),
    };
    let fence = || FencingToken::new(chrono::Utc::now().timestamp_millis() + 1_000_000);
    let active = "SELECT COUNT(*) AS n FROM signing_keys WHERE retired_at IS NULL";
    let retired = "SELECT COUNT(*) AS n FROM signing_keys WHERE retired_at IS NOT NULL";

    let young = housekeeping
        .rotate_signing_key(
            JobName::SigningKeyRotation,
            fence(),
            rotate(Duration::from_secs(3600)),
        )
        .await
        .unwrap();
    assert_eq!(young, 0, "a young key stays");
    tokio::time::sleep(Duration::from_millis(20)).await;
    let rotated = housekeeping
        .rotate_signing_key(JobName::SigningKeyRotation, fence(), rotate(Duration::ZERO))
        .await
        .unwrap();
    assert_eq!(rotated, 2, "the old key retired, a new one stored");
    assert_eq!(app.count(active).await, 1);
    assert_eq!(app.count(retired).await, 1);
    assert_eq!(
        app.status(Method::GET, "/api/v1/me", &admin).await,
        StatusCode::OK,
        "tokens signed with the retired key verify until they expire"
    );
}

async fn reminders_come_out_once_per_appointment_and_never_stale(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, |s| s.jobs.enabled = false).await else {
        return;
    };
    let admin = app.admin_token().await;
    let doctor = app.user_with_roles("doc", &["clinician"]).await;
    let me = app.get_json("/api/v1/me", &doctor).await;
    let patient = app.register_patient(&doctor, "Miranda", "Bailey").await;
    let hours_ahead = |hours: i64| {
        let start = chrono::Utc::now() + chrono::Duration::hours(hours);
        let start = start.format("%Y-%m-%dT%H:00:00Z").to_string();
        let end = (chrono::Utc::now() + chrono::Duration::hours(hours))
            .format("%Y-%m-%dT%H:30:00Z")
            .to_string();
        (start, end)
    };
    let book = |hours: i64| {
        let (start, end) = hours_ahead(hours);
        app.authed(Method::POST, "/api/v1/appointments", &doctor)
            .json(&json!({ "patientId": patient["id"], "providerId": me["id"], "start": start, "end": end, "reason": "follow-up" }))
            .send()
    };
    let soon: Value = book(3).await.unwrap().json().await.unwrap();
    let later: Value = book(30).await.unwrap().json().await.unwrap();
    let housekeeping = SqlHousekeeping::new(app.database().connection().clone());
    let fence = || FencingToken::new(chrono::Utc::now().timestamp_millis() + 1_000_000);
    let day = Duration::from_secs(24 * 3600);
    let outbox = |appointment: &Value| {
        let path = format!(
            "/api/v1/admin/notifications?appointmentId={}",
            appointment["id"].as_str().unwrap()
        );
        let (app, admin) = (&app, &admin);
        async move {
            app.get_json(&path, admin).await["items"]
                .as_array()
                .unwrap()
                .clone()
        }
    };

    for _ in 0..5 {
        housekeeping
            .queue_reminders(JobName::AppointmentReminders, fence(), day)
            .await
            .unwrap();
    }
    let queued = outbox(&soon).await;
    assert_eq!(queued.len(), 1, "once, over many cycles: {queued:?}");
    assert_eq!(queued[0]["status"], "pending");
    assert_eq!(queued[0]["startsAt"], soon["start"]);
    assert!(outbox(&later).await.is_empty(), "not yet within a day");

    let (start, end) = hours_ahead(5);
    let moved = app
        .authed(
            Method::PATCH,
            &format!("/api/v1/appointments/{}", soon["id"].as_str().unwrap()),
            &doctor,
        )
        .header("if-match", "\"1\"")
        .json(&json!({ "start": start, "end": end }))
        .send()
        .await
        .unwrap();
    assert_eq!(moved.status(), StatusCode::OK);
    housekeeping
        .queue_reminders(JobName::AppointmentReminders, fence(), day)
        .await
        .unwrap();
    let followed = outbox(&soon).await;
    assert_eq!(followed.len(), 1);
    assert_eq!(
        followed[0]["startsAt"],
        start.as_str(),
        "the reminder follows the move"
    );

    let cancelled = app
        .authed(
            Method::PATCH,
            &format!("/api/v1/appointments/{}", soon["id"].as_str().unwrap()),
            &doctor,
        )
        .header("if-match", "\"2\"")
        .json(&json!({ "status": "cancelled" }))
        .send()
        .await
        .unwrap();
    assert_eq!(cancelled.status(), StatusCode::OK);
    housekeeping
        .queue_reminders(JobName::AppointmentReminders, fence(), day)
        .await
        .unwrap();
    let withdrawn = outbox(&soon).await;
    assert_eq!(withdrawn.len(), 1);
    assert_eq!(withdrawn[0]["status"], "withdrawn", "no stale reminder");
    // Each notification read names a patient and an appointment: audited.
    let listed = app
        .audit_actions(
            &admin,
            patient["id"].as_str().unwrap(),
            Some("notification"),
        )
        .await;
    assert!(
        !listed.is_empty() && listed.iter().all(|action| action == "list"),
        "{listed:?}"
    );
}

test_on_every_database!(
    reminders_come_out_once_per_appointment_and_never_stale,
    the_signing_key_is_rotated_and_old_tokens_still_verify,
    a_former_holder_writes_nothing_after_a_later_one,
    each_purge_removes_what_it_should_and_nothing_live,
);

async fn a_restarted_node_shows_its_new_start(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, |s| s.jobs.enabled = false).await else {
        return;
    };
    let registry = SqlNodeRegistry::new(app.database().connection().clone());
    let mut node = NodeInfo {
        name: "node-x".to_owned(),
        host: "host-1".to_owned(),
        listen_address: "127.0.0.1:8080".to_owned(),
        process_id: 100,
        version: "1.0.0".to_owned(),
    };
    let started = |records: Vec<domain::jobs::NodeRecord>| {
        let record = records
            .into_iter()
            .find(|r| r.info.name == "node-x")
            .unwrap();
        (
            record.started_at,
            record.last_seen_at,
            record.info.process_id,
        )
    };
    registry.heartbeat(&node).await.unwrap();
    let (first_start, _, _) = started(registry.list().await.unwrap().0);
    tokio::time::sleep(Duration::from_millis(50)).await;
    registry.heartbeat(&node).await.unwrap();
    let (start, seen, _) = started(registry.list().await.unwrap().0);
    assert_eq!(start, first_start, "a heartbeat is no new start");
    assert!(seen > first_start);

    node.process_id = 200;
    tokio::time::sleep(Duration::from_millis(50)).await;
    registry.heartbeat(&node).await.unwrap();
    let (start, seen, process) = started(registry.list().await.unwrap().0);
    assert_eq!(process, 200);
    assert!(start > first_start, "the new process's start is shown");
    assert_eq!(start, seen);
}

test_on_every_database!(a_restarted_node_shows_its_new_start);
