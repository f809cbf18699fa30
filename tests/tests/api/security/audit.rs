//! The audit trail: what it records, and what no one can make it forget.

use reqwest::{Method, StatusCode};
use serde_json::json;
use tests::{access_token, test_on_every_database, Backend, TestApp, ADMIN_PASSWORD};

async fn a_client_cannot_choose_the_audit_trails_request_id(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let desk = app.user_with_roles("desk", &["front_desk"]).await;
    let registered: serde_json::Value = app
        .authed(Method::POST, "/api/v1/patients", &desk)
        .header("x-request-id", "forged-correlation-1")
        .json(&json!({ "givenName": "Ada", "familyName": "Lovelace", "birthDate": "1985-12-10", "sex": "female" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let admin = app.admin_token().await;
    let trail = app
        .get_json(
            &format!(
                "/api/v1/audit?patientId={}",
                registered["id"].as_str().unwrap()
            ),
            &admin,
        )
        .await;
    let event = &trail["items"][0];
    assert_eq!(event["clientRequestId"], "forged-correlation-1");
    let server_id = event["requestId"].as_str().unwrap();
    assert!(uuid::Uuid::parse_str(server_id).is_ok(), "{server_id}");
}

/// The events of the audit trail whose `query` matches, in order, but for the reads of
/// the trail itself.
async fn trail(app: &TestApp, admin: &str, query: &str) -> Vec<serde_json::Value> {
    every_event(app, admin, query)
        .await
        .into_iter()
        .filter(|event| event["resourceType"] != "audit_event")
        .collect()
}

async fn every_event(app: &TestApp, admin: &str, query: &str) -> Vec<serde_json::Value> {
    app.get_json(&format!("/api/v1/audit?{query}&limit=200"), admin)
        .await["items"]
        .as_array()
        .unwrap()
        .clone()
}

async fn every_read_that_tells_of_a_patient_is_audited(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let doctor = app.user_with_roles("doc", &["clinician"]).await;
    let doctor_id = app.get_json("/api/v1/me", &doctor).await["id"].clone();
    let patient = app.register_patient(&doctor, "Ada", "Lovelace").await;
    let patient_id = patient["id"].as_str().unwrap();
    let admin = app.admin_token().await;

    // A search that finds no one still says who was looked for.
    let none = app.get_json("/api/v1/patients?q=Byron", &doctor).await;
    assert_eq!(none["items"], json!([]));
    let searches: Vec<_> = trail(
        &app,
        &admin,
        &format!("actorId={}", doctor_id.as_str().unwrap()),
    )
    .await
    .into_iter()
    .filter(|event| event["action"] == "search")
    .collect();
    assert_eq!(searches.len(), 1, "{searches:?}");
    assert!(searches[0]["detail"].as_str().unwrap().contains("q=Byron"));

    // "Nothing stated" about allergies, and who holds a record's lock, tell of the patient.
    let statement = app
        .get_json(
            &format!("/api/v1/patients/{patient_id}/allergies/none"),
            &doctor,
        )
        .await;
    assert_eq!(statement["stated"], false, "{statement}");
    let status = app
        .get_json(
            &format!("/api/v1/locks?resource=patients/{patient_id}"),
            &doctor,
        )
        .await;
    assert_eq!(status["lock"], serde_json::Value::Null);
    let events = trail(&app, &admin, &format!("patientId={patient_id}")).await;
    let seen = |action: &str, resource_type: &str| {
        events
            .iter()
            .any(|event| event["action"] == action && event["resourceType"] == resource_type)
    };
    assert!(seen("read", "no_known_allergies"), "{events:?}");
    assert!(seen("read_lock", "patient"), "{events:?}");

    // Reading the trail is on the trail, with what was asked of it.
    let reads: Vec<_> = every_event(&app, &admin, &format!("patientId={patient_id}"))
        .await
        .into_iter()
        .filter(|event| event["resourceType"] == "audit_event")
        .collect();
    assert!(reads.len() >= 2, "{reads:?}");
    assert_eq!(reads[0]["action"], "list");
    assert!(reads[0]["detail"]
        .as_str()
        .unwrap()
        .contains(&format!("patientId={patient_id}")));
}

async fn sign_ins_account_changes_and_sessions_are_audited(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let signed_in = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .header("user-agent", "audit-test-agent/1.0")
        .json(&json!({ "username": "admin", "password": ADMIN_PASSWORD }))
        .send()
        .await
        .unwrap();
    let admin = access_token(&signed_in.json().await.unwrap());
    let admin_id = app.get_json("/api/v1/me", &admin).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        app.try_login("admin", "a wrong password").await.status(),
        StatusCode::UNAUTHORIZED
    );
    let doctor = app.user_with_roles("doc", &["clinician"]).await;
    let me = app.get_json("/api/v1/me", &doctor).await;
    let doctor_id = me["id"].as_str().unwrap().to_owned();
    let renamed = app
        .authed(Method::PATCH, &format!("/api/v1/users/{doctor_id}"), &admin)
        .header("if-match", format!("\"{}\"", me["version"]))
        .json(&json!({ "displayName": "Dr. Doc" }))
        .send()
        .await
        .unwrap();
    assert_eq!(renamed.status(), StatusCode::OK);
    let changed = app
        .authed(Method::PUT, "/api/v1/me/password", &doctor)
        .json(&json!({ "currentPassword": "doc password 123", "newPassword": "a new password for the doctor" }))
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), StatusCode::NO_CONTENT);
    let ran = app
        .authed(Method::POST, "/api/v1/admin/jobs/lock-reaper/run", &admin)
        .send()
        .await
        .unwrap();
    assert_eq!(ran.status(), StatusCode::ACCEPTED);
    let ended = app
        .authed(
            Method::DELETE,
            &format!("/api/v1/users/{doctor_id}/sessions"),
            &admin,
        )
        .send()
        .await
        .unwrap();
    assert!(ended.status().is_success());

    let by_admin = trail(&app, &admin, &format!("actorId={admin_id}")).await;
    let actions: Vec<&str> = by_admin
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    for expected in ["sign_in", "create", "update", "run_job", "end_sessions"] {
        assert!(actions.contains(&expected), "{expected} in {actions:?}");
    }
    let sign_in = by_admin.iter().find(|e| e["action"] == "sign_in").unwrap();
    assert_eq!(sign_in["userAgent"], "audit-test-agent/1.0");
    assert_eq!(sign_in["clientIp"], "127.0.0.1");
    let by_doctor = trail(&app, &admin, &format!("actorId={doctor_id}")).await;
    assert!(
        by_doctor.iter().any(|e| e["action"] == "change_password"),
        "{by_doctor:?}"
    );
    let anonymous = trail(&app, &admin, &format!("actorId={}", uuid::Uuid::nil())).await;
    let failed = anonymous
        .iter()
        .find(|e| e["action"] == "sign_in_failed")
        .expect("a failed sign-in is audited");
    assert_eq!(failed["resourceId"], admin_id.as_str(), "the account tried");

    let logged_out = app
        .authed(Method::POST, "/api/v1/auth/logout", &admin)
        .send()
        .await
        .unwrap();
    assert_eq!(logged_out.status(), StatusCode::NO_CONTENT);
    let admin_again = app.admin_token().await;
    let by_admin = trail(&app, &admin_again, &format!("actorId={admin_id}")).await;
    assert!(by_admin.iter().any(|e| e["action"] == "sign_out"));

    let start = anonymous
        .iter()
        .find(|e| e["action"] == "start")
        .expect("the node's start is audited");
    let database = match backend {
        Backend::Sqlite => "database=sqlite",
        Backend::Postgres => "database=postgres",
    };
    assert!(
        start["detail"].as_str().unwrap().starts_with(database),
        "{start}"
    );
}

async fn refused_access_and_replayed_answers_are_audited(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let doctor = app.user_with_roles("doc", &["clinician"]).await;
    let colleague = app.user_with_roles("doc-two", &["clinician"]).await;
    let biller = app.user_with_roles("biller", &["billing"]).await;
    let admin = app.admin_token().await;
    let register = || {
        app.authed(Method::POST, "/api/v1/patients", &doctor)
            .header("idempotency-key", "register-once")
            .json(&json!({ "givenName": "Ada", "familyName": "Lovelace", "birthDate": "1985-12-10", "sex": "female" }))
            .send()
    };
    let patient: serde_json::Value = register().await.unwrap().json().await.unwrap();
    let replayed = register().await.unwrap();
    assert_eq!(replayed.headers()["idempotent-replayed"], "true");
    let patient_id = patient["id"].as_str().unwrap();
    let draft: serde_json::Value = app
        .authed(
            Method::POST,
            &format!("/api/v1/patients/{patient_id}/notes"),
            &doctor,
        )
        .json(&json!({ "subjective": "private" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let note_path = format!("/api/v1/notes/{}", draft["id"].as_str().unwrap());
    assert_eq!(
        app.status(Method::GET, &note_path, &colleague).await,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.status(Method::GET, &note_path, &biller).await,
        StatusCode::FORBIDDEN
    );

    let events = trail(&app, &admin, &format!("patientId={patient_id}")).await;
    let summary: Vec<(String, String, String)> = events
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap().to_owned(),
                e["resourceType"].as_str().unwrap().to_owned(),
                e["outcome"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let has = |action: &str, resource: &str, outcome: &str| {
        summary
            .iter()
            .any(|(a, r, o)| a == action && r == resource && o == outcome)
    };
    assert!(
        has("read", "patient", "success"),
        "the replay is a read: {summary:?}"
    );
    assert!(
        has("read", "note", "refused"),
        "the colleague's look at a draft: {summary:?}"
    );
    let refused_by_role = trail(
        &app,
        &admin,
        &format!(
            "actorId={}",
            app.get_json("/api/v1/me", &biller).await["id"]
                .as_str()
                .unwrap()
        ),
    )
    .await;
    assert!(
        refused_by_role.iter().any(|e| e["action"] == "read"
            && e["resourceType"] == "note"
            && e["outcome"] == "refused"),
        "{refused_by_role:?}"
    );
}

/// The README's database roles: nodes run as a role that owns nothing, so the triggers
/// that keep the audit trail and signed notes unchanged cannot be disabled or dropped by
/// a node, nor the tables truncated.
#[tokio::test]
async fn a_node_role_cannot_disable_or_bypass_the_records_triggers() {
    use persistence::{Database, DatabaseOptions};
    use sqlx::{Connection, Executor, PgConnection};
    use tests::TestDatabase;

    let Some(database) = TestDatabase::create(Backend::Postgres).await else {
        return;
    };
    let suffix = &uuid::Uuid::now_v7().simple().to_string()[20..];
    let (owner, node) = (
        format!("practica_owner_{suffix}"),
        format!("practica_node_{suffix}"),
    );
    let as_role = |role: &str| {
        let mut url = reqwest::Url::parse(&database.url).unwrap();
        url.set_username(role).unwrap();
        url.set_password(Some("trust")).unwrap();
        url.to_string()
    };
    let name = reqwest::Url::parse(&database.url)
        .unwrap()
        .path()
        .trim_start_matches('/')
        .to_owned();
    let mut superuser = PgConnection::connect(&database.url).await.unwrap();
    for sql in [
        format!("CREATE ROLE {owner} LOGIN"),
        format!("CREATE ROLE {node} LOGIN"),
        format!("ALTER DATABASE {name} OWNER TO {owner}"),
        format!("GRANT CREATE, USAGE ON SCHEMA public TO {owner}"),
        format!("GRANT USAGE ON SCHEMA public TO {node}"),
    ] {
        superuser.execute(sql.as_str()).await.unwrap();
    }
    let migrating = Database::connect(&DatabaseOptions {
        url: as_role(&owner),
        max_connections: 2,
        acquire_timeout: std::time::Duration::from_secs(5),
    })
    .await
    .unwrap();
    migrating.migrate().await.unwrap();
    migrating.close().await;
    // A node starting after the migrations finds nothing to do, under its own role.
    let starting = Database::connect(&DatabaseOptions {
        url: as_role(&node),
        max_connections: 2,
        acquire_timeout: std::time::Duration::from_secs(5),
    })
    .await
    .unwrap();
    let mut by_owner = PgConnection::connect(&as_role(&owner)).await.unwrap();
    for sql in [
        format!("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {node}"),
        format!("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {node}"),
    ] {
        by_owner.execute(sql.as_str()).await.unwrap();
    }
    starting
        .migrate()
        .await
        .expect("a node checks the migrations without owning anything");
    starting.close().await;
    let mut by_node = PgConnection::connect(&as_role(&node)).await.unwrap();
    by_node
        .execute("SELECT COUNT(*) FROM audit_events")
        .await
        .expect("the node reads the trail");
    for attempt in [
        "ALTER TABLE audit_events DISABLE TRIGGER ALL",
        "DROP TRIGGER audit_events_append_only ON audit_events",
        "ALTER TABLE clinical_notes DISABLE TRIGGER clinical_notes_signed_are_final",
        "TRUNCATE audit_events",
    ] {
        assert!(by_node.execute(attempt).await.is_err(), "{attempt}");
    }
    drop((by_node, by_owner));
    let server = {
        let mut url = reqwest::Url::parse(&database.url).unwrap();
        url.set_path("/postgres");
        url.to_string()
    };
    drop(superuser);
    drop(database);
    let mut cleanup = PgConnection::connect(&server).await.unwrap();
    cleanup
        .execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
        .await
        .unwrap();
    for role in [&owner, &node] {
        cleanup
            .execute(format!("DROP ROLE {role}").as_str())
            .await
            .unwrap();
    }
}

test_on_every_database!(
    every_read_that_tells_of_a_patient_is_audited,
    a_client_cannot_choose_the_audit_trails_request_id,
    sign_ins_account_changes_and_sessions_are_audited,
    refused_access_and_replayed_answers_are_audited,
);
