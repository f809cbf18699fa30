//! Providers and appointments: booking, transitions, and no double-booking anywhere.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use tests::{test_on_every_database, Backend, TestApp};

struct Clinic {
    desk: String,
    provider_id: String,
    patient_id: String,
}

/// A front-desk user, a clinician with a specialty, and a registered patient.
async fn clinic(app: &TestApp) -> Clinic {
    let admin = app.admin_token().await;
    let response = app
        .authed(Method::POST, "/api/v1/users", &admin)
        .json(&json!({
            "username": "dr-who", "displayName": "Dr. Who", "password": "a long enough password",
            "roles": ["clinician"], "specialty": "Family medicine"
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let provider: Value = response.json().await.unwrap();
    let desk = app.user_with_roles("desk", &["front_desk"]).await;
    let patient: Value = app
        .authed(Method::POST, "/api/v1/patients", &desk)
        .json(&json!({ "givenName": "Rose", "familyName": "Tyler", "birthDate": "1986-04-27", "sex": "female" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    Clinic {
        desk,
        provider_id: provider["id"].as_str().unwrap().to_owned(),
        patient_id: patient["id"].as_str().unwrap().to_owned(),
    }
}

fn booking(clinic: &Clinic, start: &str, end: &str) -> Value {
    json!({ "patientId": clinic.patient_id, "providerId": clinic.provider_id, "start": start, "end": end, "reason": "check-up" })
}

async fn book(app: &TestApp, token: &str, body: &Value) -> reqwest::Response {
    app.authed(Method::POST, "/api/v1/appointments", token)
        .json(body)
        .send()
        .await
        .unwrap()
}

async fn patch(
    app: &TestApp,
    token: &str,
    id: &str,
    version: i64,
    body: Value,
) -> reqwest::Response {
    app.authed(Method::PATCH, &format!("/api/v1/appointments/{id}"), token)
        .header("if-match", format!("\"{version}\""))
        .json(&body)
        .send()
        .await
        .unwrap()
}

async fn providers_are_the_active_clinicians_with_their_specialty(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let clinic = clinic(&app).await;
    let providers = app.get_json("/api/v1/providers", &clinic.desk).await;
    assert_eq!(
        providers,
        json!([{ "id": clinic.provider_id, "displayName": "Dr. Who", "specialty": "Family medicine" }])
    );
    let admin = app.admin_token().await;
    assert_eq!(
        app.status(Method::GET, "/api/v1/providers", &admin).await,
        StatusCode::FORBIDDEN
    );
}

async fn appointments_are_booked_moved_along_and_never_overlap(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let clinic = clinic(&app).await;
    let desk = &clinic.desk;

    let response = book(
        &app,
        desk,
        &booking(&clinic, "2026-12-01T09:00:00Z", "2026-12-01T09:30:00Z"),
    )
    .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(response.headers()["etag"], "\"1\"");
    let first: Value = response.json().await.unwrap();
    assert_eq!(first["status"], "scheduled");
    let first_id = first["id"].as_str().unwrap();

    let overlap = book(
        &app,
        desk,
        &booking(&clinic, "2026-12-01T09:15:00Z", "2026-12-01T09:45:00Z"),
    )
    .await;
    assert_eq!(overlap.status(), StatusCode::CONFLICT);
    let problem: Value = overlap.json().await.unwrap();
    assert_eq!(problem["code"], "appointment_conflict");
    assert_eq!(problem["conflictingAppointmentId"], first_id);
    let adjacent = book(
        &app,
        desk,
        &booking(&clinic, "2026-12-01T09:30:00Z", "2026-12-01T10:00:00Z"),
    )
    .await;
    assert_eq!(
        adjacent.status(),
        StatusCode::CREATED,
        "back to back is not an overlap"
    );
    let adjacent: Value = adjacent.json().await.unwrap();

    // Rescheduling onto a taken slot is refused; onto a free one, done.
    let clash = patch(
        &app,
        desk,
        first_id,
        1,
        json!({ "start": "2026-12-01T09:40:00Z", "end": "2026-12-01T10:10:00Z" }),
    )
    .await;
    assert_eq!(clash.status(), StatusCode::CONFLICT);
    let moved = patch(
        &app,
        desk,
        first_id,
        1,
        json!({ "start": "2026-12-01T08:00:00Z", "end": "2026-12-01T08:30:00Z" }),
    )
    .await;
    assert_eq!(moved.status(), StatusCode::OK);
    assert_eq!(
        moved.json::<Value>().await.unwrap()["start"],
        "2026-12-01T08:00:00Z"
    );

    // The life of an appointment.
    assert_eq!(
        patch(&app, desk, first_id, 2, json!({ "status": "completed" }))
            .await
            .status(),
        StatusCode::CONFLICT
    );
    let checked_in = patch(&app, desk, first_id, 2, json!({ "status": "checked_in" })).await;
    assert_eq!(checked_in.status(), StatusCode::OK);
    let stale = patch(&app, desk, first_id, 2, json!({ "status": "completed" })).await;
    assert_eq!(stale.status(), StatusCode::PRECONDITION_FAILED);
    let moved_after_check_in = patch(
        &app,
        desk,
        first_id,
        3,
        json!({ "start": "2026-12-02T08:00:00Z", "end": "2026-12-02T08:30:00Z" }),
    )
    .await;
    assert_eq!(moved_after_check_in.status(), StatusCode::CONFLICT);
    let completed = patch(&app, desk, first_id, 3, json!({ "status": "completed" })).await;
    assert_eq!(completed.status(), StatusCode::OK);
    let back = patch(&app, desk, first_id, 4, json!({ "status": "scheduled" })).await;
    assert_eq!(back.status(), StatusCode::CONFLICT);
    assert_eq!(
        back.json::<Value>().await.unwrap()["code"],
        "invalid_transition"
    );

    // A cancelled appointment frees its time.
    let adjacent_id = adjacent["id"].as_str().unwrap();
    assert_eq!(
        patch(&app, desk, adjacent_id, 1, json!({ "status": "cancelled" }))
            .await
            .status(),
        StatusCode::OK
    );
    let rebooked = book(
        &app,
        desk,
        &booking(&clinic, "2026-12-01T09:30:00Z", "2026-12-01T10:00:00Z"),
    )
    .await;
    assert_eq!(rebooked.status(), StatusCode::CREATED);

    let day = app
        .get_json(&format!("/api/v1/appointments?providerId={}&from=2026-12-01T00:00:00Z&to=2026-12-02T00:00:00Z", clinic.provider_id), desk)
        .await;
    let starts: Vec<&str> = day["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["start"].as_str().unwrap())
        .collect();
    assert_eq!(
        starts,
        [
            "2026-12-01T08:00:00Z",
            "2026-12-01T09:30:00Z",
            "2026-12-01T09:30:00Z"
        ]
    );
    let page = app
        .get_json(
            &format!(
                "/api/v1/appointments?patientId={}&limit=2",
                clinic.patient_id
            ),
            desk,
        )
        .await;
    let cursor = page["nextCursor"].as_str().unwrap();
    let rest = app
        .get_json(
            &format!(
                "/api/v1/appointments?patientId={}&limit=2&cursor={cursor}",
                clinic.patient_id
            ),
            desk,
        )
        .await;
    assert_eq!(rest["items"].as_array().unwrap().len(), 1);
}

async fn invalid_bookings_are_refused(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let clinic = clinic(&app).await;
    let backwards = book(
        &app,
        &clinic.desk,
        &booking(&clinic, "2026-12-01T10:00:00Z", "2026-12-01T09:00:00Z"),
    )
    .await;
    assert_eq!(backwards.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        backwards.json::<Value>().await.unwrap()["errors"][0]["field"],
        "end"
    );
    let garbled = book(
        &app,
        &clinic.desk,
        &booking(&clinic, "tomorrow", "2026-12-01T09:00:00Z"),
    )
    .await;
    assert_eq!(garbled.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let mut unknown_patient = booking(&clinic, "2026-12-01T09:00:00Z", "2026-12-01T09:30:00Z");
    unknown_patient["patientId"] = json!(uuid::Uuid::now_v7());
    let response = book(&app, &clinic.desk, &unknown_patient).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        response.json::<Value>().await.unwrap()["errors"][0]["field"],
        "patientId"
    );

    let me = app.get_json("/api/v1/me", &clinic.desk).await;
    let mut not_a_clinician = booking(&clinic, "2026-12-01T09:00:00Z", "2026-12-01T09:30:00Z");
    not_a_clinician["providerId"] = me["id"].clone();
    let response = book(&app, &clinic.desk, &not_a_clinician).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        response.json::<Value>().await.unwrap()["errors"][0]["field"],
        "providerId"
    );

    let billing = app.user_with_roles("biller", &["billing"]).await;
    let response = book(
        &app,
        &billing,
        &booking(&clinic, "2026-12-01T09:00:00Z", "2026-12-01T09:30:00Z"),
    )
    .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        app.status(Method::GET, "/api/v1/appointments", &billing)
            .await,
        StatusCode::OK
    );
}

async fn twenty_concurrent_overlapping_bookings_through_two_nodes_book_once(backend: Backend) {
    let Some(first) = TestApp::spawn(backend).await else {
        return;
    };
    let second = TestApp::spawn_node(first.test_database.clone(), |_| {}).await;
    let clinic = clinic(&first).await;
    let attempts = (0..20).map(|attempt| {
        let node = if attempt % 2 == 0 { &first } else { &second };
        // Each overlaps every other: all within 09:00-10:00, each at least 35 minutes.
        let start = format!("2026-12-03T09:{:02}:00Z", attempt);
        let body = booking(&clinic, &start, "2026-12-03T10:00:00Z");
        let desk = clinic.desk.clone();
        async move { book(node, &desk, &body).await.status() }
    });
    let statuses = futures_util::future::join_all(attempts).await;
    let booked = statuses
        .iter()
        .filter(|s| **s == StatusCode::CREATED)
        .count();
    let refused = statuses
        .iter()
        .filter(|s| **s == StatusCode::CONFLICT)
        .count();
    assert_eq!((booked, refused), (1, 19), "{statuses:?}");
    let day = first
        .get_json(
            &format!("/api/v1/appointments?providerId={}", clinic.provider_id),
            &clinic.desk,
        )
        .await;
    assert_eq!(day["items"].as_array().unwrap().len(), 1);
}

async fn appointment_reads_and_writes_are_audited_against_the_patient(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let clinic = clinic(&app).await;
    let booked: Value = book(
        &app,
        &clinic.desk,
        &booking(&clinic, "2026-12-01T09:00:00Z", "2026-12-01T09:30:00Z"),
    )
    .await
    .json()
    .await
    .unwrap();
    let id = booked["id"].as_str().unwrap();
    app.get_json(&format!("/api/v1/appointments/{id}"), &clinic.desk)
        .await;
    patch(&app, &clinic.desk, id, 1, json!({ "status": "checked_in" })).await;
    let admin = app.admin_token().await;
    let appointment_actions = app
        .audit_actions(&admin, &clinic.patient_id, Some("appointment"))
        .await;
    assert_eq!(appointment_actions, ["create", "read", "update"]);
}

test_on_every_database!(
    providers_are_the_active_clinicians_with_their_specialty,
    appointments_are_booked_moved_along_and_never_overlap,
    invalid_bookings_are_refused,
    twenty_concurrent_overlapping_bookings_through_two_nodes_book_once,
    appointment_reads_and_writes_are_audited_against_the_patient,
);
