//! What a security review tries against a running node (SECURITY.md lists each item and
//! the test that proves it).

use futures_util::StreamExt;
use reqwest::{Method, StatusCode};
use serde_json::json;
use tests::{access_token, test_on_every_database, Backend, TestApp, ADMIN_PASSWORD};

async fn metrics_keep_one_label_for_every_invented_method(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    for invented in ["FOO", "BAR", "BAZQUUX"] {
        let method = Method::from_bytes(invented.as_bytes()).unwrap();
        app.client
            .request(method, app.url("/health/live"))
            .send()
            .await
            .unwrap();
    }
    let text = app.get("/metrics").await.text().await.unwrap();
    for invented in ["FOO", "BAR", "BAZQUUX"] {
        assert!(
            !text.contains(invented),
            "{invented} became a label: {text}"
        );
    }
    let others: Vec<&str> = text
        .lines()
        .filter(|line| line.starts_with(r#"practica_http_requests_total{method="OTHER""#))
        .collect();
    assert_eq!(others.len(), 1, "one series for them all: {others:?}");
    assert!(others[0].ends_with(" 3"), "{others:?}");
}

async fn every_answer_carries_the_security_headers(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let admin = app.admin_token().await;
    let api = app
        .authed(Method::GET, "/api/v1/me", &admin)
        .send()
        .await
        .unwrap();
    assert_eq!(api.status(), StatusCode::OK);
    let refused = app.get("/api/v1/patients").await;
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    let unknown = app.get("/api/v1/nowhere").await;
    let health = app.get("/health/live").await;
    for (what, response) in [
        ("me", &api),
        ("401", &refused),
        ("404", &unknown),
        ("health", &health),
    ] {
        let headers = response.headers();
        assert_eq!(headers["x-content-type-options"], "nosniff", "{what}");
        assert_eq!(headers["referrer-policy"], "no-referrer", "{what}");
        assert_eq!(
            headers["content-security-policy"], "default-src 'none'; frame-ancestors 'none'",
            "{what}"
        );
    }
    for (what, response) in [("me", &api), ("401", &refused), ("404", &unknown)] {
        assert_eq!(response.headers()["cache-control"], "no-store", "{what}");
    }
    let docs = app.get("/docs/").await;
    assert_eq!(docs.status(), StatusCode::OK);
    let policy = docs.headers()["content-security-policy"].to_str().unwrap();
    assert!(policy.contains("script-src 'self'"), "{policy}");
    assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
}

async fn answers_carrying_credentials_are_never_stored_for_replay(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let pair = app.login("admin", ADMIN_PASSWORD).await;
    let access = access_token(&pair);
    // The raw path spells `auth` another way; the router still matches the refresh.
    let refreshed = app
        .client
        .post(app.url("/api/v1/%61uth/refresh"))
        .bearer_auth(&access)
        .header("idempotency-key", "keep-my-tokens")
        .json(&json!({ "refreshToken": pair["refreshToken"] }))
        .send()
        .await
        .unwrap();
    assert_eq!(refreshed.status(), StatusCode::OK);
    assert!(refreshed.headers().get("idempotent-replayed").is_none());

    let doctor = app.user_with_roles("doc", &["clinician"]).await;
    let patient = app.register_patient(&doctor, "Ada", "Lovelace").await;
    let locked = app
        .authed(Method::POST, "/api/v1/locks", &doctor)
        .header("idempotency-key", "keep-my-lock")
        .json(&json!({ "resource": format!("patients/{}", patient["id"].as_str().unwrap()) }))
        .send()
        .await
        .unwrap();
    assert_eq!(locked.status(), StatusCode::CREATED);
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM idempotency_keys")
            .await,
        0,
        "no token was stored to be replayed"
    );
}

async fn parallel_guesses_never_overrun_the_limit(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let guesses = (0..12).map(|_| app.try_login("admin", "a wrong password"));
    let statuses: Vec<StatusCode> = futures_util::future::join_all(guesses)
        .await
        .into_iter()
        .map(|response| response.status())
        .collect();
    let tried = statuses
        .iter()
        .filter(|s| **s == StatusCode::UNAUTHORIZED)
        .count();
    let refused = statuses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!((tried, refused), (5, 7), "{statuses:?}");
}

async fn one_address_cannot_lock_a_user_out_from_another(backend: Backend) {
    let behind_proxy = |s: &mut api::Settings| {
        s.http.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
    };
    let Some(app) = TestApp::spawn_with(backend, behind_proxy).await else {
        return;
    };
    let login_from = |client_address: &'static str, password: &'static str| {
        app.client
            .post(app.url("/api/v1/auth/login"))
            .header("x-forwarded-for", client_address)
            .json(&json!({ "username": "admin", "password": password }))
            .send()
    };
    for _ in 0..8 {
        login_from("198.51.100.7", "a wrong password")
            .await
            .unwrap();
    }
    let attacker = login_from("198.51.100.7", ADMIN_PASSWORD).await.unwrap();
    assert_eq!(attacker.status(), StatusCode::TOO_MANY_REQUESTS);
    let owner = login_from("203.0.113.5", ADMIN_PASSWORD).await.unwrap();
    assert_eq!(
        owner.status(),
        StatusCode::OK,
        "the owner, elsewhere, signs in"
    );
}

async fn the_account_wide_ceiling_still_holds(backend: Backend) {
    let behind_proxy = |s: &mut api::Settings| {
        s.http.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
        s.auth.max_failures_per_account_total = 6;
    };
    let Some(app) = TestApp::spawn_with(backend, behind_proxy).await else {
        return;
    };
    let login_from = |client_address: String, password: &'static str| {
        app.client
            .post(app.url("/api/v1/auth/login"))
            .header("x-forwarded-for", client_address)
            .json(&json!({ "username": "admin", "password": password }))
            .send()
    };
    // Three addresses, each within its own limit of 5, reach the ceiling of 6 together.
    for address in 1..=3 {
        for _ in 0..2 {
            let response = login_from(format!("198.51.100.{address}"), "a wrong password")
                .await
                .unwrap();
            assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        }
    }
    let anyone = login_from("203.0.113.5".to_owned(), ADMIN_PASSWORD)
        .await
        .unwrap();
    assert_eq!(anyone.status(), StatusCode::TOO_MANY_REQUESTS);
}

async fn a_stolen_token_cannot_guess_the_password(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let token = app.admin_token().await;
    let change = |current: &'static str| {
        app.authed(Method::PUT, "/api/v1/me/password", &token)
            .json(&json!({ "currentPassword": current, "newPassword": "a brand new password" }))
            .send()
    };
    for _ in 0..5 {
        let wrong = change("a wrong guess").await.unwrap();
        assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
    let right = change(ADMIN_PASSWORD).await.unwrap();
    assert_eq!(right.status(), StatusCode::TOO_MANY_REQUESTS);
}

async fn a_huge_username_is_counted_under_a_short_key(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let huge = "x".repeat(20_000);
    let response = app.try_login(&huge, "a wrong password").await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let longest = app
        .count("SELECT CAST(MAX(LENGTH(subject)) AS BIGINT) AS n FROM login_failures")
        .await;
    assert!((1..=100).contains(&longest), "a subject {longest} long");
}

async fn a_demoted_or_deactivated_user_loses_their_rights_at_once(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let admin = app.admin_token().await;
    for (username, change) in [
        ("demoted", json!({ "roles": ["billing"] })),
        ("deactivated", json!({ "active": false })),
    ] {
        let token = app.user_with_roles(username, &["admin"]).await;
        assert_eq!(
            app.status(Method::GET, "/api/v1/users", &token).await,
            StatusCode::OK
        );
        let me = app.get_json("/api/v1/me", &token).await;
        let changed = app
            .authed(
                Method::PATCH,
                &format!("/api/v1/users/{}", me["id"].as_str().unwrap()),
                &admin,
            )
            .header("if-match", format!("\"{}\"", me["version"]))
            .json(&change)
            .send()
            .await
            .unwrap();
        assert_eq!(changed.status(), StatusCode::OK, "{username}");
        assert_eq!(
            app.status(Method::GET, "/api/v1/users", &token).await,
            StatusCode::UNAUTHORIZED,
            "{username}: the token issued before the change is refused on its next request"
        );
    }
    let me = app.get_json("/api/v1/me", &admin).await;
    let own = app
        .authed(
            Method::PATCH,
            &format!("/api/v1/users/{}", me["id"].as_str().unwrap()),
            &admin,
        )
        .header("if-match", format!("\"{}\"", me["version"]))
        .json(&json!({ "active": false }))
        .send()
        .await
        .unwrap();
    assert_eq!(
        own.status(),
        StatusCode::CONFLICT,
        "no administrator locks themselves out"
    );
    assert_eq!(
        own.json::<serde_json::Value>().await.unwrap()["code"],
        "own_admin_rights"
    );
}

async fn markup_that_could_run_is_never_accepted_as_xml(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let doctor = app.user_with_roles("doc", &["clinician"]).await;
    let patient = app.register_patient(&doctor, "Ada", "Lovelace").await;
    let upload = |body: &'static str| {
        app.authed(
            Method::POST,
            &format!(
                "/api/v1/patients/{}/documents?title=Summary&category=other",
                patient["id"].as_str().unwrap()
            ),
            &doctor,
        )
        .header("content-type", "text/xml")
        .body(body)
        .send()
    };
    let page = upload(
        "<html xmlns=\"http://www.w3.org/1999/xhtml\"><body><script>fetch('/api/v1/me')</script></body></html>",
    )
    .await
    .unwrap();
    assert_eq!(page.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let summary = upload(
        "<?xml version=\"1.0\"?><ClinicalDocument xmlns=\"urn:hl7-org:v3\"><title>Discharge</title></ClinicalDocument>",
    )
    .await
    .unwrap();
    assert_eq!(summary.status(), StatusCode::CREATED);
    let id = summary.json::<serde_json::Value>().await.unwrap()["id"].clone();
    let download = app
        .authed(
            Method::GET,
            &format!("/api/v1/documents/{}/content", id.as_str().unwrap()),
            &doctor,
        )
        .send()
        .await
        .unwrap();
    assert_eq!(download.headers()["content-security-policy"], "sandbox");
    assert_eq!(download.headers()["x-content-type-options"], "nosniff");
    assert!(download.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment"));
}

async fn metrics_can_be_kept_off_the_client_port(backend: Backend) {
    let port = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        probe.local_addr().unwrap().port()
    };
    let metrics_listen: std::net::SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let Some(app) =
        TestApp::spawn_with(backend, |s| s.http.metrics_listen = Some(metrics_listen)).await
    else {
        return;
    };
    assert_eq!(app.get("/metrics").await.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        app.get("/%6Detrics").await.status(),
        StatusCode::NOT_FOUND,
        "however the path is spelled"
    );
    assert_eq!(app.get("/health/live").await.status(), StatusCode::OK);
    let metrics = format!("http://{metrics_listen}");
    let scraped = app
        .client
        .get(format!("{metrics}/metrics"))
        .send()
        .await
        .unwrap();
    assert_eq!(scraped.status(), StatusCode::OK);
    assert!(scraped
        .text()
        .await
        .unwrap()
        .contains("practica_http_requests_total"));
    let api = app
        .client
        .get(format!("{metrics}/health/live"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        api.status(),
        StatusCode::NOT_FOUND,
        "the metrics port serves metrics alone"
    );
}

async fn guessable_passwords_are_refused(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let admin = app.admin_token().await;
    for (username, password) in [
        ("common", "password1234"),
        ("keyboard", "qwertyuiop12"),
        ("jane.doe.smith", "Jane.Doe.Smith"),
    ] {
        let refused = app
            .authed(Method::POST, "/api/v1/users", &admin)
            .json(&json!({
                "username": username, "displayName": username, "password": password,
                "roles": ["billing"],
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(
            refused.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{password}"
        );
        let problem: serde_json::Value = refused.json().await.unwrap();
        assert_eq!(problem["errors"][0]["field"], "password", "{problem}");
    }
    let changed = app
        .authed(Method::PUT, "/api/v1/me/password", &admin)
        .json(&json!({ "currentPassword": ADMIN_PASSWORD, "newPassword": "iloveyou1234" }))
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

async fn a_refused_upload_is_refused_before_its_body_is_read(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let doctor = app.user_with_roles("doc", &["clinician"]).await;
    let patient = app.register_patient(&doctor, "Ada", "Lovelace").await;
    let unknown = uuid::Uuid::now_v7().to_string();
    // A body whose first 16 KiB arrive and whose rest never does: only an upload refused
    // on what it says and its first bytes can be answered.
    let endless = |first: Vec<u8>| {
        let first = futures_util::stream::iter([Ok::<_, std::io::Error>(first)]);
        reqwest::Body::wrap_stream(first.chain(futures_util::stream::pending()))
    };
    let executable = [b"MZ".as_slice(), &[0_u8; 16 * 1024]].concat();
    for (patient_id, body, expected) in [
        (
            unknown.as_str(),
            b"%PDF-1.7 ".repeat(2000),
            StatusCode::NOT_FOUND,
        ),
        (
            patient["id"].as_str().unwrap(),
            executable,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
    ] {
        let attempt = app
            .authed(
                Method::POST,
                &format!("/api/v1/patients/{patient_id}/documents?title=x&category=other"),
                &doctor,
            )
            .header("content-type", "application/pdf")
            .body(endless(body))
            .send();
        let answer = tokio::time::timeout(std::time::Duration::from_secs(10), attempt)
            .await
            .expect("answered before the body ended")
            .unwrap();
        assert_eq!(answer.status(), expected);
    }
}

async fn a_password_made_for_an_account_must_be_changed_first(backend: Backend) {
    use sea_orm::ConnectionTrait;
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    // As the first start leaves an admin whose password it made and logged.
    app.database()
        .connection()
        .execute_unprepared(
            "UPDATE users SET password_change_required = TRUE WHERE username = 'admin'",
        )
        .await
        .unwrap();
    let pair = app.login("admin", ADMIN_PASSWORD).await;
    assert_eq!(pair["passwordChangeRequired"], true);
    let token = access_token(&pair);
    let refused = app
        .authed(Method::GET, "/api/v1/users", &token)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        refused.json::<serde_json::Value>().await.unwrap()["code"],
        "password_change_required"
    );
    assert_eq!(
        app.status(Method::GET, "/api/v1/me", &token).await,
        StatusCode::OK
    );
    let same = app
        .authed(Method::PUT, "/api/v1/me/password", &token)
        .json(&json!({ "currentPassword": ADMIN_PASSWORD, "newPassword": ADMIN_PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_eq!(
        same.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "a change that changes nothing"
    );
    let changed = app
        .authed(Method::PUT, "/api/v1/me/password", &token)
        .json(&json!({ "currentPassword": ADMIN_PASSWORD, "newPassword": "a password of my own choosing" }))
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), StatusCode::NO_CONTENT);
    let refreshed: serde_json::Value = app
        .client
        .post(app.url("/api/v1/auth/refresh"))
        .json(&json!({ "refreshToken": pair["refreshToken"] }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(refreshed["passwordChangeRequired"], false);
    assert_eq!(
        app.status(Method::GET, "/api/v1/users", &access_token(&refreshed))
            .await,
        StatusCode::OK
    );
}

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

/// The actions of the audit trail whose `query` matches, with outcome, in order.
async fn trail(app: &TestApp, admin: &str, query: &str) -> Vec<serde_json::Value> {
    app.get_json(&format!("/api/v1/audit?{query}&limit=200"), admin)
        .await["items"]
        .as_array()
        .unwrap()
        .clone()
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

test_on_every_database!(
    sign_ins_account_changes_and_sessions_are_audited,
    refused_access_and_replayed_answers_are_audited,
    a_client_cannot_choose_the_audit_trails_request_id,
    a_password_made_for_an_account_must_be_changed_first,
    a_refused_upload_is_refused_before_its_body_is_read,
    guessable_passwords_are_refused,
    metrics_can_be_kept_off_the_client_port,
    markup_that_could_run_is_never_accepted_as_xml,
    a_demoted_or_deactivated_user_loses_their_rights_at_once,
    parallel_guesses_never_overrun_the_limit,
    one_address_cannot_lock_a_user_out_from_another,
    the_account_wide_ceiling_still_holds,
    a_stolen_token_cannot_guess_the_password,
    a_huge_username_is_counted_under_a_short_key,
    answers_carrying_credentials_are_never_stored_for_replay,
    metrics_keep_one_label_for_every_invented_method,
    every_answer_carries_the_security_headers,
);

#[tokio::test]
async fn database_and_document_files_are_the_owners_alone() {
    use std::os::unix::fs::PermissionsExt;

    use domain::documents::{ContentHash, FileStore};
    use persistence::documents::DirectoryFileStore;
    use persistence::{Database, DatabaseOptions};
    use sea_orm::ConnectionTrait;

    let mode =
        |path: &std::path::Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    let directory = tempfile::tempdir().unwrap();
    let file = directory.path().join("practica.db");
    let database = Database::connect(&DatabaseOptions {
        url: format!("sqlite://{}", file.display()),
        max_connections: 2,
        acquire_timeout: std::time::Duration::from_secs(5),
    })
    .await
    .unwrap();
    let connection = database.connection();
    connection
        .execute_unprepared("CREATE TABLE probe (x INTEGER); INSERT INTO probe VALUES (1)")
        .await
        .unwrap();
    for name in ["practica.db", "practica.db-wal", "practica.db-shm"] {
        assert_eq!(mode(&directory.path().join(name)), 0o600, "{name}");
    }

    let root = directory.path().join("documents");
    let store = DirectoryFileStore::open(&root).await.unwrap();
    let upload = store.begin().await.unwrap();
    store
        .put_chunk(upload, 0, b"a scan".to_vec())
        .await
        .unwrap();
    store
        .finish(upload, &ContentHash::of(b"a scan"), 6)
        .await
        .unwrap();
    let mut seen = 0;
    let mut pending = vec![root];
    while let Some(path) = pending.pop() {
        let expected = if path.is_dir() { 0o700 } else { 0o600 };
        assert_eq!(mode(&path), expected, "{}", path.display());
        seen += 1;
        if path.is_dir() {
            pending.extend(
                std::fs::read_dir(&path)
                    .unwrap()
                    .map(|entry| entry.unwrap().path()),
            );
        }
    }
    assert!(seen >= 5, "the blob, its count and their folders: {seen}");
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
