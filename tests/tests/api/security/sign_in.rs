//! Signing in and the passwords behind it: throttling, strength, forced changes, rights that change.

use reqwest::{Method, StatusCode};
use serde_json::json;
use tests::{access_token, test_on_every_database, Backend, TestApp, ADMIN_PASSWORD};

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

test_on_every_database!(
    parallel_guesses_never_overrun_the_limit,
    one_address_cannot_lock_a_user_out_from_another,
    the_account_wide_ceiling_still_holds,
    a_stolen_token_cannot_guess_the_password,
    a_huge_username_is_counted_under_a_short_key,
    a_demoted_or_deactivated_user_loses_their_rights_at_once,
    guessable_passwords_are_refused,
    a_password_made_for_an_account_must_be_changed_first,
);
