//! Patients: registration, versions, search, archiving, permissions, audit, retries.

use reqwest::{Method, StatusCode};
use sea_orm::ConnectionTrait;
use serde_json::{json, Value};
use tests::{test_on_every_database, Backend, TestApp};

fn ada() -> Value {
    json!({
        "givenName": "Ada",
        "familyName": "Lovelace",
        "birthDate": "1985-12-10",
        "sex": "female",
        "phone": "+44 20 7946 0958",
        "email": "ada@example.org",
        "address": { "lines": ["12 St James's Square"], "city": "London", "postalCode": "SW1Y 4JH", "country": "gb" },
        "emergencyContact": { "name": "William King", "relationship": "spouse", "phone": "+44 20 7946 0000" }
    })
}

fn patient(given: &str, family: &str, birth_date: &str) -> Value {
    json!({ "givenName": given, "familyName": family, "birthDate": birth_date, "sex": "unknown" })
}

async fn register(app: &TestApp, token: &str, body: &Value) -> reqwest::Response {
    app.authed(Method::POST, "/api/v1/patients", token)
        .json(body)
        .send()
        .await
        .unwrap()
}

async fn registered(app: &TestApp, token: &str, body: &Value) -> Value {
    let response = register(app, token, body).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    response.json().await.unwrap()
}

async fn the_front_desk_registers_reads_changes_and_archives_by_version(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let desk = app.user_with_roles("desk", &["front_desk"]).await;

    let response = register(&app, &desk, &ada()).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(response.headers()["etag"], "\"1\"");
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let created: Value = response.json().await.unwrap();
    let mrn = created["mrn"].as_str().unwrap();
    assert!(mrn.starts_with("MRN-") && mrn.len() == 12, "{mrn}");
    assert_eq!(created["address"]["country"], "GB");
    assert_eq!(created["emergencyContact"]["relationship"], "spouse");
    assert_eq!(created["active"], true);
    assert_eq!(created["archived"], false);
    assert_eq!(
        location,
        format!("/api/v1/patients/{}", created["id"].as_str().unwrap())
    );

    let fetched = app
        .authed(Method::GET, &location, &desk)
        .send()
        .await
        .unwrap();
    assert_eq!(fetched.headers()["etag"], "\"1\"");
    assert_eq!(fetched.json::<Value>().await.unwrap(), created);

    let mut changed = ada();
    changed["phone"] = json!("+44 20 7946 1111");
    changed["address"] = json!({});
    let put = |if_match: Option<&'static str>, body: Value| {
        let mut request = app.authed(Method::PUT, &location, &desk).json(&body);
        if let Some(if_match) = if_match {
            request = request.header("if-match", if_match);
        }
        request.send()
    };
    assert_eq!(
        put(None, changed.clone()).await.unwrap().status(),
        StatusCode::PRECONDITION_REQUIRED
    );
    let response = put(Some("\"1\""), changed.clone()).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["etag"], "\"2\"");
    let updated: Value = response.json().await.unwrap();
    assert_eq!(updated["phone"], "+44 20 7946 1111");
    assert_eq!(
        updated["address"]["lines"],
        json!([]),
        "PUT replaces the whole record"
    );
    assert_eq!(updated["mrn"], created["mrn"]);
    let stale = put(Some("\"1\""), ada()).await.unwrap();
    assert_eq!(stale.status(), StatusCode::PRECONDITION_FAILED);
    assert_eq!(stale.json::<Value>().await.unwrap()["currentVersion"], 2);

    let archive_path = format!("{location}/archive");
    let archive = |if_match: &'static str| {
        app.authed(Method::POST, &archive_path, &desk)
            .header("if-match", if_match)
            .send()
    };
    assert_eq!(
        archive("\"1\"").await.unwrap().status(),
        StatusCode::PRECONDITION_FAILED
    );
    let archived = archive("\"2\"").await.unwrap();
    assert_eq!(archived.status(), StatusCode::OK);
    assert_eq!(archived.headers()["etag"], "\"3\"");
    assert_eq!(archived.json::<Value>().await.unwrap()["archived"], true);

    let default_list = app.get_json("/api/v1/patients?q=love", &desk).await;
    assert_eq!(
        default_list["items"],
        json!([]),
        "archived patients leave default lists"
    );
    let with_archived = app
        .get_json("/api/v1/patients?q=love&includeArchived=true", &desk)
        .await;
    assert_eq!(with_archived["items"][0]["id"], created["id"]);
    assert_eq!(
        app.status(Method::GET, &location, &desk).await,
        StatusCode::OK
    );
    let unknown = format!("/api/v1/patients/{}", uuid::Uuid::now_v7());
    assert_eq!(
        app.status(Method::GET, &unknown, &desk).await,
        StatusCode::NOT_FOUND
    );

    // The retired DELETE still archives, and says what replaces it and until when.
    let second = app.register_patient(&desk, "Grace", "Hopper").await;
    let second_location = format!("/api/v1/patients/{}", second["id"].as_str().unwrap());
    let retired = app
        .authed(Method::DELETE, &second_location, &desk)
        .header("if-match", "\"1\"")
        .send()
        .await
        .unwrap();
    assert_eq!(retired.status(), StatusCode::OK);
    assert_eq!(retired.headers()["deprecation"], "@1795651200");
    assert_eq!(retired.headers()["sunset"], "Wed, 26 May 2027 00:00:00 GMT");
    assert_eq!(
        retired.headers()["link"],
        format!("<{second_location}/archive>; rel=\"successor-version\"").as_str()
    );
    assert_eq!(retired.json::<Value>().await.unwrap()["archived"], true);
}

async fn invalid_patients_are_refused_field_by_field(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let desk = app.user_with_roles("desk", &["front_desk"]).await;
    let response = register(
        &app,
        &desk,
        &json!({
            "givenName": "",
            "familyName": "x".repeat(101),
            "birthDate": "2999-01-01",
            "sex": "robot",
            "phone": "call me",
            "email": "not-an-address",
            "address": { "lines": ["a", "b", "c", "d"], "country": "Britain" },
            "emergencyContact": { "name": "Someone", "phone": "?" }
        }),
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["code"], "validation_failed");
    let mut fields: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    fields.sort_unstable();
    assert_eq!(
        fields,
        [
            "address.country",
            "address.lines",
            "birthDate",
            "email",
            "emergencyContact.phone",
            "familyName",
            "givenName",
            "phone",
            "sex"
        ]
    );
    let mut unknown_field = ada();
    unknown_field["ssn"] = json!("123-45-6789");
    let response = register(&app, &desk, &unknown_field).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        !response.text().await.unwrap().contains("123-45-6789"),
        "input is not echoed back"
    );
    let count = app.get_json("/api/v1/patients", &desk).await;
    assert_eq!(count["items"], json!([]), "nothing half-written");
}

async fn patients_are_found_by_name_prefix_birth_date_and_mrn_in_pages(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let desk = app.user_with_roles("desk", &["front_desk"]).await;
    let smith = registered(&app, &desk, &patient("John", "Smith", "1970-01-01")).await;
    registered(&app, &desk, &patient("Smitty", "Jones", "1980-05-05")).await;
    registered(&app, &desk, &patient("Anna", "Smythe", "1970-01-01")).await;
    registered(&app, &desk, &patient("Percy", "50%_Off", "1990-09-09")).await;

    let names = |page: &Value| -> Vec<String> {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["familyName"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        names(&app.get_json("/api/v1/patients?q=SMIT", &desk).await),
        ["Smith", "Jones"],
        "given or family, any case"
    );
    assert_eq!(
        names(&app.get_json("/api/v1/patients?q=sm", &desk).await),
        ["Smith", "Jones", "Smythe"]
    );
    assert_eq!(
        names(
            &app.get_json("/api/v1/patients?birthDate=1970-01-01", &desk)
                .await
        ),
        ["Smith", "Smythe"]
    );
    assert_eq!(
        names(
            &app.get_json("/api/v1/patients?q=sm&birthDate=1970-01-01", &desk)
                .await
        ),
        ["Smith", "Smythe"]
    );
    let by_mrn = format!(
        "/api/v1/patients?mrn={}",
        smith["mrn"].as_str().unwrap().to_lowercase()
    );
    assert_eq!(names(&app.get_json(&by_mrn, &desk).await), ["Smith"]);
    assert_eq!(
        names(&app.get_json("/api/v1/patients?q=50%25_", &desk).await),
        ["50%_Off"]
    );
    assert_eq!(
        names(&app.get_json("/api/v1/patients?q=%25", &desk).await),
        Vec::<String>::new(),
        "% is text, not a wildcard"
    );

    let first = app.get_json("/api/v1/patients?q=sm&limit=2", &desk).await;
    assert_eq!(names(&first), ["Smith", "Jones"]);
    let cursor = first["nextCursor"].as_str().unwrap();
    let second = app
        .get_json(
            &format!("/api/v1/patients?q=sm&limit=2&cursor={cursor}"),
            &desk,
        )
        .await;
    assert_eq!(names(&second), ["Smythe"]);
    assert!(second["nextCursor"].is_null());

    let bad = app
        .authed(
            Method::GET,
            "/api/v1/patients?birthDate=yesterday&mrn=x",
            &desk,
        )
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let unknown = app
        .authed(Method::GET, "/api/v1/patients?surname=x", &desk)
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), StatusCode::BAD_REQUEST);
}

async fn each_role_reads_and_writes_patients_as_allowed(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let desk = app.user_with_roles("desk", &["front_desk"]).await;
    let created = registered(&app, &desk, &ada()).await;
    let path = format!("/api/v1/patients/{}", created["id"].as_str().unwrap());
    let admin = app.admin_token().await;
    let billing = app.user_with_roles("biller", &["billing"]).await;
    let clinician = app.user_with_roles("doc", &["clinician"]).await;

    for (role, token, may_read, may_write) in [
        ("admin", &admin, false, false),
        ("billing", &billing, true, false),
        ("clinician", &clinician, true, true),
        ("front_desk", &desk, true, true),
    ] {
        let read = app.status(Method::GET, &path, token).await;
        assert_eq!(read == StatusCode::OK, may_read, "{role} reading: {read}");
        let list = app.status(Method::GET, "/api/v1/patients", token).await;
        assert_eq!(list == StatusCode::OK, may_read, "{role} listing: {list}");
        let write = register(&app, token, &patient("New", "Patient", "2000-01-01"))
            .await
            .status();
        assert_eq!(
            write == StatusCode::CREATED,
            may_write,
            "{role} registering: {write}"
        );
        if !may_read {
            assert_eq!(read, StatusCode::FORBIDDEN);
        }
    }
}

async fn every_read_and_write_of_a_patient_is_audited(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let desk = app.user_with_roles("desk", &["front_desk"]).await;
    let me = app.get_json("/api/v1/me", &desk).await;
    let created = registered(&app, &desk, &ada()).await;
    let id = created["id"].as_str().unwrap();
    let path = format!("/api/v1/patients/{id}");
    let read = app
        .authed(Method::GET, &path, &desk)
        .header("x-request-id", "audit-check-1")
        .send()
        .await
        .unwrap();
    assert_eq!(read.status(), StatusCode::OK);
    let response = app
        .authed(Method::PUT, &path, &desk)
        .header("if-match", "\"1\"")
        .json(&ada())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    app.get_json("/api/v1/patients?q=ada", &desk).await;
    registered(&app, &desk, &patient("Other", "Person", "1999-09-09")).await;

    let admin = app.admin_token().await;
    let trail = app
        .get_json(&format!("/api/v1/audit?patientId={id}"), &admin)
        .await;
    // The trail's own read is on it too, last: the events before it are the patient's.
    let (events, trail_reads): (Vec<_>, Vec<_>) = trail["items"]
        .as_array()
        .unwrap()
        .iter()
        .cloned()
        .partition(|event| event["resourceType"] != "audit_event");
    assert_eq!(trail_reads.len(), 1);
    let events = &events;
    let actions: Vec<&str> = events
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["create", "read", "update", "list"]);
    for event in events {
        assert_eq!(event["actorId"], me["id"]);
        assert_eq!(event["patientId"], id);
        assert_eq!(event["resourceType"], "patient");
        assert_eq!(event["outcome"], "success");
        assert!(event["nodeId"].as_str().unwrap().starts_with("node-"));
        assert!(!event["sessionId"].as_str().unwrap().is_empty());
    }
    assert_eq!(events[1]["clientRequestId"], "audit-check-1");
    assert_ne!(
        events[1]["requestId"], "audit-check-1",
        "the server's own id"
    );

    let by_actor = app
        .get_json(
            &format!(
                "/api/v1/audit?actorId={}&limit=200",
                me["id"].as_str().unwrap()
            ),
            &admin,
        )
        .await;
    let by_actor = by_actor["items"].as_array().unwrap();
    let on_patients = by_actor
        .iter()
        .filter(|event| event["resourceType"] == "patient")
        .count();
    assert_eq!(on_patients, 6, "five on the two patients, and the search");
    assert!(by_actor
        .iter()
        .any(|event| event["action"] == "search" && event["detail"] == "q=ada"));
    assert!(
        by_actor.iter().any(|event| event["action"] == "sign_in"),
        "the actor's sign-in is on their trail too"
    );
    let future = app
        .get_json("/api/v1/audit?from=2999-01-01T00:00:00Z", &admin)
        .await;
    assert_eq!(future["items"], json!([]));
    assert_eq!(
        app.status(Method::GET, "/api/v1/audit", &desk).await,
        StatusCode::FORBIDDEN
    );

    // Append-only, whoever asks: the database itself refuses to change or delete an event.
    use sea_orm::ConnectionTrait;
    let db = app.database().connection();
    assert!(db
        .execute_unprepared("UPDATE audit_events SET action = 'nothing'")
        .await
        .is_err());
    assert!(db
        .execute_unprepared("DELETE FROM audit_events")
        .await
        .is_err());
    if backend == Backend::Postgres {
        for table in ["audit_events", "clinical_notes", "note_addenda"] {
            assert!(
                db.execute_unprepared(&format!("TRUNCATE {table}"))
                    .await
                    .is_err(),
                "TRUNCATE {table}"
            );
        }
    }
    let again = app
        .get_json(&format!("/api/v1/audit?patientId={id}"), &admin)
        .await;
    assert_eq!(
        again["items"].as_array().unwrap().len(),
        6,
        "the four events kept, and the two reads of the trail"
    );
}

async fn twenty_concurrent_updates_through_two_nodes_win_once_per_version(backend: Backend) {
    let Some(first) = TestApp::spawn(backend).await else {
        return;
    };
    let second = TestApp::spawn_node(first.test_database.clone(), |_| {}).await;
    let desk = first.user_with_roles("desk", &["front_desk"]).await;
    let created = registered(&first, &desk, &ada()).await;
    let path = format!("/api/v1/patients/{}", created["id"].as_str().unwrap());

    let attempts = (0..20).map(|attempt| {
        let node = if attempt % 2 == 0 { &first } else { &second };
        let (path, desk) = (path.clone(), desk.clone());
        async move {
            let current: Value = node.get_json(&path, &desk).await;
            let mut body = ada();
            body["phone"] = json!(format!("+1 555 010 {attempt:04}"));
            let response = node
                .authed(Method::PUT, &path, &desk)
                .header("if-match", format!("\"{}\"", current["version"]))
                .json(&body)
                .send()
                .await
                .unwrap();
            (current["version"].as_i64().unwrap(), response.status())
        }
    });
    let outcomes = futures_util::future::join_all(attempts).await;
    let successes: Vec<i64> = outcomes
        .iter()
        .filter(|(_, s)| *s == StatusCode::OK)
        .map(|(v, _)| *v)
        .collect();
    let failures = outcomes
        .iter()
        .filter(|(_, s)| *s == StatusCode::PRECONDITION_FAILED)
        .count();
    assert_eq!(successes.len() + failures, 20, "{outcomes:?}");
    assert!(!successes.is_empty());
    let mut versions = successes.clone();
    versions.sort_unstable();
    versions.dedup();
    assert_eq!(
        versions.len(),
        successes.len(),
        "exactly one success per version: {outcomes:?}"
    );
    let last: Value = first.get_json(&path, &desk).await;
    assert_eq!(
        last["version"].as_i64().unwrap(),
        successes.len() as i64 + 1
    );
}

async fn an_idempotency_key_makes_a_retry_return_the_first_answer(backend: Backend) {
    let Some(first) = TestApp::spawn(backend).await else {
        return;
    };
    let second = TestApp::spawn_node(first.test_database.clone(), |_| {}).await;
    let desk = first.user_with_roles("desk", &["front_desk"]).await;
    let post = |node: &TestApp, key: &str, body: Value| {
        node.authed(Method::POST, "/api/v1/patients", &desk)
            .header("idempotency-key", key)
            .json(&body)
            .send()
    };
    let original = post(&first, "key-1", ada()).await.unwrap();
    assert_eq!(original.status(), StatusCode::CREATED);
    let etag = original.headers()["etag"].clone();
    let original: Value = original.json().await.unwrap();

    let retry = post(&second, "key-1", ada()).await.unwrap();
    assert_eq!(retry.status(), StatusCode::CREATED);
    assert_eq!(retry.headers()["idempotent-replayed"], "true");
    assert_eq!(retry.headers()["etag"], etag);
    assert_eq!(
        retry.json::<Value>().await.unwrap(),
        original,
        "the first answer, unchanged"
    );

    // A malformed key is the caller's mistake (400); an anonymous caller hears 401 first.
    let malformed = post(&first, "", ada()).await.unwrap();
    assert_eq!(malformed.status(), StatusCode::BAD_REQUEST);
    let anonymous = first
        .client
        .post(first.url("/api/v1/patients"))
        .header("idempotency-key", "")
        .json(&ada())
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);

    let reused = post(&first, "key-1", patient("Someone", "Else", "2001-01-01"))
        .await
        .unwrap();
    assert_eq!(reused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        reused.json::<Value>().await.unwrap()["code"],
        "idempotency_key_reused"
    );

    // Concurrent retries of a new key on two nodes create one record.
    let (a, b) = tokio::join!(
        post(&first, "key-2", patient("Twin", "Request", "1990-01-01")),
        post(&second, "key-2", patient("Twin", "Request", "1990-01-01")),
    );
    let statuses = [a.unwrap().status(), b.unwrap().status()];
    assert!(statuses.contains(&StatusCode::CREATED), "{statuses:?}");
    // The other is replayed (201), still in progress (409), or, once the first's work
    // has committed but before its answer is stored, sent to the record (303, which
    // the client follows: 200).
    assert!(
        statuses.iter().all(|s| *s == StatusCode::CREATED
            || *s == StatusCode::CONFLICT
            || *s == StatusCode::OK),
        "{statuses:?}"
    );
    let twins = first.get_json("/api/v1/patients?q=twin", &desk).await;
    assert_eq!(twins["items"].as_array().unwrap().len(), 1);

    // Keys belong to their user: another user's same key is a new request.
    let doc = first.user_with_roles("doc", &["clinician"]).await;
    let others = first
        .authed(Method::POST, "/api/v1/patients", &doc)
        .header("idempotency-key", "key-1")
        .json(&ada())
        .send()
        .await
        .unwrap();
    assert_eq!(others.status(), StatusCode::CREATED);
    assert!(others.headers().get("idempotent-replayed").is_none());
    let everyone = first.get_json("/api/v1/patients?q=ada", &desk).await;
    assert_eq!(everyone["items"].as_array().unwrap().len(), 2);
}

async fn a_retry_after_the_answer_was_lost_is_shown_the_work_not_run_again(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let desk = app.user_with_roles("desk", &["front_desk"]).await;
    let post = || {
        app.authed(Method::POST, "/api/v1/patients", &desk)
            .header("idempotency-key", "lost-answer")
            .json(&ada())
            .send()
    };
    let original: Value = post().await.unwrap().json().await.unwrap();
    // The node "dies" after its work committed and before it stored the answer: the
    // claim keeps what the work's own transaction marked, and no answer; it is old.
    app.database()
        .connection()
        .execute_unprepared(
            "UPDATE idempotency_keys SET response_status = NULL, response_headers = NULL, \
             response_body = NULL, created_at = '2000-01-01T00:00:00+00:00' \
             WHERE idempotency_key = 'lost-answer'",
        )
        .await
        .unwrap();

    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let retry = client
        .post(app.url("/api/v1/patients"))
        .bearer_auth(&desk)
        .header("idempotency-key", "lost-answer")
        .json(&ada())
        .send()
        .await
        .unwrap();
    assert_eq!(retry.status(), StatusCode::SEE_OTHER);
    let location = retry.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(
        location,
        format!("/api/v1/patients/{}", original["id"].as_str().unwrap())
    );
    // A client that follows the redirect reads what the first request made.
    let followed: Value = post().await.unwrap().json().await.unwrap();
    assert_eq!(followed["id"], original["id"]);
    let everyone = app.get_json("/api/v1/patients?q=ada", &desk).await;
    assert_eq!(everyone["items"].as_array().unwrap().len(), 1, "made once");
}

async fn a_request_whose_key_a_retry_took_over_commits_nothing(backend: Backend) {
    use domain::idempotency::{Claim, ClaimedKey, IdempotencyKey, IdempotencyStore, CLAIMED_KEY};
    use domain::patients::{BirthDate, PatientDetails, PatientRepository, PersonName, Sex};

    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let desk = app.user_with_roles("desk", &["front_desk"]).await;
    let me = app.get_json("/api/v1/me", &desk).await;
    let user = domain::auth::UserId::from_uuid(me["id"].as_str().unwrap().parse().unwrap());
    let connection = app.database().connection().clone();
    let store = persistence::idempotency::SqlIdempotencyStore::new(connection.clone());
    let key = IdempotencyKey::parse("slow-request").unwrap();
    let day = std::time::Duration::from_secs(86_400);
    let claim = |stale_after| store.claim(user, &key, "fingerprint", day, stale_after);

    // The first request claims the key and runs long; a retry finds its claim stale
    // and takes the key over.
    let Claim::Acquired(first) = claim(day).await.unwrap() else {
        panic!("the first claim")
    };
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let Claim::Acquired(second) = claim(std::time::Duration::ZERO).await.unwrap() else {
        panic!("the retry takes the stale claim over")
    };
    assert_ne!(first, second);

    // The first request's work now tries to commit under its own claim: refused whole.
    let patients = persistence::patients::SqlPatientRepository::new(connection.clone());
    let context = domain::audit::AuditContext {
        actor: user,
        session: domain::auth::SessionId::generate(),
        origin: domain::audit::RequestOrigin {
            request_id: "slow-request".to_owned(),
            node_id: "test".to_owned(),
            ..Default::default()
        },
    };
    let details = PatientDetails {
        given_name: PersonName::parse("Slow").unwrap(),
        family_name: PersonName::parse("Request").unwrap(),
        birth_date: BirthDate::parse("1970-01-01", chrono::Utc::now().date_naive()).unwrap(),
        sex: Sex::parse("female").unwrap(),
        phone: None,
        email: None,
        address: domain::patients::Address::default(),
        emergency_contact: None,
        active: true,
    };
    let register = move |(), now| Ok(domain::patients::Patient::register(details.clone(), now));
    let stale = ClaimedKey {
        user,
        key: key.clone(),
        claimed_at: first,
    };
    let refused = CLAIMED_KEY
        .scope(stale, patients.create(&context, &register))
        .await;
    assert!(
        matches!(&refused, Err(domain::DomainError::Conflict { .. })),
        "{refused:?}"
    );
    let found = app.get_json("/api/v1/patients?q=slow", &desk).await;
    assert_eq!(
        found["items"].as_array().unwrap().len(),
        0,
        "nothing written"
    );

    // Under the retry's claim the same work commits.
    let current = ClaimedKey {
        user,
        key,
        claimed_at: second,
    };
    CLAIMED_KEY
        .scope(current, patients.create(&context, &register))
        .await
        .unwrap();
    let found = app.get_json("/api/v1/patients?q=slow", &desk).await;
    assert_eq!(found["items"].as_array().unwrap().len(), 1);
}

test_on_every_database!(
    a_request_whose_key_a_retry_took_over_commits_nothing,
    a_retry_after_the_answer_was_lost_is_shown_the_work_not_run_again,
    the_front_desk_registers_reads_changes_and_archives_by_version,
    invalid_patients_are_refused_field_by_field,
    patients_are_found_by_name_prefix_birth_date_and_mrn_in_pages,
    each_role_reads_and_writes_patients_as_allowed,
    every_read_and_write_of_a_patient_is_audited,
    twenty_concurrent_updates_through_two_nodes_win_once_per_version,
    an_idempotency_key_makes_a_retry_return_the_first_answer,
);
