//! Record locks: one holder per record across nodes, fenced writes, every lock store.

use std::time::Duration;

use api::settings::LockBackend;
use futures_util::future::join_all;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use tests::{access_token, test_on_every_lock_store, Backend, LockStore, TestApp};

/// A node whose locks live in `store`; `None` when that store is not configured here.
async fn node(store: LockStore) -> Option<TestApp> {
    TestApp::spawn_with(store.database()?, |settings| store.configure(settings)).await
}

/// A second node on the first one's database and lock store.
async fn second_node(first: &TestApp, store: LockStore) -> TestApp {
    TestApp::spawn_node(first.test_database.clone(), |settings| {
        store.configure(settings)
    })
    .await
}

struct Clinic {
    grey: String,
    yang: String,
    patient_id: String,
    resource: String,
}

async fn clinic(app: &TestApp) -> Clinic {
    let grey = app.user_with_roles("grey", &["clinician"]).await;
    let yang = app.user_with_roles("yang", &["clinician"]).await;
    let patient: Value = app
        .authed(Method::POST, "/api/v1/patients", &grey)
        .json(&json!({ "givenName": "Denny", "familyName": "Duquette", "birthDate": "1970-05-04", "sex": "male" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let patient_id = patient["id"].as_str().unwrap().to_owned();
    Clinic {
        grey,
        yang,
        resource: format!("patients/{patient_id}"),
        patient_id,
    }
}

async fn lock(app: &TestApp, token: &str, resource: &str, ttl: Option<u64>) -> reqwest::Response {
    let mut body = json!({ "resource": resource });
    if let Some(ttl) = ttl {
        body["ttlSeconds"] = json!(ttl);
    }
    app.authed(Method::POST, "/api/v1/locks", token)
        .json(&body)
        .send()
        .await
        .unwrap()
}

/// Renames the patient at `version`, under `lock_token` when given.
async fn rename(
    app: &TestApp,
    token: &str,
    patient_id: &str,
    version: i64,
    lock_token: Option<&str>,
    given: &str,
) -> reqwest::Response {
    let mut request = app
        .authed(Method::PUT, &format!("/api/v1/patients/{patient_id}"), token)
        .header("if-match", format!("\"{version}\""))
        .json(&json!({ "givenName": given, "familyName": "Duquette", "birthDate": "1970-05-04", "sex": "male" }));
    if let Some(lock_token) = lock_token {
        request = request.header("lock-token", lock_token);
    }
    request.send().await.unwrap()
}

async fn patient(app: &TestApp, token: &str, patient_id: &str) -> Value {
    app.get_json(&format!("/api/v1/patients/{patient_id}"), token)
        .await
}

async fn a_record_is_held_by_one_session_and_others_are_told_by_whom(store: LockStore) {
    let Some(first) = node(store).await else {
        return;
    };
    let second = second_node(&first, store).await;
    let ward = clinic(&first).await;

    let held = lock(&first, &ward.grey, &ward.resource, None).await;
    assert_eq!(held.status(), StatusCode::CREATED);
    let held: Value = held.json().await.unwrap();
    let token = held["token"].as_str().unwrap().to_owned();
    assert_eq!(held["holder"]["displayName"], "grey");
    assert_eq!(held["resource"], ward.resource.as_str());

    let refused = lock(&second, &ward.yang, &ward.resource, None).await;
    assert_eq!(refused.status(), StatusCode::LOCKED);
    let refused: Value = refused.json().await.unwrap();
    assert_eq!(refused["code"], "locked");
    assert_eq!(refused["holder"]["displayName"], "grey");
    assert_eq!(refused["lockedSince"], held["acquiredAt"]);

    let seen = patient(&second, &ward.yang, &ward.patient_id).await;
    assert_eq!(seen["lock"]["holder"]["displayName"], "grey");
    assert!(
        seen["lock"].get("token").is_none(),
        "only the holder sees the token"
    );
    let again: Value = lock(&second, &ward.grey, &ward.resource, Some(300))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        again["token"], held["token"],
        "the holder's session gets its lock back"
    );
    assert_eq!(again["fencingToken"], held["fencingToken"]);

    let blocked = rename(&second, &ward.yang, &ward.patient_id, 1, None, "Dennis").await;
    assert_eq!(blocked.status(), StatusCode::LOCKED);
    assert_eq!(
        blocked.json::<Value>().await.unwrap()["holder"]["displayName"],
        "grey"
    );
    let with_their_token = rename(
        &second,
        &ward.yang,
        &ward.patient_id,
        1,
        Some(&token),
        "Dennis",
    )
    .await;
    assert_eq!(
        with_their_token.status(),
        StatusCode::LOCKED,
        "a token is not a session"
    );
    assert_eq!(
        patient(&first, &ward.grey, &ward.patient_id).await["version"],
        1
    );

    let written = rename(
        &second,
        &ward.grey,
        &ward.patient_id,
        1,
        Some(&token),
        "Dennis",
    )
    .await;
    assert_eq!(written.status(), StatusCode::OK);

    let path = format!("/api/v1/locks/{token}");
    assert_eq!(
        first.status(Method::DELETE, &path, &ward.yang).await,
        StatusCode::FORBIDDEN
    );
    let status = first
        .get_json(
            &format!("/api/v1/locks?resource={}", ward.resource),
            &ward.grey,
        )
        .await;
    assert_eq!(status["lock"]["token"], token.as_str(), "the lock stays");
    assert_eq!(
        first.status(Method::DELETE, &path, &ward.grey).await,
        StatusCode::NO_CONTENT
    );
    let free = rename(&second, &ward.yang, &ward.patient_id, 2, None, "Denny").await;
    assert_eq!(free.status(), StatusCode::OK, "no lock: If-Match alone");

    let admin = first.admin_token().await;
    let actions = first.audit_actions(&admin, &ward.patient_id, None).await;
    assert_eq!(
        actions.iter().filter(|a| **a == "lock").count(),
        2,
        "{actions:?}"
    );
    assert!(actions.iter().any(|a| a == "unlock"), "{actions:?}");
}

async fn of_fifty_attempts_through_two_nodes_one_wins(store: LockStore) {
    let Some(first) = node(store).await else {
        return;
    };
    let second = second_node(&first, store).await;
    let ward = clinic(&first).await;
    let mut sessions = Vec::new();
    for _ in 0..50 {
        sessions.push(access_token(
            &first.login("yang", "yang password 123").await,
        ));
    }
    let attempts = sessions.iter().enumerate().map(|(n, token)| {
        let app = if n % 2 == 0 { &first } else { &second };
        lock(app, token, &ward.resource, None)
    });
    let statuses: Vec<StatusCode> = join_all(attempts)
        .await
        .into_iter()
        .map(|response| response.status())
        .collect();
    let won = statuses
        .iter()
        .filter(|s| **s == StatusCode::CREATED)
        .count();
    let refused = statuses
        .iter()
        .filter(|s| **s == StatusCode::LOCKED)
        .count();
    assert_eq!((won, refused), (1, 49), "{statuses:?}");
}

async fn an_expired_lock_passes_on_and_its_old_holder_writes_nothing(store: LockStore) {
    let Some(app) = node(store).await else { return };
    let ward = clinic(&app).await;
    let first: Value = lock(&app, &ward.grey, &ward.resource, Some(1))
        .await
        .json()
        .await
        .unwrap();
    let old_token = first["token"].as_str().unwrap().to_owned();
    tokio::time::sleep(Duration::from_millis(1300)).await;

    let taken = lock(&app, &ward.yang, &ward.resource, Some(60)).await;
    assert_eq!(
        taken.status(),
        StatusCode::CREATED,
        "an expired lock is free"
    );
    let taken: Value = taken.json().await.unwrap();
    assert!(taken["fencingToken"].as_i64() > first["fencingToken"].as_i64());

    let late = rename(
        &app,
        &ward.grey,
        &ward.patient_id,
        1,
        Some(&old_token),
        "Late",
    )
    .await;
    assert_eq!(late.status(), StatusCode::LOCKED);
    assert_eq!(
        patient(&app, &ward.yang, &ward.patient_id).await["givenName"],
        "Denny"
    );
    let renewal = app
        .authed(
            Method::PUT,
            &format!("/api/v1/locks/{old_token}"),
            &ward.grey,
        )
        .send()
        .await
        .unwrap();
    assert_eq!(renewal.status(), StatusCode::LOCKED);
    assert_eq!(renewal.json::<Value>().await.unwrap()["code"], "lock_lost");

    let new_token = taken["token"].as_str().unwrap();
    let renewed: Value = app
        .authed(
            Method::PUT,
            &format!("/api/v1/locks/{new_token}"),
            &ward.yang,
        )
        .json(&json!({ "ttlSeconds": 600 }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        renewed["expiresAt"].as_str() > taken["expiresAt"].as_str(),
        "renewal extends"
    );
    let misspelt = app
        .authed(
            Method::PUT,
            &format!("/api/v1/locks/{new_token}"),
            &ward.yang,
        )
        .json(&json!({ "ttl": 5 }))
        .send()
        .await
        .unwrap();
    assert_eq!(
        misspelt.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "a body is never ignored"
    );
    assert_eq!(renewed["fencingToken"], taken["fencingToken"]);

    app.authed(
        Method::DELETE,
        &format!("/api/v1/locks/{new_token}"),
        &ward.yang,
    )
    .send()
    .await
    .unwrap();
    let lost = rename(
        &app,
        &ward.yang,
        &ward.patient_id,
        1,
        Some(new_token),
        "Gone",
    )
    .await;
    assert_eq!(
        lost.status(),
        StatusCode::LOCKED,
        "a released lock is no lock to write under"
    );
    assert_eq!(lost.json::<Value>().await.unwrap()["code"], "lock_lost");
}

async fn a_lock_ends_with_its_session(store: LockStore) {
    let Some(app) = node(store).await else { return };
    let ward = clinic(&app).await;
    assert_eq!(
        lock(&app, &ward.grey, &ward.resource, None).await.status(),
        StatusCode::CREATED
    );
    assert_eq!(
        app.status(Method::POST, "/api/v1/auth/logout", &ward.grey)
            .await,
        StatusCode::NO_CONTENT
    );
    let status = app
        .get_json(
            &format!("/api/v1/locks?resource={}", ward.resource),
            &ward.yang,
        )
        .await;
    assert_eq!(status["lock"], Value::Null);
    assert_eq!(
        lock(&app, &ward.yang, &ward.resource, None).await.status(),
        StatusCode::CREATED
    );
}

async fn an_admin_breaks_a_forgotten_lock(store: LockStore) {
    let Some(app) = node(store).await else { return };
    let ward = clinic(&app).await;
    let held: Value = lock(&app, &ward.grey, &ward.resource, None)
        .await
        .json()
        .await
        .unwrap();
    let path = format!("/api/v1/admin/locks?resource={}", ward.resource);
    assert_eq!(
        app.status(Method::DELETE, &path, &ward.yang).await,
        StatusCode::FORBIDDEN
    );
    let admin = app.admin_token().await;
    let broken: Value = app
        .authed(Method::DELETE, &path, &admin)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(broken["lock"]["holder"]["displayName"], "grey");
    let token = held["token"].as_str().unwrap();
    let late = rename(&app, &ward.grey, &ward.patient_id, 1, Some(token), "Late").await;
    assert_eq!(late.json::<Value>().await.unwrap()["code"], "lock_lost");
    let actions = app.audit_actions(&admin, &ward.patient_id, None).await;
    assert!(
        actions.iter().any(|action| action == "break_lock"),
        "{actions:?}"
    );
}

async fn only_records_that_exist_and_may_be_changed_are_locked(store: LockStore) {
    let Some(app) = node(store).await else { return };
    let ward = clinic(&app).await;
    let billing = app.user_with_roles("bill", &["billing"]).await;
    assert_eq!(
        lock(&app, &billing, &ward.resource, None).await.status(),
        StatusCode::FORBIDDEN
    );
    let unknown = format!("patients/{}", uuid::Uuid::now_v7());
    assert_eq!(
        lock(&app, &ward.grey, &unknown, None).await.status(),
        StatusCode::NOT_FOUND
    );
    let malformed = lock(&app, &ward.grey, "users/1", None).await;
    assert_eq!(malformed.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let too_long = lock(&app, &ward.grey, &ward.resource, Some(86_400)).await;
    assert_eq!(
        too_long.json::<Value>().await.unwrap()["errors"][0]["field"],
        "ttlSeconds"
    );
}

async fn every_kind_of_record_refuses_changes_from_another_session(store: LockStore) {
    let Some(app) = node(store).await else { return };
    let ward = clinic(&app).await;
    let me = app.get_json("/api/v1/me", &ward.grey).await;
    let created = |response: reqwest::Response| async move {
        assert_eq!(response.status(), StatusCode::CREATED);
        response.json::<Value>().await.unwrap()
    };
    let appointment = created(
        app.authed(Method::POST, "/api/v1/appointments", &ward.grey)
            .json(&json!({ "patientId": ward.patient_id, "providerId": me["id"], "start": "2026-12-01T09:00:00Z", "end": "2026-12-01T09:30:00Z", "reason": "review" }))
            .send()
            .await
            .unwrap(),
    )
    .await;
    let document = created(
        app.authed(
            Method::POST,
            &format!(
                "/api/v1/patients/{}/documents?title=labs&category=lab",
                ward.patient_id
            ),
            &ward.grey,
        )
        .header("content-type", "application/pdf")
        .body(b"%PDF-1.7\n%...".to_vec())
        .send()
        .await
        .unwrap(),
    )
    .await;
    let note = created(
        app.authed(
            Method::POST,
            &format!("/api/v1/patients/{}/notes", ward.patient_id),
            &ward.grey,
        )
        .json(&json!({ "subjective": "chest pain" }))
        .send()
        .await
        .unwrap(),
    )
    .await;
    let note_path = format!("/api/v1/notes/{}", note["id"].as_str().unwrap());
    let signed = app
        .authed(Method::POST, &format!("{note_path}/sign"), &ward.grey)
        .header("if-match", "\"1\"")
        .send()
        .await
        .unwrap();
    assert_eq!(signed.status(), StatusCode::OK);

    let changes = [
        (
            format!("appointments/{}", appointment["id"].as_str().unwrap()),
            Method::PATCH,
            format!(
                "/api/v1/appointments/{}",
                appointment["id"].as_str().unwrap()
            ),
            Some(json!({ "status": "checked_in" })),
        ),
        (
            format!("documents/{}", document["id"].as_str().unwrap()),
            Method::PATCH,
            format!("/api/v1/documents/{}", document["id"].as_str().unwrap()),
            Some(json!({ "title": "renamed" })),
        ),
        (
            format!("notes/{}", note["id"].as_str().unwrap()),
            Method::POST,
            format!("{note_path}/addenda"),
            Some(json!({ "text": "troponin normal" })),
        ),
    ];
    for (resource, method, path, body) in changes {
        assert_eq!(
            lock(&app, &ward.grey, &resource, None).await.status(),
            StatusCode::CREATED
        );
        let shown = app.get_json(&path, &ward.yang).await;
        if method == Method::PATCH {
            assert_eq!(shown["lock"]["holder"]["displayName"], "grey", "{resource}");
        }
        let mut request = app
            .authed(method, &path, &ward.yang)
            .header("if-match", "\"1\"");
        if let Some(body) = body {
            request = request.json(&body);
        }
        let refused = request.send().await.unwrap();
        assert_eq!(refused.status(), StatusCode::LOCKED, "{resource}");
        assert_eq!(
            refused.json::<Value>().await.unwrap()["holder"]["displayName"],
            "grey"
        );
    }
    let untouched = app
        .get_json(
            &format!(
                "/api/v1/appointments/{}",
                appointment["id"].as_str().unwrap()
            ),
            &ward.yang,
        )
        .await;
    assert_eq!(untouched["status"], "scheduled");
    let note_now = app.get_json(&note_path, &ward.yang).await;
    assert_eq!(note_now["addenda"], json!([]));
}

fn instant(value: &Value) -> chrono::DateTime<chrono::Utc> {
    value.as_str().unwrap().parse().unwrap()
}

async fn a_lock_is_held_no_longer_than_its_hold_unless_an_admin_extends_it(store: LockStore) {
    let Some(backend) = store.database() else {
        return;
    };
    let Some(app) = TestApp::spawn_with(backend, |settings| {
        store.configure(settings);
        settings.lock_max_hold = Duration::from_secs(2);
    })
    .await
    else {
        return;
    };
    let ward = clinic(&app).await;
    let renew = |token: String| {
        app.authed(Method::PUT, &format!("/api/v1/locks/{token}"), &ward.grey)
            .json(&json!({ "ttlSeconds": 600 }))
            .send()
    };
    let held: Value = lock(&app, &ward.grey, &ward.resource, Some(600))
        .await
        .json()
        .await
        .unwrap();
    let hold_until = instant(&held["holdUntil"]);
    assert!(hold_until <= instant(&held["acquiredAt"]) + chrono::Duration::seconds(2));
    assert_eq!(instant(&held["expiresAt"]), hold_until, "{held}");
    let token = held["token"].as_str().unwrap().to_owned();
    let renewed: Value = renew(token.clone()).await.unwrap().json().await.unwrap();
    assert_eq!(
        instant(&renewed["expiresAt"]),
        hold_until,
        "renewals stop at the hold"
    );

    tokio::time::sleep(Duration::from_millis(2500)).await;
    let lost = renew(token).await.unwrap();
    assert_eq!(lost.status(), StatusCode::LOCKED);
    assert_eq!(lost.json::<Value>().await.unwrap()["code"], "lock_lost");
    let taken = lock(&app, &ward.yang, &ward.resource, None).await;
    assert_eq!(
        taken.status(),
        StatusCode::CREATED,
        "the record is free again"
    );

    // An admin lets a lock be held longer; its holder's renewals then go on.
    let taken: Value = taken.json().await.unwrap();
    let extension = json!({ "resource": ward.resource, "extraSeconds": 3600 });
    let path = "/api/v1/admin/locks/extension";
    let refused = app
        .authed(Method::POST, path, &ward.yang)
        .json(&extension)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let admin = app.admin_token().await;
    let extended = app
        .authed(Method::POST, path, &admin)
        .json(&extension)
        .send()
        .await
        .unwrap();
    assert_eq!(extended.status(), StatusCode::OK);
    let extended: Value = extended.json().await.unwrap();
    assert_eq!(
        instant(&extended["holdUntil"]),
        instant(&taken["holdUntil"]) + chrono::Duration::seconds(3600)
    );
    assert!(
        extended.get("token").is_none(),
        "the holder's secret stays theirs"
    );
    let renewed: Value = app
        .authed(
            Method::PUT,
            &format!("/api/v1/locks/{}", taken["token"].as_str().unwrap()),
            &ward.yang,
        )
        .json(&json!({ "ttlSeconds": 600 }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(instant(&renewed["expiresAt"]) > chrono::Utc::now() + chrono::Duration::seconds(500));
    let free = format!(
        "patients/{}",
        app.register_patient(&ward.grey, "No", "Lock").await["id"]
            .as_str()
            .unwrap()
    );
    let nothing = app
        .authed(Method::POST, path, &admin)
        .json(&json!({ "resource": free, "extraSeconds": 60 }))
        .send()
        .await
        .unwrap();
    assert_eq!(nothing.status(), StatusCode::NOT_FOUND);
    let actions = app.audit_actions(&admin, &ward.patient_id, None).await;
    assert!(
        actions.iter().any(|action| action == "extend_lock"),
        "{actions:?}"
    );
}

test_on_every_lock_store!(
    a_lock_is_held_no_longer_than_its_hold_unless_an_admin_extends_it,
    a_record_is_held_by_one_session_and_others_are_told_by_whom,
    of_fifty_attempts_through_two_nodes_one_wins,
    an_expired_lock_passes_on_and_its_old_holder_writes_nothing,
    a_lock_ends_with_its_session,
    an_admin_breaks_a_forgotten_lock,
    only_records_that_exist_and_may_be_changed_are_locked,
    every_kind_of_record_refuses_changes_from_another_session,
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_lock_store_fails_locks_and_checked_writes_with_503() {
    let Some(app) = TestApp::spawn_with(Backend::Sqlite, |settings| {
        settings.redis_url = Some("redis://127.0.0.1:1".to_owned());
        settings.lock_backend = LockBackend::Redis;
    })
    .await
    else {
        return;
    };
    let ward = clinic(&app).await;
    let refused = lock(&app, &ward.grey, &ward.resource, None).await;
    assert_eq!(refused.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        refused.json::<Value>().await.unwrap()["code"],
        "service_unavailable"
    );
    let write = rename(&app, &ward.grey, &ward.patient_id, 1, None, "Unchecked").await;
    assert_eq!(write.status(), StatusCode::SERVICE_UNAVAILABLE);
    let unchanged = patient(&app, &ward.grey, &ward.patient_id).await;
    assert_eq!(unchanged["version"], 1, "nothing written without the check");
    assert_eq!(
        unchanged["givenName"], "Denny",
        "reading needs no lock store"
    );
}
