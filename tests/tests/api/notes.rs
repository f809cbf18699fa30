//! Clinical notes: drafted, signed once, corrected only by addenda; clinicians only.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use tests::{test_on_every_database, Backend, TestApp};

struct Ward {
    doctor: String,
    patient_id: String,
}

async fn ward(app: &TestApp) -> Ward {
    let doctor = app.user_with_roles("doc", &["clinician"]).await;
    let patient: Value = app
        .authed(Method::POST, "/api/v1/patients", &doctor)
        .json(&json!({ "givenName": "Amy", "familyName": "Pond", "birthDate": "1989-03-02", "sex": "female" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    Ward {
        doctor,
        patient_id: patient["id"].as_str().unwrap().to_owned(),
    }
}

async fn draft(app: &TestApp, token: &str, patient_id: &str, body: Value) -> reqwest::Response {
    app.authed(
        Method::POST,
        &format!("/api/v1/patients/{patient_id}/notes"),
        token,
    )
    .json(&body)
    .send()
    .await
    .unwrap()
}

async fn with_version(
    app: &TestApp,
    method: Method,
    path: &str,
    token: &str,
    version: i64,
    body: Option<Value>,
) -> reqwest::Response {
    let mut request = app
        .authed(method, path, token)
        .header("if-match", format!("\"{version}\""));
    if let Some(body) = body {
        request = request.json(&body);
    }
    request.send().await.unwrap()
}

async fn a_note_is_drafted_revised_signed_and_then_only_amended(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let ward = ward(&app).await;
    let doc = &ward.doctor;
    let response = draft(
        &app,
        doc,
        &ward.patient_id,
        json!({ "subjective": "Headache for 3 days" }),
    )
    .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(response.headers()["etag"], "\"1\"");
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let note: Value = response.json().await.unwrap();
    assert_eq!(note["status"], "draft");
    assert_eq!(note["objective"], "");

    let revision = json!({ "subjective": "Headache for 3 days", "objective": "BP 120/80", "assessment": "Tension headache", "plan": "Rest, fluids" });
    let revised = with_version(&app, Method::PUT, &location, doc, 1, Some(revision.clone())).await;
    assert_eq!(revised.status(), StatusCode::OK);
    assert_eq!(revised.headers()["etag"], "\"2\"");
    let stale = with_version(&app, Method::PUT, &location, doc, 1, Some(revision.clone())).await;
    assert_eq!(stale.status(), StatusCode::PRECONDITION_FAILED);
    let no_if_match = app
        .authed(Method::POST, &format!("{location}/sign"), doc)
        .send()
        .await
        .unwrap();
    assert_eq!(no_if_match.status(), StatusCode::PRECONDITION_REQUIRED);

    let early_addendum = app
        .authed(Method::POST, &format!("{location}/addenda"), doc)
        .json(&json!({ "text": "x" }))
        .send()
        .await
        .unwrap();
    assert_eq!(early_addendum.status(), StatusCode::CONFLICT);
    assert_eq!(
        early_addendum.json::<Value>().await.unwrap()["code"],
        "note_not_signed"
    );

    let sign_once = || {
        app.authed(Method::POST, &format!("{location}/sign"), doc)
            .header("if-match", "\"2\"")
            .header("idempotency-key", "sign-note-1")
            .send()
    };
    let signed = sign_once().await.unwrap();
    assert_eq!(signed.status(), StatusCode::OK);
    let retried = sign_once().await.unwrap();
    assert_eq!(
        retried.status(),
        StatusCode::OK,
        "a retried sign gets the first answer, not a conflict"
    );
    assert_eq!(retried.headers()["idempotent-replayed"], "true");
    assert_eq!(signed.headers()["etag"], "\"3\"");
    let signed: Value = signed.json().await.unwrap();
    assert_eq!(signed["status"], "signed");
    assert_eq!(signed["signedBy"], signed["authorId"]);
    assert!(signed["signedAt"].is_string());

    let after = with_version(&app, Method::PUT, &location, doc, 3, Some(revision)).await;
    assert_eq!(after.status(), StatusCode::CONFLICT);
    assert_eq!(after.json::<Value>().await.unwrap()["code"], "note_signed");
    let twice = with_version(
        &app,
        Method::POST,
        &format!("{location}/sign"),
        doc,
        3,
        None,
    )
    .await;
    assert_eq!(twice.status(), StatusCode::CONFLICT);

    let colleague = app.user_with_roles("doc-two", &["clinician"]).await;
    let amended = app
        .authed(Method::POST, &format!("{location}/addenda"), &colleague)
        .json(&json!({ "text": "Correction: BP was 130/85." }))
        .send()
        .await
        .unwrap();
    assert_eq!(amended.status(), StatusCode::CREATED);
    let amended: Value = amended.json().await.unwrap();
    assert_eq!(amended["addenda"][0]["text"], "Correction: BP was 130/85.");
    assert_ne!(amended["addenda"][0]["authorId"], amended["authorId"]);
    assert_eq!(
        amended["objective"], "BP 120/80",
        "the signed text stays as signed"
    );
    assert_eq!(amended["version"], 3);

    let list = app
        .get_json(&format!("/api/v1/patients/{}/notes", ward.patient_id), doc)
        .await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    assert_eq!(list["items"][0]["addenda"].as_array().unwrap().len(), 1);

    // Even straight SQL cannot change a signed note or an addendum.
    use sea_orm::ConnectionTrait;
    let db = app.database().connection();
    assert!(db
        .execute_unprepared("UPDATE clinical_notes SET plan = 'changed'")
        .await
        .is_err());
    assert!(db
        .execute_unprepared("DELETE FROM note_addenda")
        .await
        .is_err());
    let unchanged = app.get_json(&location, doc).await;
    assert_eq!(unchanged["plan"], "Rest, fluids");
}

async fn only_clinicians_see_notes_and_only_authors_change_drafts(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let ward = ward(&app).await;
    let note: Value = draft(
        &app,
        &ward.doctor,
        &ward.patient_id,
        json!({ "subjective": "private" }),
    )
    .await
    .json()
    .await
    .unwrap();
    let path = format!("/api/v1/notes/{}", note["id"].as_str().unwrap());
    let list = format!("/api/v1/patients/{}/notes", ward.patient_id);
    let desk = app.user_with_roles("desk", &["front_desk"]).await;
    let billing = app.user_with_roles("biller", &["billing"]).await;
    let admin = app.admin_token().await;
    for (role, token) in [
        ("front_desk", &desk),
        ("billing", &billing),
        ("admin", &admin),
    ] {
        assert_eq!(
            app.status(Method::GET, &path, token).await,
            StatusCode::FORBIDDEN,
            "{role}"
        );
        assert_eq!(
            app.status(Method::GET, &list, token).await,
            StatusCode::FORBIDDEN,
            "{role}"
        );
        let write = draft(&app, token, &ward.patient_id, json!({ "subjective": "x" })).await;
        assert_eq!(write.status(), StatusCode::FORBIDDEN, "{role}");
    }
    // To another clinician a draft is no note at all, whatever they try on it: every
    // route answers 404, and none lets them take it over.
    let colleague = app.user_with_roles("doc-two", &["clinician"]).await;
    assert_eq!(
        app.status(Method::GET, &path, &colleague).await,
        StatusCode::NOT_FOUND,
        "a draft is its author's alone"
    );
    assert_eq!(app.get_json(&list, &colleague).await["items"], json!([]));
    let resource = format!("notes/{}", note["id"].as_str().unwrap());
    let probes = vec![
        (
            Method::PUT,
            path.clone(),
            Some(json!({ "subjective": "mine now" })),
        ),
        (Method::POST, format!("{path}/sign"), None),
        (
            Method::POST,
            format!("{path}/addenda"),
            Some(json!({ "text": "x" })),
        ),
        (
            Method::POST,
            "/api/v1/locks".to_owned(),
            Some(json!({ "resource": resource })),
        ),
        (
            Method::GET,
            format!("/api/v1/locks?resource={resource}"),
            None,
        ),
    ];
    for (method, route, body) in probes.clone() {
        let answer = with_version(&app, method.clone(), &route, &colleague, 1, body).await;
        assert_eq!(answer.status(), StatusCode::NOT_FOUND, "{method} {route}");
    }
    // The author's lock on the draft says nothing to the colleague either.
    let held = app
        .authed(Method::POST, "/api/v1/locks", &ward.doctor)
        .json(&json!({ "resource": resource }))
        .send()
        .await
        .unwrap();
    assert_eq!(held.status(), StatusCode::CREATED);
    let held: Value = held.json().await.unwrap();
    for (method, route, body) in probes {
        let answer = with_version(&app, method.clone(), &route, &colleague, 1, body).await;
        assert_eq!(
            answer.status(),
            StatusCode::NOT_FOUND,
            "{method} {route}, locked by its author"
        );
    }
    let released = app
        .authed(
            Method::DELETE,
            &format!("/api/v1/locks/{}", held["token"].as_str().unwrap()),
            &ward.doctor,
        )
        .send()
        .await
        .unwrap();
    assert_eq!(released.status(), StatusCode::NO_CONTENT);

    let signed = with_version(
        &app,
        Method::POST,
        &format!("{path}/sign"),
        &ward.doctor,
        1,
        None,
    )
    .await;
    assert_eq!(signed.status(), StatusCode::OK);
    assert_eq!(
        app.status(Method::GET, &path, &colleague).await,
        StatusCode::OK,
        "a signed note is every clinician's"
    );
    assert_eq!(
        app.get_json(&list, &colleague).await["items"][0]["id"],
        note["id"]
    );
}

async fn invalid_notes_are_refused(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let ward = ward(&app).await;
    let doc = &ward.doctor;
    let unknown = draft(
        &app,
        doc,
        &uuid::Uuid::now_v7().to_string(),
        json!({ "subjective": "x" }),
    )
    .await;
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    assert_eq!(unknown.json::<Value>().await.unwrap()["code"], "not_found");
    let foreign_appointment = draft(
        &app,
        doc,
        &ward.patient_id,
        json!({ "appointmentId": uuid::Uuid::now_v7(), "plan": "x" }),
    )
    .await;
    assert_eq!(
        foreign_appointment.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        foreign_appointment.json::<Value>().await.unwrap()["errors"][0]["field"],
        "appointmentId"
    );
    let oversized = draft(
        &app,
        doc,
        &ward.patient_id,
        json!({ "plan": "x".repeat(20_001) }),
    )
    .await;
    assert!(
        oversized.status() == StatusCode::UNPROCESSABLE_ENTITY
            || oversized.status() == StatusCode::PAYLOAD_TOO_LARGE
    );

    let empty: Value = draft(&app, doc, &ward.patient_id, json!({}))
        .await
        .json()
        .await
        .unwrap();
    let path = format!("/api/v1/notes/{}/sign", empty["id"].as_str().unwrap());
    let sign = with_version(&app, Method::POST, &path, doc, 1, None).await;
    assert_eq!(
        sign.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "an empty note is not signed"
    );

    let patient_path = format!("/api/v1/patients/{}", ward.patient_id);
    let version = app.get_json(&patient_path, doc).await["version"].clone();
    let archived = app
        .authed(Method::POST, &format!("{patient_path}/archive"), doc)
        .header("if-match", format!("\"{version}\""))
        .send()
        .await
        .unwrap();
    assert_eq!(archived.status(), StatusCode::OK);
    let refused = draft(&app, doc, &ward.patient_id, json!({ "plan": "x" })).await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    assert_eq!(
        refused.json::<Value>().await.unwrap()["code"],
        "patient_archived"
    );
}

async fn note_work_is_audited_against_the_patient(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let ward = ward(&app).await;
    let doc = &ward.doctor;
    let note: Value = draft(&app, doc, &ward.patient_id, json!({ "subjective": "s" }))
        .await
        .json()
        .await
        .unwrap();
    let path = format!("/api/v1/notes/{}", note["id"].as_str().unwrap());
    app.get_json(&path, doc).await;
    with_version(
        &app,
        Method::PUT,
        &path,
        doc,
        1,
        Some(json!({ "subjective": "s2" })),
    )
    .await;
    with_version(&app, Method::POST, &format!("{path}/sign"), doc, 2, None).await;
    app.authed(Method::POST, &format!("{path}/addenda"), doc)
        .json(&json!({ "text": "a" }))
        .send()
        .await
        .unwrap();
    let admin = app.admin_token().await;
    let actions = app
        .audit_actions(&admin, &ward.patient_id, Some("note"))
        .await;
    assert_eq!(actions, ["create", "read", "update", "sign", "amend"]);
}

test_on_every_database!(
    a_note_is_drafted_revised_signed_and_then_only_amended,
    only_clinicians_see_notes_and_only_authors_change_drafts,
    invalid_notes_are_refused,
    note_work_is_audited_against_the_patient,
);
