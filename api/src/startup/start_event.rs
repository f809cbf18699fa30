//! The audit trail's record of a node's start, and of the backends it serves on.

use anyhow::Context;
use domain::audit::{
    AuditAction, AuditContext, AuditLog, AuditOutcome, NewAuditEvent, RequestOrigin,
};
use persistence::audit::SqlAuditLog;
use persistence::Database;

use crate::settings::{FileBackend, LockBackend, SessionBackend, Settings};

pub(super) async fn record_start(
    settings: &Settings,
    database: &Database,
    node: &str,
) -> anyhow::Result<()> {
    let origin = RequestOrigin {
        request_id: uuid::Uuid::now_v7().to_string(),
        node_id: node.to_owned(),
        ..RequestOrigin::default()
    };
    let event = NewAuditEvent {
        action: AuditAction::Start,
        resource_type: "node",
        resource_id: uuid::Uuid::nil(),
        patient_id: None,
        outcome: AuditOutcome::Success,
        detail: Some(backends(settings, database)),
    };
    SqlAuditLog::new(database.connection().clone())
        .record(&AuditContext::anonymous(origin), event)
        .await
        .context("recording the node's start in the audit trail")
}

/// `database=postgres sessions=redis locks=redis files=sql redis=cluster`.
fn backends(settings: &Settings, database: &Database) -> String {
    let sessions = match settings.auth.session_backend {
        SessionBackend::Sql => "sql",
        SessionBackend::Redis => "redis",
    };
    let locks = match settings.lock_backend {
        LockBackend::Sql => "sql",
        LockBackend::Redis => "redis",
    };
    let files = match settings.files.backend {
        FileBackend::Sql => "sql",
        FileBackend::Directory => "directory",
    };
    let redis = match (&settings.redis_url, settings.redis_cluster) {
        (None, _) => "none",
        (Some(_), false) => "single",
        (Some(_), true) => "cluster",
    };
    format!(
        "database={} sessions={sessions} locks={locks} files={files} redis={redis}",
        database.kind().as_str()
    )
}
