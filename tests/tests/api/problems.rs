//! The problem list: clinicians record and revise problems, billing reads them, nothing
//! is deleted (a mistaken entry is marked entered in error), every read and write
//! audited.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use tests::{test_on_every_database, Backend, TestApp};

async fn record(app: &TestApp, token: &str, patient: &str, body: Value) -> reqwest::Response {
    app.authed(
        Method::POST,
        &format!("/api/v1/patients/{patient}/problems"),
        token,
    )
    .json(&body)
    .send()
    .await
    .unwrap()
}

async fn revise(
    app: &TestApp,
    token: &str,
    location: &str,
    version: i64,
    body: Value,
) -> reqwest::Response {
    app.authed(Method::PUT, location, token)
        .header("if-match", format!("\"{version}\""))
        .json(&body)
        .send()
        .await
        .unwrap()
}

fn invalid_fields(problem: &Value) -> Vec<&str> {
    problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|error| error["field"].as_str().unwrap())
        .collect()
}

async fn a_problem_is_recorded_resolved_and_read_back(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let doc = app.user_with_roles("doc", &["clinician"]).await;
    let patient = app.register_patient(&doc, "Amy", "Pond").await;
    let patient = patient["id"].as_str().unwrap();

    let diabetes = json!({ "description": "Type 2 diabetes mellitus", "codeSystem": "icd10", "code": "e11.9", "onset": "2019-03-01" });
    let response = record(&app, &doc, patient, diabetes).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(response.headers()["etag"], "\"1\"");
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let problem: Value = response.json().await.unwrap();
    assert_eq!(problem["status"], "active");
    assert_eq!(
        problem["code"],
        json!({ "system": "icd10", "code": "E11.9" })
    );
    assert_eq!(problem["onset"], "2019-03-01");

    // WHO's emergency codes (U07.1, COVID-19) are ICD-10 too.
    let covid = json!({ "description": "COVID-19", "codeSystem": "icd10", "code": "U07.1", "status": "resolved", "resolvedOn": "2021-01-10" });
    assert_eq!(
        record(&app, &doc, patient, covid).await.status(),
        StatusCode::CREATED
    );
    let asthma = json!({ "description": "Asthma", "codeSystem": "snomed", "code": "195967001", "status": "resolved", "onset": "2001-01-01", "resolvedOn": "2015-06-30" });
    assert_eq!(
        record(&app, &doc, patient, asthma).await.status(),
        StatusCode::CREATED
    );

    let resolved = json!({ "description": "Type 2 diabetes mellitus", "codeSystem": "icd10", "code": "E11.9", "onset": "2019-03-01", "status": "resolved", "resolvedOn": "2024-05-01" });
    let response = revise(&app, &doc, &location, 1, resolved.clone()).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["etag"], "\"2\"");
    let stale = revise(&app, &doc, &location, 1, resolved).await;
    assert_eq!(stale.status(), StatusCode::PRECONDITION_FAILED);

    let read = app.get_json(&location, &doc).await;
    assert_eq!(read["status"], "resolved");
    assert_eq!(read["resolvedOn"], "2024-05-01");
    assert_eq!(read["version"], 2);

    let list = app
        .get_json(&format!("/api/v1/patients/{patient}/problems"), &doc)
        .await;
    let descriptions: Vec<_> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|problem| problem["description"].as_str().unwrap())
        .collect();
    assert_eq!(
        descriptions,
        ["Type 2 diabetes mellitus", "COVID-19", "Asthma"]
    );

    let admin = app.admin_token().await;
    assert_eq!(
        app.audit_actions(&admin, patient, Some("problem")).await,
        ["create", "create", "create", "update", "read", "list", "list", "list"]
    );
}
test_on_every_database!(a_problem_is_recorded_resolved_and_read_back);

async fn a_mistaken_entry_is_marked_entered_in_error_and_then_never_changes(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let doc = app.user_with_roles("doc", &["clinician"]).await;
    let patient = app.register_patient(&doc, "Rory", "Williams").await;
    let patient = patient["id"].as_str().unwrap();
    let body = json!({ "description": "Hypertension" });
    let response = record(&app, &doc, patient, body.clone()).await;
    let location = response.headers()["location"].to_str().unwrap().to_owned();

    let mistaken = json!({ "description": "Hypertension", "status": "entered_in_error" });
    assert_eq!(
        revise(&app, &doc, &location, 1, mistaken).await.status(),
        StatusCode::OK
    );
    let again = revise(&app, &doc, &location, 2, body).await;
    assert_eq!(again.status(), StatusCode::CONFLICT);
    assert_eq!(
        again.json::<Value>().await.unwrap()["code"],
        "invalid_transition"
    );
    // Still there, marked, never deleted.
    let list = app
        .get_json(&format!("/api/v1/patients/{patient}/problems"), &doc)
        .await;
    assert_eq!(list["items"][0]["status"], "entered_in_error");
    let delete = app.status(Method::DELETE, &location, &doc).await;
    assert_eq!(delete, StatusCode::METHOD_NOT_ALLOWED);
}
test_on_every_database!(a_mistaken_entry_is_marked_entered_in_error_and_then_never_changes);

async fn each_invalid_field_is_named_and_nothing_is_written(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let doc = app.user_with_roles("doc", &["clinician"]).await;
    let patient = app.register_patient(&doc, "Clara", "Oswald").await;
    let patient = patient["id"].as_str().unwrap();
    for (body, fields) in [
        (json!({ "description": " " }), vec!["description"]),
        (
            json!({ "description": "X", "codeSystem": "icd10", "code": "44054006" }),
            vec!["code"],
        ),
        (
            json!({ "description": "X", "codeSystem": "snomed", "code": "44054007" }),
            vec!["code"],
        ),
        (
            json!({ "description": "X", "codeSystem": "loinc", "code": "1234-5" }),
            vec!["codeSystem"],
        ),
        (
            json!({ "description": "X", "code": "E11.9" }),
            vec!["codeSystem"],
        ),
        (
            json!({ "description": "X", "onset": "2999-01-01" }),
            vec!["onset"],
        ),
        (
            json!({ "description": "X", "status": "cured" }),
            vec!["status"],
        ),
        (
            json!({ "description": "X", "status": "resolved" }),
            vec!["resolvedOn"],
        ),
        (
            json!({ "description": "X", "resolvedOn": "2020-01-01" }),
            vec!["resolvedOn"],
        ),
        (
            json!({ "description": "X", "status": "resolved", "onset": "2020-01-01", "resolvedOn": "2019-01-01" }),
            vec!["resolvedOn"],
        ),
    ] {
        let response = record(&app, &doc, patient, body.clone()).await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}"
        );
        assert_eq!(
            response.headers()["content-type"],
            "application/problem+json"
        );
        assert_eq!(
            invalid_fields(&response.json().await.unwrap()),
            fields,
            "{body}"
        );
    }
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM problems").await, 0);
}
test_on_every_database!(each_invalid_field_is_named_and_nothing_is_written);

async fn clinicians_write_billing_reads_the_front_desk_does_neither(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let doc = app.user_with_roles("doc", &["clinician"]).await;
    let billing = app.user_with_roles("billing", &["billing"]).await;
    let desk = app.user_with_roles("desk", &["front_desk"]).await;
    let admin = app.admin_token().await;
    let patient = app.register_patient(&doc, "Donna", "Noble").await;
    let patient = patient["id"].as_str().unwrap();
    let body = json!({ "description": "Migraine", "codeSystem": "icd10", "code": "G43.909" });
    let response = record(&app, &doc, patient, body.clone()).await;
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let list = format!("/api/v1/patients/{patient}/problems");

    assert_eq!(
        app.status(Method::GET, &location, &billing).await,
        StatusCode::OK
    );
    assert_eq!(
        app.status(Method::GET, &list, &billing).await,
        StatusCode::OK
    );
    assert_eq!(
        record(&app, &billing, patient, body.clone()).await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        revise(&app, &billing, &location, 1, body.clone())
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    for token in [&desk, &admin] {
        assert_eq!(
            app.status(Method::GET, &location, token).await,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            app.status(Method::GET, &list, token).await,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            record(&app, token, patient, body.clone()).await.status(),
            StatusCode::FORBIDDEN
        );
    }
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM problems").await, 1);
    // The front desk's look at the problem is refused, and the refusal audited.
    let problem_id = location.rsplit('/').next().unwrap();
    let desk_id = app.get_json("/api/v1/me", &desk).await["id"].clone();
    let trail = app
        .get_json(
            &format!("/api/v1/audit?actorId={}", desk_id.as_str().unwrap()),
            &admin,
        )
        .await;
    assert!(
        trail["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|event| event["resourceType"] == "problem"
                && event["resourceId"] == problem_id
                && event["action"] == "read"
                && event["outcome"] == "refused"),
        "{trail}"
    );
}
test_on_every_database!(clinicians_write_billing_reads_the_front_desk_does_neither);

async fn problems_belong_to_a_registered_unarchived_patient(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let doc = app.user_with_roles("doc", &["clinician"]).await;
    let body = json!({ "description": "Gout" });
    let unknown = uuid::Uuid::now_v7().to_string();
    assert_eq!(
        record(&app, &doc, &unknown, body.clone()).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.status(
            Method::GET,
            &format!("/api/v1/patients/{unknown}/problems"),
            &doc
        )
        .await,
        StatusCode::NOT_FOUND
    );
    let patient = app.register_patient(&doc, "Wilfred", "Mott").await;
    let id = patient["id"].as_str().unwrap();
    let archived = app
        .authed(
            Method::POST,
            &format!("/api/v1/patients/{id}/archive"),
            &doc,
        )
        .header("if-match", "\"1\"")
        .send()
        .await
        .unwrap();
    assert_eq!(archived.status(), StatusCode::OK);
    let response = record(&app, &doc, id, body).await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    assert_eq!(
        response.json::<Value>().await.unwrap()["code"],
        "patient_archived"
    );
}
test_on_every_database!(problems_belong_to_a_registered_unarchived_patient);

async fn a_problem_under_another_sessions_lock_is_refused(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let doc = app.user_with_roles("doc", &["clinician"]).await;
    let colleague = app.user_with_roles("colleague", &["clinician"]).await;
    let patient = app.register_patient(&doc, "River", "Song").await;
    let patient = patient["id"].as_str().unwrap();
    let body =
        json!({ "description": "Fracture of femur", "codeSystem": "icd10", "code": "S72.001A" });
    let response = record(&app, &doc, patient, body.clone()).await;
    let problem: Value = response.json().await.unwrap();
    let id = problem["id"].as_str().unwrap();
    let lock = app
        .authed(Method::POST, "/api/v1/locks", &doc)
        .json(&json!({ "resource": format!("problems/{id}") }))
        .send()
        .await
        .unwrap();
    assert_eq!(lock.status(), StatusCode::CREATED);
    let refused = revise(&app, &colleague, &format!("/api/v1/problems/{id}"), 1, body).await;
    assert_eq!(refused.status(), StatusCode::LOCKED);
    // A malformed body is refused for itself first, whoever holds the lock.
    let malformed = json!({ "description": "x".repeat(501) });
    let refused = revise(
        &app,
        &colleague,
        &format!("/api/v1/problems/{id}"),
        1,
        malformed,
    )
    .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let shown = app
        .get_json(&format!("/api/v1/problems/{id}"), &colleague)
        .await;
    assert_eq!(shown["lock"]["holder"]["displayName"], "doc");
}
test_on_every_database!(a_problem_under_another_sessions_lock_is_refused);
