//! The scheduler driven in-process, with its ports wrapped: a holder paused mid-run
//! (the way SIGSTOP pauses a process: its future is simply not polled) past its lease
//! writes nothing when it resumes; a job that fails or panics is recorded and retried,
//! and the node's other jobs carry on.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use async_trait::async_trait;
use domain::jobs::{
    Housekeeping, JobName, JobObserver, JobPorts, JobRuns, KeyRotation, NodeInfo, Purge,
    RunOutcome, Scheduler,
};
use domain::locks::FencingToken;
use domain::DomainError;
use persistence::documents::SqlFileStore;
use persistence::jobs::{SqlHousekeeping, SqlJobRuns, SqlNodeRegistry};
use persistence::locks::SqlLockManager;
use persistence::Connection;
use reqwest::{Method, StatusCode};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::json;
use tests::{test_on_every_database, Backend, TestApp};
use tokio::sync::{watch, Notify};

const LEASE: Duration = Duration::from_secs(2);
const JOB: JobName = JobName::IdempotencyPurge;

type PurgeHook = Box<
    dyn Fn(JobName) -> futures_util::future::BoxFuture<'static, Result<(), DomainError>>
        + Send
        + Sync,
>;

/// The real housekeeping, with a hook that runs before each purge: the tests' way to
/// stop one at the door of its write, or to break it.
struct HookedHousekeeping {
    inner: SqlHousekeeping,
    before_purge: PurgeHook,
}

#[async_trait]
impl Housekeeping for HookedHousekeeping {
    async fn purge(
        &self,
        job: JobName,
        fence: FencingToken,
        purge: Purge,
    ) -> Result<u64, DomainError> {
        (self.before_purge)(job).await?;
        self.inner.purge(job, fence, purge).await
    }

    async fn rotate_signing_key(
        &self,
        job: JobName,
        fence: FencingToken,
        rotation: KeyRotation,
    ) -> Result<u64, DomainError> {
        self.inner.rotate_signing_key(job, fence, rotation).await
    }

    async fn queue_reminders(
        &self,
        job: JobName,
        fence: FencingToken,
        window: Duration,
    ) -> Result<u64, DomainError> {
        self.inner.queue_reminders(job, fence, window).await
    }

    async fn claim(&self, job: JobName, fence: FencingToken) -> Result<(), DomainError> {
        self.inner.claim(job, fence).await
    }
}

/// The idempotency purge stops at the door of its write (after saying so on `entered`)
/// until `gate` opens.
fn gated(
    inner: SqlHousekeeping,
    entered: Arc<Notify>,
    gate: watch::Receiver<bool>,
) -> HookedHousekeeping {
    HookedHousekeeping {
        inner,
        before_purge: Box::new(move |job| {
            let (entered, mut gate) = (entered.clone(), gate.clone());
            Box::pin(async move {
                if job == JOB {
                    entered.notify_one();
                    let _ = gate.wait_for(|open| *open).await;
                }
                Ok(())
            })
        }),
    }
}

/// While `broken` is set, the login-failure purge fails and the lock reaper panics.
fn broken(inner: SqlHousekeeping, broken: Arc<AtomicBool>) -> HookedHousekeeping {
    HookedHousekeeping {
        inner,
        before_purge: Box::new(move |job| {
            let broken = broken.load(Ordering::SeqCst);
            Box::pin(async move {
                match job {
                    JobName::LoginFailurePurge if broken => Err(DomainError::Unavailable(
                        anyhow::anyhow!("connection refused"),
                    )),
                    JobName::LockReaper if broken => panic!("a bug in the lock reaper"),
                    _ => Ok(()),
                }
            })
        }),
    }
}

struct Unobserved;

impl JobObserver for Unobserved {
    fn run_ended(&self, _: JobName, _: RunOutcome, _: Duration) {}
    fn lease_held(&self, _: JobName, _: bool) {}
}

/// A future that is not polled while `paused` is true: a stopped process, in-process.
struct Pausable<F> {
    inner: Pin<Box<F>>,
    paused: watch::Receiver<bool>,
    resumed: Option<Pin<Box<dyn Future<Output = ()> + Send>>>,
}

impl<F: Future> Pausable<F> {
    fn new(inner: F, paused: watch::Receiver<bool>) -> Self {
        Self {
            inner: Box::pin(inner),
            paused,
            resumed: None,
        }
    }
}

impl<F: Future> Future for Pausable<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        if *self.paused.borrow() {
            let mut paused = self.paused.clone();
            let resumed = self.resumed.get_or_insert_with(|| {
                Box::pin(async move {
                    // An error means the test let go of the switch: run on.
                    let _ = paused.wait_for(|paused| !*paused).await;
                })
            });
            if resumed.as_mut().poll(cx).is_pending() {
                return Poll::Pending;
            }
            self.resumed = None;
        }
        self.inner.as_mut().poll(cx)
    }
}

fn node(connection: &Connection, name: &str, housekeeping: Arc<dyn Housekeeping>) -> Scheduler {
    let mut settings = api::Settings::default();
    settings.jobs.lease = LEASE;
    settings.jobs.tick = Duration::from_millis(100);
    settings.jobs.every = Some(Duration::from_secs(3600));
    let ports = JobPorts {
        registry: Arc::new(SqlNodeRegistry::new(connection.clone())),
        locks: Arc::new(SqlLockManager::new(connection.clone())),
        runs: Arc::new(SqlJobRuns::new(connection.clone())),
        housekeeping,
        files: Arc::new(SqlFileStore::new(connection.clone())),
        observer: Arc::new(Unobserved),
    };
    let info = NodeInfo {
        name: name.to_owned(),
        host: "localhost".to_owned(),
        listen_address: "127.0.0.1:0".to_owned(),
        process_id: std::process::id(),
        version: "test".to_owned(),
    };
    Scheduler::new(info, ports, settings.job_schedule())
}

async fn idempotency_records(connection: &Connection) -> i64 {
    let row = connection
        .query_one(Statement::from_string(
            connection.get_database_backend(),
            "SELECT COUNT(*) AS n FROM idempotency_keys",
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get::<i64>("", "n").unwrap()
}

/// An idempotency record past its expiry: what the purge removes.
async fn expired_record(app: &TestApp, token: &str, key: &str) {
    let created = app
        .authed(Method::POST, "/api/v1/patients", token)
        .header("idempotency-key", key)
        .json(&json!({ "givenName": "Miranda", "familyName": "Bailey", "birthDate": "1969-04-10", "sex": "female" }))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);
    app.database()
        .connection()
        .execute_unprepared(&format!(
            "UPDATE idempotency_keys SET expires_at = created_at WHERE idempotency_key = '{key}'"
        ))
        .await
        .unwrap();
}

async fn a_holder_paused_past_its_lease_writes_nothing_when_it_resumes(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, |s| s.jobs.enabled = false).await else {
        return;
    };
    let connection = app.database().connection().clone();
    let doctor = app.user_with_roles("doc", &["clinician"]).await;
    let (open_gate, gate) = watch::channel(false);
    let entered = Arc::new(Notify::new());
    let paused_node = node(
        &connection,
        "node-paused",
        Arc::new(gated(
            SqlHousekeeping::new(connection.clone()),
            entered.clone(),
            gate,
        )),
    );
    let live_node = node(
        &connection,
        "node-live",
        Arc::new(SqlHousekeeping::new(connection.clone())),
    );
    let (_stop, never_stop) = watch::channel(false);

    // The first node takes every lease and is stopped inside its purge, before it writes.
    let (pause, paused) = watch::channel(false);
    let stopped_tick = {
        let never_stop = never_stop.clone();
        tokio::spawn(Pausable::new(
            async move { paused_node.tick(&never_stop).await },
            paused,
        ))
    };
    tokio::time::timeout(Duration::from_secs(10), entered.notified())
        .await
        .expect("the first node reaches its purge");
    // why: it signals before it parks at the gate; let it park, so that opening the
    // gate below cannot let a poll already under way through.
    tokio::time::sleep(Duration::from_millis(200)).await;
    pause.send(true).unwrap();
    open_gate.send(true).unwrap();

    // Its lease runs out while it is stopped; the other node takes it over.
    tokio::time::sleep(LEASE + Duration::from_millis(500)).await;
    live_node.tick(&never_stop).await;
    expired_record(&app, &doctor, "made-while-paused").await;

    // It resumes: its run ends without a write.
    pause.send(false).unwrap();
    tokio::time::timeout(Duration::from_secs(10), stopped_tick)
        .await
        .expect("the resumed node finishes its tick")
        .unwrap();
    assert_eq!(
        idempotency_records(&connection).await,
        1,
        "the stale holder purged nothing"
    );
    let runs = SqlJobRuns::new(connection.clone());
    let latest = runs.latest().await.unwrap();
    let run = latest.iter().find(|run| run.job == JOB).unwrap();
    assert_eq!(run.node, "node-paused");
    assert_eq!(run.outcome, RunOutcome::LeaseLost, "{run:?}");

    // The live holder's asked-for run does purge it: the record was purgeable.
    runs.request(JOB).await.unwrap();
    live_node.tick(&never_stop).await;
    assert_eq!(idempotency_records(&connection).await, 0);
}

async fn a_failing_job_is_recorded_and_retried_and_the_others_run(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, |s| s.jobs.enabled = false).await else {
        return;
    };
    let connection = app.database().connection().clone();
    let is_broken = Arc::new(AtomicBool::new(true));
    let housekeeping = Arc::new(broken(
        SqlHousekeeping::new(connection.clone()),
        is_broken.clone(),
    ));
    let scheduler = node(&connection, "node-a", housekeeping);
    let (_stop, never_stop) = watch::channel(false);
    scheduler.tick(&never_stop).await;

    let runs = SqlJobRuns::new(connection.clone());
    let latest = runs.latest().await.unwrap();
    let outcome = |job: JobName| {
        let run = latest.iter().find(|run| run.job == job).unwrap();
        (run.outcome, run.error.clone())
    };
    assert_eq!(
        outcome(JobName::LoginFailurePurge),
        (
            RunOutcome::Failed,
            Some("a backend is unavailable: connection refused".to_owned())
        )
    );
    assert_eq!(
        outcome(JobName::LockReaper),
        (RunOutcome::Failed, Some("the job panicked".to_owned()))
    );
    for job in [
        JobName::IdempotencyPurge,
        JobName::SessionReaper,
        JobName::BlobCollector,
        JobName::SigningKeyRotation,
        JobName::AppointmentReminders,
    ] {
        assert_eq!(outcome(job), (RunOutcome::Succeeded, None), "{job}");
    }

    // Mended, the failed job runs again at its next period (here, a run asked for).
    is_broken.store(false, Ordering::SeqCst);
    runs.request(JobName::LoginFailurePurge).await.unwrap();
    scheduler.tick(&never_stop).await;
    let history = runs
        .list(
            JobName::LoginFailurePurge,
            domain::PageRequest {
                limit: 10,
                after: None,
            },
        )
        .await
        .unwrap();
    let outcomes: Vec<RunOutcome> = history.items.iter().map(|run| run.outcome).collect();
    assert_eq!(outcomes, [RunOutcome::Succeeded, RunOutcome::Failed]);
}

test_on_every_database!(
    a_holder_paused_past_its_lease_writes_nothing_when_it_resumes,
    a_failing_job_is_recorded_and_retried_and_the_others_run,
);
