//! The chart summary (`GET /api/v1/patients/{id}/chart`): the first screen in one
//! request, each section as the caller's role allows, in a fixed number of statements;
//! and the rule it shows: allergies or "no known allergies", never both, even when two
//! nodes record them at once.

use chrono::{Duration, Utc};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use tests::{test_on_every_database, Backend, TestApp};

async fn post(app: &TestApp, token: &str, path: &str, body: Value) -> reqwest::Response {
    app.authed(Method::POST, path, token)
        .json(&body)
        .send()
        .await
        .unwrap()
}

async fn created(app: &TestApp, token: &str, path: &str, body: Value) -> Value {
    let response = post(app, token, path, body).await;
    assert_eq!(response.status(), StatusCode::CREATED, "{path}");
    response.json().await.unwrap()
}

async fn state_no_known_allergies(app: &TestApp, token: &str, patient: &str) -> reqwest::Response {
    app.authed(
        Method::PUT,
        &format!("/api/v1/patients/{patient}/allergies/none"),
        token,
    )
    .send()
    .await
    .unwrap()
}

fn allergy(substance: &str) -> Value {
    json!({ "substance": substance, "category": "medication", "criticality": "high" })
}

/// One of each list's entries, and as many more again, for `patient`.
async fn fill_chart(app: &TestApp, doc: &str, patient: &str, round: usize) {
    let lists = format!("/api/v1/patients/{patient}");
    created(
        app,
        doc,
        &format!("{lists}/problems"),
        json!({ "description": format!("Problem {round}") }),
    )
    .await;
    created(
        app,
        doc,
        &format!("{lists}/allergies"),
        allergy(&format!("Substance {round}")),
    )
    .await;
    created(
        app,
        doc,
        &format!("{lists}/medications"),
        json!({ "drug": format!("Drug {round}") }),
    )
    .await;
    let taken_at = (Utc::now() - Duration::days(round as i64 + 1)).to_rfc3339();
    created(
        app,
        doc,
        &format!("{lists}/vitals"),
        json!({ "takenAt": taken_at, "pulsePerMin": 60 + round }),
    )
    .await;
    created(
        app,
        doc,
        &format!("{lists}/immunizations"),
        json!({ "vaccine": format!("Vaccine {round}"), "date": "2026-01-01" }),
    )
    .await;
    created(
        app,
        doc,
        &format!("{lists}/notes"),
        json!({ "subjective": format!("Visit {round}") }),
    )
    .await;
}

async fn the_summary_shows_what_is_current_in_each_list(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let doc = app.user_with_roles("doc", &["clinician"]).await;
    let colleague = app.user_with_roles("colleague", &["clinician"]).await;
    let doc_id = app.get_json("/api/v1/me", &doc).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let patient = app.register_patient(&doc, "Sarah", "Smith").await;
    let id = patient["id"].as_str().unwrap();
    let chart = format!("/api/v1/patients/{id}/chart");
    let lists = format!("/api/v1/patients/{id}");

    let empty = app.get_json(&chart, &doc).await;
    assert_eq!(empty["patient"]["givenName"], "Sarah");
    assert_eq!(empty["allergies"]["status"], "not_recorded");
    assert_eq!(empty["latestVitals"], Value::Null);
    assert_eq!(empty["documentCount"], 0);
    assert_eq!(
        empty["sections"],
        json!([
            "problems",
            "allergies",
            "medications",
            "latestVitals",
            "latestMeasurements",
            "immunizations",
            "documentCount",
            "nextAppointments",
            "recentNotes"
        ])
    );

    created(
        &app,
        &doc,
        &format!("{lists}/problems"),
        json!({ "description": "Asthma" }),
    )
    .await;
    created(
        &app,
        &doc,
        &format!("{lists}/problems"),
        json!({ "description": "Appendicitis", "status": "resolved", "resolvedOn": "2020-01-01" }),
    )
    .await;
    created(
        &app,
        &doc,
        &format!("{lists}/allergies"),
        allergy("Sulfonamide"),
    )
    .await;
    created(
        &app,
        &doc,
        &format!("{lists}/allergies"),
        json!({ "substance": "Latex", "category": "environment", "status": "resolved" }),
    )
    .await;
    created(
        &app,
        &doc,
        &format!("{lists}/medications"),
        json!({ "drug": "Salbutamol inhaler", "asNeeded": true }),
    )
    .await;
    created(
        &app,
        &doc,
        &format!("{lists}/medications"),
        json!({ "drug": "Amoxicillin", "status": "completed" }),
    )
    .await;
    let yesterday = (Utc::now() - Duration::days(1)).to_rfc3339();
    let last_week = (Utc::now() - Duration::days(7)).to_rfc3339();
    created(
        &app,
        &doc,
        &format!("{lists}/vitals"),
        json!({ "takenAt": last_week, "pulsePerMin": 80 }),
    )
    .await;
    let latest = created(
        &app,
        &doc,
        &format!("{lists}/vitals"),
        json!({ "takenAt": yesterday, "heightCm": 165, "weightKg": 60 }),
    )
    .await;
    created(
        &app,
        &doc,
        &format!("{lists}/immunizations"),
        json!({ "vaccine": "Tetanus", "cvxCode": "139", "date": "2024-05-01" }),
    )
    .await;
    created(
        &app,
        &doc,
        &format!("{lists}/immunizations"),
        json!({ "vaccine": "Hepatitis B", "cvxCode": "08", "date": "2020-01-01" }),
    )
    .await;
    let tomorrow = Utc::now() + Duration::days(1);
    created(
        &app,
        &doc,
        "/api/v1/appointments",
        json!({
            "patientId": id, "providerId": doc_id, "reason": "Asthma review",
            "start": tomorrow.to_rfc3339(), "end": (tomorrow + Duration::minutes(30)).to_rfc3339()
        }),
    )
    .await;
    created(
        &app,
        &doc,
        &format!("{lists}/notes"),
        json!({ "subjective": "Wheeze at night" }),
    )
    .await;
    created(
        &app,
        &colleague,
        &format!("{lists}/notes"),
        json!({ "subjective": "A colleague's draft" }),
    )
    .await;

    let summary = app.get_json(&chart, &doc).await;
    let names = |section: &Value, field: &str| -> Vec<String> {
        section
            .as_array()
            .unwrap()
            .iter()
            .map(|item| item[field].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(names(&summary["problems"], "description"), ["Asthma"]);
    assert_eq!(summary["allergies"]["status"], "allergies");
    assert_eq!(
        names(&summary["allergies"]["active"], "substance"),
        ["Sulfonamide"]
    );
    assert_eq!(
        names(&summary["medications"], "drug"),
        ["Salbutamol inhaler"]
    );
    assert_eq!(summary["latestVitals"]["id"], latest["id"]);
    assert_eq!(summary["latestVitals"]["bmi"], 22.0);
    // The newest set has no pulse: the week-old one still shows.
    assert_eq!(summary["latestMeasurements"]["pulsePerMin"]["value"], 80.0);
    assert_eq!(summary["latestMeasurements"]["bmi"], 22.0);
    assert_eq!(summary["latestMeasurements"]["bloodPressure"], Value::Null);
    // The most recently given first, whatever the order they were recorded in.
    assert_eq!(
        names(&summary["immunizations"], "vaccine"),
        ["Tetanus", "Hepatitis B"]
    );
    assert_eq!(
        names(&summary["nextAppointments"], "reason"),
        ["Asthma review"]
    );
    // Its own draft, not a colleague's: a draft is its author's alone.
    assert_eq!(summary["recentNotes"].as_array().unwrap().len(), 1);
    assert_eq!(summary["recentNotes"][0]["authorId"], doc_id.as_str());
    assert!(
        summary["recentNotes"][0].get("subjective").is_none(),
        "headers only"
    );

    let admin = app.admin_token().await;
    let chart_reads = app.audit_actions(&admin, id, Some("chart")).await;
    assert_eq!(chart_reads, ["read", "read"], "one event per summary");
}
test_on_every_database!(the_summary_shows_what_is_current_in_each_list);

async fn each_role_reads_the_sections_it_may(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let doc = app.user_with_roles("doc", &["clinician"]).await;
    let desk = app.user_with_roles("desk", &["front_desk"]).await;
    let billing = app.user_with_roles("billing", &["billing"]).await;
    let admin = app.admin_token().await;
    let patient = app.register_patient(&doc, "Harriet", "Jones").await;
    let id = patient["id"].as_str().unwrap();
    created(
        &app,
        &doc,
        &format!("/api/v1/patients/{id}/allergies"),
        allergy("Aspirin"),
    )
    .await;
    let chart = format!("/api/v1/patients/{id}/chart");

    let seen = app.get_json(&chart, &desk).await;
    assert_eq!(seen["sections"], json!(["nextAppointments"]));
    assert_eq!(seen["patient"]["familyName"], "Jones");
    for hidden in [
        "problems",
        "allergies",
        "medications",
        "latestVitals",
        "latestMeasurements",
        "immunizations",
        "documentCount",
        "recentNotes",
    ] {
        assert!(
            seen.get(hidden).is_none(),
            "the front desk sees no {hidden}"
        );
    }
    let seen = app.get_json(&chart, &billing).await;
    assert_eq!(seen["sections"], json!(["problems", "nextAppointments"]));
    assert!(seen.get("allergies").is_none());
    assert_eq!(
        app.status(Method::GET, &chart, &admin).await,
        StatusCode::FORBIDDEN
    );
    let unknown = format!("/api/v1/patients/{}/chart", uuid::Uuid::now_v7());
    assert_eq!(
        app.status(Method::GET, &unknown, &doc).await,
        StatusCode::NOT_FOUND
    );
}
test_on_every_database!(each_role_reads_the_sections_it_may);

/// Who may call what on the chart's lists: every route, every role.
async fn the_chart_routes_follow_the_role_table(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let doc = app.user_with_roles("doc", &["clinician"]).await;
    let patient = app.register_patient(&doc, "Jack", "Harkness").await;
    let id = patient["id"].as_str().unwrap().to_owned();
    let lists = format!("/api/v1/patients/{id}");
    let mut entries = Vec::new();
    for (list, plural, body) in [
        ("allergies", "allergies", allergy("Codeine")),
        (
            "medications",
            "medications",
            json!({ "drug": "Lisinopril" }),
        ),
        (
            "vitals",
            "vitals",
            json!({ "takenAt": "2026-01-01T09:00:00Z", "pulsePerMin": 70 }),
        ),
        (
            "immunizations",
            "immunizations",
            json!({ "vaccine": "MMR", "date": "2026-01-01" }),
        ),
    ] {
        let entry = created(&app, &doc, &format!("{lists}/{list}"), body.clone()).await;
        entries.push((
            format!("/api/v1/{plural}/{}", entry["id"].as_str().unwrap()),
            list,
            body,
        ));
    }
    let roles = [
        ("clinician", doc.clone()),
        (
            "front_desk",
            app.user_with_roles("desk", &["front_desk"]).await,
        ),
        (
            "billing",
            app.user_with_roles("billing", &["billing"]).await,
        ),
        ("admin", app.admin_token().await),
    ];
    for (role, token) in &roles {
        let clinician = *role == "clinician";
        let mut calls = vec![
            (
                Method::GET,
                format!("{lists}/allergies/none"),
                None,
                clinician,
            ),
            (
                Method::PUT,
                format!("{lists}/allergies/none"),
                None,
                clinician,
            ),
            (
                Method::GET,
                format!("{lists}/chart"),
                None,
                *role != "admin",
            ),
            (
                Method::GET,
                format!("{lists}/problems"),
                None,
                clinician || *role == "billing",
            ),
        ];
        for (location, list, body) in &entries {
            calls.push((Method::GET, format!("{lists}/{list}"), None, clinician));
            calls.push((
                Method::POST,
                format!("{lists}/{list}"),
                Some(body.clone()),
                clinician,
            ));
            calls.push((Method::GET, location.clone(), None, clinician));
            calls.push((Method::PUT, location.clone(), Some(body.clone()), clinician));
        }
        for (method, path, body, allowed) in calls {
            let mut request = app
                .authed(method.clone(), &path, token)
                .header("if-match", "\"999\"");
            if let Some(body) = body {
                request = request.json(&body);
            }
            let status = request.send().await.unwrap().status();
            assert_eq!(
                status == StatusCode::FORBIDDEN,
                !allowed,
                "{role} {method} {path}: {status}"
            );
        }
    }
}
test_on_every_database!(the_chart_routes_follow_the_role_table);

async fn an_active_allergy_withdraws_no_known_allergies_and_is_never_shown_with_it(
    backend: Backend,
) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let doc = app.user_with_roles("doc", &["clinician"]).await;
    let patient = app.register_patient(&doc, "Ianto", "Jones").await;
    let id = patient["id"].as_str().unwrap();
    let chart = format!("/api/v1/patients/{id}/chart");
    let statement = format!("/api/v1/patients/{id}/allergies/none");

    assert_eq!(app.get_json(&statement, &doc).await["stated"], false);
    let response = state_no_known_allergies(&app, &doc, id).await;
    assert_eq!(response.status(), StatusCode::OK);
    let stated: Value = response.json().await.unwrap();
    assert!(stated["recordedAt"].is_string() && stated["recordedBy"].is_string());
    assert_eq!(app.get_json(&statement, &doc).await, stated);
    let summary = app.get_json(&chart, &doc).await;
    assert_eq!(summary["allergies"]["status"], "no_known_allergies");
    assert_eq!(
        summary["allergies"]["noKnownAllergies"]["recordedBy"],
        stated["recordedBy"]
    );

    let allergy = created(
        &app,
        &doc,
        &format!("/api/v1/patients/{id}/allergies"),
        allergy("Morphine"),
    )
    .await;
    let withdrawn = app.get_json(&statement, &doc).await;
    assert_eq!(withdrawn["stated"], false, "withdrawn");
    assert_eq!(withdrawn["recordedBy"], Value::Null);
    let summary = app.get_json(&chart, &doc).await;
    assert_eq!(summary["allergies"]["status"], "allergies");
    assert_eq!(summary["allergies"]["noKnownAllergies"], Value::Null);

    let refused = state_no_known_allergies(&app, &doc, id).await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    let problem: Value = refused.json().await.unwrap();
    assert_eq!(problem["code"], "allergies_recorded");
    assert!(problem["detail"].as_str().unwrap().contains("Morphine"));

    // Once no allergy is active, the statement can be made again.
    let location = format!("/api/v1/allergies/{}", allergy["id"].as_str().unwrap());
    let mut mistaken = crate::chart_summary::allergy("Morphine");
    mistaken["status"] = json!("entered_in_error");
    let response = app
        .authed(Method::PUT, &location, &doc)
        .header("if-match", "\"1\"")
        .json(&mistaken)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        state_no_known_allergies(&app, &doc, id).await.status(),
        StatusCode::OK
    );

    let admin = app.admin_token().await;
    assert_eq!(
        app.audit_actions(&admin, id, Some("no_known_allergies"))
            .await,
        // Every read of the statement, stated or not, is audited.
        ["read", "create", "read", "delete", "read", "create"]
    );
}
test_on_every_database!(an_active_allergy_withdraws_no_known_allergies_and_is_never_shown_with_it);

/// Two nodes, one stating "no known allergies" while the other adds an allergy, over
/// and over: whichever lands second sees the first, so no chart ever holds both.
async fn two_nodes_racing_never_leave_a_chart_with_both(backend: Backend) {
    let Some(first) = TestApp::spawn(backend).await else {
        return;
    };
    let second = TestApp::spawn_node(first.test_database.clone(), |_| {}).await;
    let doc = first.user_with_roles("doc", &["clinician"]).await;
    let mut outcomes = std::collections::BTreeSet::new();
    for round in 0..12 {
        let patient = first
            .register_patient(&doc, "Owen", &format!("Harper{round}"))
            .await;
        let id = patient["id"].as_str().unwrap().to_owned();
        let allergies = format!("/api/v1/patients/{id}/allergies");
        let (stated, added) = tokio::join!(
            state_no_known_allergies(&first, &doc, &id),
            post(&second, &doc, &allergies, allergy("Iodine")),
        );
        assert_eq!(added.status(), StatusCode::CREATED);
        assert!(
            [StatusCode::OK, StatusCode::CONFLICT].contains(&stated.status()),
            "{}",
            stated.status()
        );
        outcomes.insert(stated.status().as_u16());
        for node in [&first, &second] {
            let summary = node
                .get_json(&format!("/api/v1/patients/{id}/chart"), &doc)
                .await;
            assert_eq!(summary["allergies"]["status"], "allergies", "round {round}");
        }
    }
    assert_eq!(
        first
            .count(
                "SELECT COUNT(*) AS n FROM no_known_allergies s WHERE EXISTS (SELECT 1 FROM chart_entries e \
                 WHERE e.patient_id = s.patient_id AND e.kind = 'allergy' AND e.status = 'active')"
            )
            .await,
        0,
        "no patient holds both (outcomes seen: {outcomes:?})"
    );
}
test_on_every_database!(two_nodes_racing_never_leave_a_chart_with_both);

/// The statements one summary runs, the fewest of a few tries (a background statement
/// can only add).
async fn statements_for_one_summary(app: &TestApp, token: &str, chart: &str) -> u64 {
    let mut fewest = u64::MAX;
    for _ in 0..3 {
        let before = app.database().statements_run();
        assert_eq!(app.status(Method::GET, chart, token).await, StatusCode::OK);
        fewest = fewest.min(app.database().statements_run() - before);
    }
    fewest
}

async fn the_summary_runs_the_same_statements_however_full_the_chart(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, |settings| settings.jobs.enabled = false).await
    else {
        return;
    };
    let doc = app.user_with_roles("doc", &["clinician"]).await;
    let patient = app.register_patient(&doc, "Gwen", "Cooper").await;
    let id = patient["id"].as_str().unwrap().to_owned();
    let chart = format!("/api/v1/patients/{id}/chart");
    fill_chart(&app, &doc, &id, 0).await;
    let small = statements_for_one_summary(&app, &doc, &chart).await;
    for round in 1..=8 {
        fill_chart(&app, &doc, &id, round).await;
    }
    let full = statements_for_one_summary(&app, &doc, &chart).await;
    let summary = app.get_json(&chart, &doc).await;
    assert_eq!(summary["medications"].as_array().unwrap().len(), 9);
    assert_eq!(small, full, "no statement per entry");
    // The session check, the snapshot's transaction, one read per section, the audit
    // event: about a dozen, whatever the chart holds.
    assert!(full <= 16, "{full} statements for one summary");
}
test_on_every_database!(the_summary_runs_the_same_statements_however_full_the_chart);

/// An allergy that withdrew the statement made two changes; a retry after its answer
/// was lost is sent to the allergy, not to the statement it withdrew.
async fn a_lost_answer_to_an_allergy_that_withdrew_the_statement_leads_to_the_allergy(
    backend: Backend,
) {
    use sea_orm::ConnectionTrait;

    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let doc = app.user_with_roles("doc", &["clinician"]).await;
    let patient = app.register_patient(&doc, "Toshiko", "Sato").await;
    let id = patient["id"].as_str().unwrap();
    assert_eq!(
        state_no_known_allergies(&app, &doc, id).await.status(),
        StatusCode::OK
    );
    let path = format!("/api/v1/patients/{id}/allergies");
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let send = || {
        client
            .post(app.url(&path))
            .bearer_auth(&doc)
            .header("idempotency-key", "lost-allergy")
            .json(&allergy("Contrast media"))
            .send()
    };
    let original: Value = send().await.unwrap().json().await.unwrap();
    app.database()
        .connection()
        .execute_unprepared(
            "UPDATE idempotency_keys SET response_status = NULL, response_headers = NULL, \
             response_body = NULL, created_at = '2000-01-01T00:00:00+00:00' \
             WHERE idempotency_key = 'lost-allergy'",
        )
        .await
        .unwrap();
    let retry = send().await.unwrap();
    assert_eq!(retry.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        retry.headers()["location"],
        format!("/api/v1/allergies/{}", original["id"].as_str().unwrap()).as_str()
    );
}
test_on_every_database!(
    a_lost_answer_to_an_allergy_that_withdrew_the_statement_leads_to_the_allergy
);
