//! User accounts: admin CRUD with versions, one's own account, the RBAC matrix.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use tests::{test_on_every_database, Backend, TestApp};

async fn create(app: &TestApp, admin: &str, body: Value) -> reqwest::Response {
    app.authed(Method::POST, "/api/v1/users", admin)
        .json(&body)
        .send()
        .await
        .unwrap()
}

fn new_user(username: &str) -> Value {
    json!({
        "username": username,
        "displayName": "Dr. Jane Doe",
        "password": "a long enough password",
        "roles": ["clinician"],
    })
}

async fn admins_create_read_and_change_users_by_version(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let admin = app.admin_token().await;

    let response = create(&app, &admin, new_user("JDoe")).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let etag = response.headers()["etag"].to_str().unwrap().to_owned();
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let created: Value = response.json().await.unwrap();
    assert_eq!(created["username"], "jdoe");
    assert_eq!(created["roles"], json!(["clinician"]));
    assert_eq!(created["version"], 1);
    assert_eq!(etag, "\"1\"");
    assert!(created.get("password").is_none() && created.get("passwordHash").is_none());
    let id = created["id"].as_str().unwrap();
    assert_eq!(uuid::Uuid::parse_str(id).unwrap().get_version_num(), 7);
    assert_eq!(location, format!("/api/v1/users/{id}"));

    let fetched = app
        .authed(Method::GET, &location, &admin)
        .send()
        .await
        .unwrap();
    assert_eq!(fetched.headers()["etag"], "\"1\"");

    let patch = |if_match: Option<&str>, body: Value| {
        let mut request = app.authed(Method::PATCH, &location, &admin).json(&body);
        if let Some(if_match) = if_match {
            request = request.header("if-match", if_match);
        }
        request.send()
    };
    let missing = patch(None, json!({ "displayName": "Jane" })).await.unwrap();
    assert_eq!(missing.status(), StatusCode::PRECONDITION_REQUIRED);
    assert_eq!(
        missing.json::<Value>().await.unwrap()["code"],
        "precondition_required"
    );

    let changed = patch(
        Some("\"1\""),
        json!({ "displayName": "Dr. J. Doe", "roles": ["clinician", "billing"] }),
    )
    .await
    .unwrap();
    assert_eq!(changed.status(), StatusCode::OK);
    assert_eq!(changed.headers()["etag"], "\"2\"");
    let changed: Value = changed.json().await.unwrap();
    assert_eq!(changed["displayName"], "Dr. J. Doe");
    assert_eq!(changed["roles"], json!(["clinician", "billing"]));

    let stale = patch(Some("\"1\""), json!({ "displayName": "Lost update" }))
        .await
        .unwrap();
    assert_eq!(stale.status(), StatusCode::PRECONDITION_FAILED);
    assert_eq!(stale.headers()["etag"], "\"2\"");
    let stale: Value = stale.json().await.unwrap();
    assert_eq!(stale["code"], "precondition_failed");
    assert_eq!(stale["currentVersion"], 2);

    let unchanged: Value = app.get_json(&location, &admin).await;
    assert_eq!(
        unchanged["displayName"], "Dr. J. Doe",
        "the stale write changed nothing"
    );
}

async fn usernames_are_unique_regardless_of_case(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let admin = app.admin_token().await;
    assert_eq!(
        create(&app, &admin, new_user("jdoe")).await.status(),
        StatusCode::CREATED
    );
    let duplicate = create(&app, &admin, new_user("JDOE")).await;
    assert_eq!(duplicate.status(), StatusCode::CONFLICT);
    assert_eq!(
        duplicate.json::<Value>().await.unwrap()["code"],
        "username_taken"
    );
}

async fn invalid_accounts_are_refused_field_by_field(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let admin = app.admin_token().await;
    let response = create(
        &app,
        &admin,
        json!({ "username": "x", "displayName": " ", "password": "short", "roles": [] }),
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
    assert_eq!(fields, ["displayName", "password", "roles", "username"]);

    // A display name shows on every record its user touches: no reversed runs in it.
    let reversed = create(&app, &admin, json!({ "username": "ok-name", "displayName": "Dr \u{202E}kcab", "password": "a long enough password", "roles": ["clinician"] })).await;
    assert_eq!(reversed.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let problem: Value = reversed.json().await.unwrap();
    assert_eq!(problem["errors"][0]["field"], "displayName", "{problem}");

    let unknown_role = create(&app, &admin, json!({ "username": "ok-name", "displayName": "OK", "password": "a long enough password", "roles": ["surgeon"] })).await;
    assert_eq!(unknown_role.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let unknown_field = create(&app, &admin, json!({ "username": "ok-name", "displayName": "OK", "password": "a long enough password", "roles": ["admin"], "isRoot": true })).await;
    assert_eq!(unknown_field.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

async fn users_list_in_pages(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let admin = app.admin_token().await;
    for name in ["user-a", "user-b", "user-c", "user-d"] {
        assert_eq!(
            create(&app, &admin, new_user(name)).await.status(),
            StatusCode::CREATED
        );
    }
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(cursor) => format!("/api/v1/users?limit=2&cursor={cursor}"),
            None => "/api/v1/users?limit=2".to_owned(),
        };
        let page: Value = app.get_json(&path, &admin).await;
        let items = page["items"].as_array().unwrap();
        assert!(items.len() <= 2);
        seen.extend(
            items
                .iter()
                .map(|u| u["username"].as_str().unwrap().to_owned()),
        );
        match page["nextCursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    assert_eq!(seen, ["admin", "user-a", "user-b", "user-c", "user-d"]);
    let bad = app
        .authed(Method::GET, "/api/v1/users?cursor=%21%21", &admin)
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let too_many = app
        .authed(Method::GET, "/api/v1/users?limit=1000", &admin)
        .send()
        .await
        .unwrap();
    assert_eq!(too_many.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

async fn a_password_change_needs_the_current_one_and_ends_other_sessions(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let here = app.user_with_roles("nurse", &["clinician"]).await;
    let elsewhere = tests::access_token(&app.login("nurse", "nurse password 123").await);
    let change = |current: &str, new: &str| {
        app.authed(Method::PUT, "/api/v1/me/password", &here)
            .json(&json!({ "currentPassword": current, "newPassword": new }))
            .send()
    };
    let wrong = change("not my password", "a brand new password")
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let weak = change("nurse password 123", "short").await.unwrap();
    assert_eq!(weak.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        weak.json::<Value>().await.unwrap()["errors"][0]["field"],
        "newPassword"
    );

    let done = change("nurse password 123", "a brand new password")
        .await
        .unwrap();
    assert_eq!(done.status(), StatusCode::NO_CONTENT);
    let status = |token: &str| app.authed(Method::GET, "/api/v1/me", token).send();
    assert_eq!(
        status(&here).await.unwrap().status(),
        StatusCode::OK,
        "this session stays"
    );
    assert_eq!(
        status(&elsewhere).await.unwrap().status(),
        StatusCode::UNAUTHORIZED,
        "others end"
    );
    assert_eq!(
        app.try_login("nurse", "nurse password 123").await.status(),
        StatusCode::UNAUTHORIZED
    );
    app.login("nurse", "a brand new password").await;
}

async fn sessions_are_listed_and_ended_one_by_one_or_all_at_once(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let first = app.user_with_roles("desk", &["front_desk"]).await;
    let second = tests::access_token(&app.login("desk", "desk password 123").await);
    let sessions: Value = app.get_json("/api/v1/auth/sessions", &first).await;
    let sessions = sessions.as_array().unwrap();
    assert_eq!(sessions.len(), 2);
    assert_eq!(sessions.iter().filter(|s| s["current"] == true).count(), 1);
    assert!(sessions[0]["clientIp"].as_str().is_some());

    // Someone else's session is not theirs to end, nor to know about.
    let admin = app.admin_token().await;
    let admin_sessions: Value = app.get_json("/api/v1/auth/sessions", &admin).await;
    let admin_session = admin_sessions[0]["id"].as_str().unwrap();
    let response = app
        .authed(
            Method::DELETE,
            &format!("/api/v1/auth/sessions/{admin_session}"),
            &first,
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);

    let other = sessions.iter().find(|s| s["current"] == false).unwrap()["id"]
        .as_str()
        .unwrap();
    let response = app
        .authed(
            Method::DELETE,
            &format!("/api/v1/auth/sessions/{other}"),
            &first,
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        app.status(Method::GET, "/api/v1/me", &second).await,
        StatusCode::UNAUTHORIZED
    );

    let me: Value = app.get_json("/api/v1/me", &first).await;
    let id = me["id"].as_str().unwrap();
    let forbidden = app
        .authed(
            Method::DELETE,
            &format!("/api/v1/users/{id}/sessions"),
            &first,
        )
        .send()
        .await
        .unwrap();
    assert_eq!(forbidden.status(), StatusCode::FORBIDDEN);
    let ended = app
        .authed(
            Method::DELETE,
            &format!("/api/v1/users/{id}/sessions"),
            &admin,
        )
        .send()
        .await
        .unwrap();
    assert_eq!(ended.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        app.status(Method::GET, "/api/v1/me", &first).await,
        StatusCode::UNAUTHORIZED
    );
}

async fn each_role_gets_exactly_its_permissions(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let admin = app.admin_token().await;
    let mut tokens = vec![("admin", admin.clone())];
    for role in ["clinician", "front_desk", "billing"] {
        tokens.push((
            role,
            app.user_with_roles(&format!("{role}-user").replace('_', "-"), &[role])
                .await,
        ));
    }
    let some_user = uuid::Uuid::now_v7();
    for (role, token) in &tokens {
        let is_admin = *role == "admin";
        let admin_only = [
            (Method::GET, "/api/v1/users".to_owned()),
            (Method::GET, format!("/api/v1/users/{some_user}")),
            (
                Method::DELETE,
                format!("/api/v1/users/{some_user}/sessions"),
            ),
        ];
        for (method, path) in admin_only {
            let status = app.status(method.clone(), &path, token).await;
            if is_admin {
                assert_ne!(status, StatusCode::FORBIDDEN, "{role} {method} {path}");
            } else {
                assert_eq!(status, StatusCode::FORBIDDEN, "{role} {method} {path}");
            }
        }
        let created = create(
            &app,
            token,
            new_user(&format!("made-by-{}", role.replace('_', "-"))),
        )
        .await
        .status();
        assert_eq!(
            created == StatusCode::CREATED,
            is_admin,
            "{role} creating a user: {created}"
        );
        for path in ["/api/v1/me", "/api/v1/auth/sessions"] {
            let status = app.status(Method::GET, path, token).await;
            assert_eq!(status, StatusCode::OK, "{role} {path}");
        }
    }
}

async fn an_account_an_admin_makes_chooses_its_own_password_first(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let admin = app.admin_token().await;
    let made = create(&app, &admin, new_user("newcomer")).await;
    assert_eq!(made.status(), StatusCode::CREATED);
    let made: Value = made.json().await.unwrap();
    assert_eq!(made["passwordChangeRequired"], true);

    let pair = app.login("newcomer", "a long enough password").await;
    assert_eq!(pair["passwordChangeRequired"], true);
    let restricted = tests::access_token(&pair);
    let refused = app
        .authed(Method::GET, "/api/v1/patients", &restricted)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let problem: Value = refused.json().await.unwrap();
    assert_eq!(problem["code"], "password_change_required");

    let changed = app
        .authed(Method::PUT, "/api/v1/me/password", &restricted)
        .json(&json!({ "currentPassword": "a long enough password", "newPassword": "one the newcomer chose" }))
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), StatusCode::NO_CONTENT);
    assert_eq!(changed.headers()["practica-refresh-required"], "true");
    let refreshed: Value = app
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
        app.status(
            Method::GET,
            "/api/v1/patients",
            &tests::access_token(&refreshed)
        )
        .await,
        StatusCode::OK
    );

    // An account whose owner chose its password (a service account) is not held back.
    let mut chosen = new_user("service");
    chosen["passwordChangeRequired"] = json!(false);
    assert_eq!(
        create(&app, &admin, chosen).await.status(),
        StatusCode::CREATED
    );
    let pair = app.login("service", "a long enough password").await;
    assert_eq!(pair["passwordChangeRequired"], false);
    let unrestricted = tests::access_token(&pair);
    let answer = app
        .authed(Method::PUT, "/api/v1/me/password", &unrestricted)
        .json(&json!({ "currentPassword": "a long enough password", "newPassword": "another one entirely" }))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::NO_CONTENT);
    assert!(answer.headers().get("practica-refresh-required").is_none());
}

test_on_every_database!(
    an_account_an_admin_makes_chooses_its_own_password_first,
    admins_create_read_and_change_users_by_version,
    usernames_are_unique_regardless_of_case,
    invalid_accounts_are_refused_field_by_field,
    users_list_in_pages,
    a_password_change_needs_the_current_one_and_ends_other_sessions,
    sessions_are_listed_and_ended_one_by_one_or_all_at_once,
    each_role_gets_exactly_its_permissions,
);
