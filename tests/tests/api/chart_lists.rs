//! The chart's allergy, medication, vitals and immunization lists: clinicians record and
//! revise them by version, nothing is deleted (a mistaken entry is marked entered in
//! error), every field is checked, a medication is held against the patient's
//! allergies, and every read and write is audited.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use tests::{test_on_every_database, Backend, TestApp};

async fn record(
    app: &TestApp,
    token: &str,
    patient: &str,
    list: &str,
    body: Value,
) -> reqwest::Response {
    app.authed(
        Method::POST,
        &format!("/api/v1/patients/{patient}/{list}"),
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

fn items(page: &Value) -> &Vec<Value> {
    page["items"].as_array().unwrap()
}

async fn patient(app: &TestApp, token: &str, given: &str) -> String {
    let patient = app.register_patient(token, given, "Tyler").await;
    patient["id"].as_str().unwrap().to_owned()
}

fn penicillin() -> Value {
    json!({
        "substance": "Penicillin",
        "codeSystem": "rxnorm",
        "code": "7980",
        "category": "medication",
        "criticality": "high",
        "reactions": [{ "manifestation": "Hives", "severity": "moderate" }],
        "onset": "2010-05-01"
    })
}

async fn an_allergy_is_recorded_revised_marked_in_error_and_audited(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let doc = app.user_with_roles("doc", &["clinician"]).await;
    let patient = patient(&app, &doc, "Rose").await;

    let response = record(&app, &doc, &patient, "allergies", penicillin()).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(response.headers()["etag"], "\"1\"");
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.starts_with("/api/v1/allergies/"), "{location}");
    let allergy: Value = response.json().await.unwrap();
    assert_eq!(allergy["status"], "active");
    assert_eq!(
        allergy["code"],
        json!({ "system": "rxnorm", "code": "7980" })
    );
    assert_eq!(allergy["reactions"][0]["severity"], "moderate");

    let mut inactive = penicillin();
    inactive["status"] = json!("inactive");
    let response = revise(&app, &doc, &location, 1, inactive.clone()).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["etag"], "\"2\"");
    assert_eq!(
        revise(&app, &doc, &location, 1, inactive).await.status(),
        StatusCode::PRECONDITION_FAILED
    );
    let mut mistaken = penicillin();
    mistaken["status"] = json!("entered_in_error");
    assert_eq!(
        revise(&app, &doc, &location, 2, mistaken).await.status(),
        StatusCode::OK
    );
    let frozen = revise(&app, &doc, &location, 3, penicillin()).await;
    assert_eq!(frozen.status(), StatusCode::CONFLICT);
    assert_eq!(
        frozen.json::<Value>().await.unwrap()["code"],
        "invalid_transition"
    );

    let read = app.get_json(&location, &doc).await;
    assert_eq!(
        (read["status"].as_str(), read["version"].as_i64()),
        (Some("entered_in_error"), Some(3))
    );
    let list = app
        .get_json(&format!("/api/v1/patients/{patient}/allergies"), &doc)
        .await;
    assert_eq!(items(&list).len(), 1, "kept, never deleted");
    assert_eq!(
        app.status(Method::DELETE, &location, &doc).await,
        StatusCode::METHOD_NOT_ALLOWED
    );
    // An allergy's id is no medication's.
    let id = location.rsplit('/').next().unwrap();
    assert_eq!(
        app.status(Method::GET, &format!("/api/v1/medications/{id}"), &doc)
            .await,
        StatusCode::NOT_FOUND
    );

    let admin = app.admin_token().await;
    assert_eq!(
        app.audit_actions(&admin, &patient, Some("allergy")).await,
        ["create", "update", "update", "read", "list"]
    );
}
test_on_every_database!(an_allergy_is_recorded_revised_marked_in_error_and_audited);

async fn each_invalid_field_of_each_list_is_named_and_nothing_is_written(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let doc = app.user_with_roles("doc", &["clinician"]).await;
    let patient = patient(&app, &doc, "Martha").await;
    let cases = [
        (
            "allergies",
            json!({ "substance": " ", "category": "medication" }),
            vec!["substance"],
        ),
        (
            "allergies",
            json!({ "substance": "Peanut", "category": "nuts" }),
            vec!["category"],
        ),
        (
            "allergies",
            json!({ "substance": "Peanut", "category": "food", "criticality": "fatal" }),
            vec!["criticality"],
        ),
        (
            "allergies",
            json!({ "substance": "Peanut", "category": "food", "codeSystem": "icd10", "code": "Z91.010" }),
            vec!["codeSystem"],
        ),
        (
            "allergies",
            json!({ "substance": "Peanut", "category": "food", "reactions": [{ "manifestation": "Rash", "severity": "awful" }] }),
            vec!["reactions[0].severity"],
        ),
        (
            "allergies",
            json!({ "substance": "Peanut", "category": "food", "onset": "2999-01-01" }),
            vec!["onset"],
        ),
        (
            "allergies",
            json!({ "substance": "Peanut", "category": "food", "status": "gone" }),
            vec!["status"],
        ),
        ("medications", json!({ "drug": "" }), vec!["drug"]),
        (
            "medications",
            json!({ "drug": "Metformin", "codeSystem": "rxnorm", "code": "12345678901" }),
            vec!["code"],
        ),
        (
            "medications",
            json!({ "drug": "Metformin", "start": "2026-02-01", "end": "2026-01-01" }),
            vec!["end"],
        ),
        (
            "medications",
            json!({ "drug": "Metformin", "doseQuantity": { "value": 0, "unit": "mg" } }),
            vec!["doseQuantity.value"],
        ),
        (
            "medications",
            json!({ "drug": "Metformin", "schedule": { "times": 2, "period": 1, "unit": "fortnight" } }),
            vec!["schedule.unit"],
        ),
        (
            "medications",
            json!({ "drug": "Metformin", "prescriberId": uuid::Uuid::now_v7(), "prescriberName": "Dr. Who" }),
            vec!["prescriberName"],
        ),
        (
            "medications",
            json!({ "drug": "Metformin", "status": "paused" }),
            vec!["status"],
        ),
        (
            "vitals",
            json!({ "takenAt": "2026-01-01T09:00:00Z", "temperatureC": 98.6 }),
            vec!["temperatureC"],
        ),
        (
            "vitals",
            json!({ "takenAt": "2026-01-01T09:00:00Z", "systolicMmhg": 120 }),
            vec!["diastolicMmhg"],
        ),
        (
            "vitals",
            json!({ "takenAt": "2026-01-01T09:00:00Z", "systolicMmhg": 80, "diastolicMmhg": 120 }),
            vec!["diastolicMmhg"],
        ),
        (
            "vitals",
            json!({ "takenAt": "2026-01-01T09:00:00Z" }),
            vec!["takenAt"],
        ),
        (
            "vitals",
            json!({ "takenAt": "2999-01-01T09:00:00Z", "pulsePerMin": 70 }),
            vec!["takenAt"],
        ),
        (
            "vitals",
            json!({ "takenAt": "2026-01-01T09:00:00Z", "spo2Percent": 101, "painScore": 11 }),
            vec!["spo2Percent", "painScore"],
        ),
        (
            "immunizations",
            json!({ "vaccine": "", "date": "2026-01-01" }),
            vec!["vaccine"],
        ),
        (
            "immunizations",
            json!({ "vaccine": "MMR", "date": "2999-01-01" }),
            vec!["date"],
        ),
        // The patient was born on 1980-01-01: nothing is observed before.
        (
            "immunizations",
            json!({ "vaccine": "MMR", "date": "1975-01-01" }),
            vec!["date"],
        ),
        (
            "vitals",
            json!({ "takenAt": "1979-06-01T09:00:00Z", "pulsePerMin": 70 }),
            vec!["takenAt"],
        ),
        (
            "allergies",
            json!({ "substance": "Peanut", "category": "food", "onset": "1979-06-01" }),
            vec!["onset"],
        ),
        // No leap second, no year beyond four digits, nothing before 1870.
        (
            "vitals",
            json!({ "takenAt": "2026-01-01T09:00:60Z", "pulsePerMin": 70 }),
            vec!["takenAt"],
        ),
        (
            "medications",
            json!({ "drug": "Metformin", "start": "+10000-01-01" }),
            vec!["start"],
        ),
        (
            "vitals",
            json!({ "takenAt": "0001-01-01T00:00:00Z", "pulsePerMin": 70 }),
            vec!["takenAt"],
        ),
        (
            "immunizations",
            json!({ "vaccine": "MMR", "date": "2026-01-01", "cvxCode": "12345" }),
            vec!["cvxCode"],
        ),
        (
            "immunizations",
            json!({ "vaccine": "MMR", "date": "2026-01-01", "doseNumber": 0 }),
            vec!["doseNumber"],
        ),
        (
            "immunizations",
            json!({ "vaccine": "MMR", "date": "2026-01-01", "status": "not_done" }),
            vec!["statusReason"],
        ),
        (
            "immunizations",
            json!({ "vaccine": "MMR", "date": "2026-01-01", "statusReason": "why" }),
            vec!["statusReason"],
        ),
    ];
    for (list, body, fields) in cases {
        let response = record(&app, &doc, &patient, list, body.clone()).await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{list} {body}"
        );
        assert_eq!(
            response.headers()["content-type"],
            "application/problem+json"
        );
        let problem: Value = response.json().await.unwrap();
        let named: Vec<_> = problem["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|error| error["field"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(named, fields, "{list} {body}");
    }
    // A range is named with the refusal.
    let response = record(
        &app,
        &doc,
        &patient,
        "vitals",
        json!({ "takenAt": "2026-01-01T09:00:00Z", "weightKg": 900 }),
    )
    .await;
    let problem: Value = response.json().await.unwrap();
    assert_eq!(
        problem["errors"][0]["message"],
        "must be between 0.2 and 650 kg"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM chart_entries").await,
        0
    );
}
test_on_every_database!(each_invalid_field_of_each_list_is_named_and_nothing_is_written);

async fn a_medication_an_allergy_warns_against_needs_an_audited_override(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let doc = app.user_with_roles("doc", &["clinician"]).await;
    let patient = patient(&app, &doc, "Jackie").await;
    let allergy: Value = record(&app, &doc, &patient, "allergies", penicillin())
        .await
        .json()
        .await
        .unwrap();
    let allergy_id = allergy["id"].as_str().unwrap();

    // By name: the allergy's substance is among the drug name's words.
    let by_name = json!({ "drug": "Penicillin V potassium 250 mg tablet", "dose": "1 tablet", "frequency": "four times a day" });
    let refused = record(&app, &doc, &patient, "medications", by_name.clone()).await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    let problem: Value = refused.json().await.unwrap();
    assert_eq!(problem["code"], "allergy_conflict");
    assert_eq!(
        problem["conflictingAllergies"],
        json!([{ "id": allergy_id, "substance": "Penicillin" }])
    );
    let detail = problem["detail"].as_str().unwrap();
    assert!(
        detail.contains("Penicillin") && detail.contains(allergy_id),
        "{detail}"
    );
    // By code.
    let by_code = json!({ "drug": "Bicillin L-A", "codeSystem": "rxnorm", "code": "7980" });
    assert_eq!(
        record(&app, &doc, &patient, "medications", by_code)
            .await
            .status(),
        StatusCode::CONFLICT
    );
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM chart_entries WHERE kind = 'medication'")
            .await,
        0
    );

    let mut overridden = by_name.clone();
    overridden["override"] = json!({ "reason": "Tolerated a supervised test dose" });
    let response = record(&app, &doc, &patient, "medications", overridden).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let medication: Value = response.json().await.unwrap();
    assert_eq!(
        medication["allergyOverride"]["reason"],
        "Tolerated a supervised test dose"
    );
    assert_eq!(
        medication["allergyOverride"]["allergies"],
        json!([allergy_id])
    );

    // A dose change keeps the decision; nothing new to override.
    let location = format!("/api/v1/medications/{}", medication["id"].as_str().unwrap());
    let mut dose_change = by_name;
    dose_change["dose"] = json!("2 tablets");
    let response = revise(&app, &doc, &location, 1, dose_change).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.json::<Value>().await.unwrap()["allergyOverride"]["allergies"],
        json!([allergy_id])
    );

    // An unrelated drug, structured, passes.
    let metformin = json!({
        "drug": "Metformin 500 mg tablet", "codeSystem": "rxnorm", "code": "860975",
        "doseQuantity": { "value": 500, "unit": "mg" }, "route": "oral",
        "schedule": { "times": 2, "period": 1, "unit": "day" }, "start": "2026-01-15",
        "prescriberName": "Dr. Outside"
    });
    let response = record(&app, &doc, &patient, "medications", metformin).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let metformin: Value = response.json().await.unwrap();
    assert_eq!(
        metformin["schedule"],
        json!({ "times": 2, "period": 1, "unit": "day" })
    );
    assert_eq!(metformin["allergyOverride"], Value::Null);

    let admin = app.admin_token().await;
    let trail = app
        .get_json(&format!("/api/v1/audit?patientId={patient}"), &admin)
        .await;
    let overrides: Vec<_> = items(&trail)
        .iter()
        .filter(|event| event["resourceType"] == "medication" && event["action"] == "create")
        .filter_map(|event| event["detail"].as_str())
        .collect();
    assert_eq!(overrides.len(), 1, "{trail}");
    assert!(overrides[0].contains("allergy_override") && overrides[0].contains(allergy_id));
    assert!(
        !overrides[0].contains("supervised"),
        "the reason, clinical text, stays with the entry"
    );

    // A medication recorded stopped warns of nothing; made active again, it is checked.
    let mut stopped = json!({ "drug": "Penicillin G benzathine", "status": "stopped" });
    let response = record(&app, &doc, &patient, "medications", stopped.clone()).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    stopped["status"] = json!("active");
    let refused = revise(&app, &doc, &location, 1, stopped).await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    assert_eq!(
        refused.json::<Value>().await.unwrap()["code"],
        "allergy_conflict"
    );

    // A prescriber named by id is a practica user.
    let doc_id = app.get_json("/api/v1/me", &doc).await["id"].clone();
    let prescribed = json!({ "drug": "Lisinopril 10 mg", "prescriberId": doc_id });
    let response = record(&app, &doc, &patient, "medications", prescribed).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(
        response.json::<Value>().await.unwrap()["prescriberId"],
        doc_id
    );
    let stranger = json!({ "drug": "Lisinopril 10 mg", "prescriberId": uuid::Uuid::now_v7() });
    let response = record(&app, &doc, &patient, "medications", stranger).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        response.json::<Value>().await.unwrap()["errors"][0]["field"],
        "prescriberId"
    );
}
test_on_every_database!(a_medication_an_allergy_warns_against_needs_an_audited_override);

async fn vitals_are_a_series_newest_first_one_set_per_time_with_bmi(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let doc = app.user_with_roles("doc", &["clinician"]).await;
    let patient = patient(&app, &doc, "Mickey").await;
    for (time, weight) in [
        ("2026-03-01T09:00:00Z", 82.0),
        ("2026-01-01T09:00:00Z", 84.0),
        ("2026-02-01T09:00:00Z", 83.0),
    ] {
        let body = json!({ "takenAt": time, "heightCm": 180, "weightKg": weight, "systolicMmhg": 130, "diastolicMmhg": 85 });
        assert_eq!(
            record(&app, &doc, &patient, "vitals", body).await.status(),
            StatusCode::CREATED
        );
    }
    let series = app
        .get_json(&format!("/api/v1/patients/{patient}/vitals"), &doc)
        .await;
    let times: Vec<_> = items(&series)
        .iter()
        .map(|set| set["takenAt"].as_str().unwrap())
        .collect();
    assert_eq!(
        times,
        [
            "2026-03-01T09:00:00Z",
            "2026-02-01T09:00:00Z",
            "2026-01-01T09:00:00Z"
        ]
    );
    assert_eq!(items(&series)[0]["bmi"], 25.3);

    let since = app
        .get_json(
            &format!("/api/v1/patients/{patient}/vitals?since=2026-02-01T09:00:00Z"),
            &doc,
        )
        .await;
    assert_eq!(items(&since).len(), 2);
    // Paged newest first too.
    let first = app
        .get_json(&format!("/api/v1/patients/{patient}/vitals?limit=2"), &doc)
        .await;
    let cursor = first["nextCursor"].as_str().unwrap();
    let second = app
        .get_json(
            &format!("/api/v1/patients/{patient}/vitals?limit=2&cursor={cursor}"),
            &doc,
        )
        .await;
    assert_eq!(items(&second)[0]["takenAt"], "2026-01-01T09:00:00Z");
    assert_eq!(second["nextCursor"], Value::Null);

    // One set per time; marking it entered in error frees the time for the correction.
    let again = json!({ "takenAt": "2026-03-01T09:00:00Z", "pulsePerMin": 70 });
    let refused = record(&app, &doc, &patient, "vitals", again.clone()).await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    assert_eq!(
        refused.json::<Value>().await.unwrap()["code"],
        "vitals_already_recorded"
    );
    let newest = format!(
        "/api/v1/vitals/{}",
        items(&series)[0]["id"].as_str().unwrap()
    );
    let mistaken = json!({ "takenAt": "2026-03-01T09:00:00Z", "weightKg": 82.0, "status": "entered_in_error" });
    assert_eq!(
        revise(&app, &doc, &newest, 1, mistaken).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        record(&app, &doc, &patient, "vitals", again).await.status(),
        StatusCode::CREATED
    );
}
test_on_every_database!(vitals_are_a_series_newest_first_one_set_per_time_with_bmi);

async fn an_immunization_given_or_not_is_recorded_with_its_cvx_code(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let doc = app.user_with_roles("doc", &["clinician"]).await;
    let patient = patient(&app, &doc, "Adelaide").await;
    let flu = json!({ "vaccine": "Influenza, seasonal, injectable", "cvxCode": "141", "date": "2026-10-01", "lotNumber": "FL2026A", "site": "left deltoid", "route": "intramuscular", "doseNumber": 1, "performer": "Nurse Joy" });
    let response = record(&app, &doc, &patient, "immunizations", flu).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let given: Value = response.json().await.unwrap();
    assert_eq!(
        (given["status"].as_str(), given["cvxCode"].as_str()),
        (Some("completed"), Some("141"))
    );

    let declined = json!({ "vaccine": "Zoster", "cvxCode": "187", "date": "2026-10-01", "status": "not_done", "statusReason": "Patient declined" });
    assert_eq!(
        record(&app, &doc, &patient, "immunizations", declined)
            .await
            .status(),
        StatusCode::CREATED
    );
    let mistaken = json!({ "vaccine": "Influenza, seasonal, injectable", "date": "2026-10-01", "status": "entered_in_error" });
    assert_eq!(
        revise(&app, &doc, &location, 1, mistaken).await.status(),
        StatusCode::OK
    );
    let list = app
        .get_json(&format!("/api/v1/patients/{patient}/immunizations"), &doc)
        .await;
    let statuses: Vec<_> = items(&list)
        .iter()
        .map(|entry| entry["status"].as_str().unwrap())
        .collect();
    // Newest given first; the two of one day, the later recorded first.
    assert_eq!(statuses, ["not_done", "entered_in_error"]);
    let admin = app.admin_token().await;
    assert_eq!(
        app.audit_actions(&admin, &patient, Some("immunization"))
            .await,
        ["create", "create", "update", "list", "list"]
    );
}
test_on_every_database!(an_immunization_given_or_not_is_recorded_with_its_cvx_code);

async fn a_chart_entry_under_another_sessions_lock_is_refused(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let doc = app.user_with_roles("doc", &["clinician"]).await;
    let colleague = app.user_with_roles("colleague", &["clinician"]).await;
    let patient = patient(&app, &doc, "Wilf").await;
    let body = json!({ "drug": "Atorvastatin 20 mg tablet" });
    let medication: Value = record(&app, &doc, &patient, "medications", body.clone())
        .await
        .json()
        .await
        .unwrap();
    let id = medication["id"].as_str().unwrap();
    let lock = app
        .authed(Method::POST, "/api/v1/locks", &doc)
        .json(&json!({ "resource": format!("medications/{id}") }))
        .send()
        .await
        .unwrap();
    assert_eq!(lock.status(), StatusCode::CREATED);
    let location = format!("/api/v1/medications/{id}");
    assert_eq!(
        revise(&app, &colleague, &location, 1, body).await.status(),
        StatusCode::LOCKED
    );
    let malformed = json!({ "drug": "" });
    assert_eq!(
        revise(&app, &colleague, &location, 1, malformed)
            .await
            .status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let shown = app.get_json(&location, &colleague).await;
    assert_eq!(shown["lock"]["holder"]["displayName"], "doc");
}
test_on_every_database!(a_chart_entry_under_another_sessions_lock_is_refused);

async fn a_change_keeps_what_it_leaves_out_of_the_status_and_a_mistake_keeps_its_record(
    backend: Backend,
) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let doc = app.user_with_roles("doc", &["clinician"]).await;
    let desk = app.user_with_roles("desk", &["front_desk"]).await;
    let desk_id = app.get_json("/api/v1/me", &desk).await["id"].clone();
    let patient = patient(&app, &doc, "Yvonne").await;

    // A stopped drug whose notes are edited stays stopped.
    let warfarin = json!({ "drug": "Warfarin 5 mg", "status": "stopped", "end": "2026-01-01" });
    let response = record(&app, &doc, &patient, "medications", warfarin).await;
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let edited = json!({ "drug": "Warfarin 5 mg", "notes": "bled on it", "end": "2026-01-01" });
    let response = revise(&app, &doc, &location, 1, edited).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.json::<Value>().await.unwrap()["status"], "stopped");
    let chart = app
        .get_json(&format!("/api/v1/patients/{patient}/chart"), &doc)
        .await;
    assert_eq!(chart["medications"], json!([]), "not active again");

    // Marked entered in error, the entry keeps what it recorded.
    let flu = json!({ "vaccine": "Influenza", "date": "2026-10-01", "lotNumber": "FL1" });
    let response = record(&app, &doc, &patient, "immunizations", flu).await;
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let rewritten =
        json!({ "vaccine": "Something else", "date": "2026-10-02", "status": "entered_in_error" });
    let response = revise(&app, &doc, &location, 1, rewritten).await;
    assert_eq!(response.status(), StatusCode::OK);
    let marked: Value = response.json().await.unwrap();
    assert_eq!(
        (
            marked["status"].as_str(),
            marked["vaccine"].as_str(),
            marked["lotNumber"].as_str()
        ),
        (Some("entered_in_error"), Some("Influenza"), Some("FL1"))
    );

    // A prescriber named by id is a clinician.
    let by_desk = json!({ "drug": "Lisinopril 10 mg", "prescriberId": desk_id });
    let response = record(&app, &doc, &patient, "medications", by_desk).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
}
test_on_every_database!(
    a_change_keeps_what_it_leaves_out_of_the_status_and_a_mistake_keeps_its_record
);
