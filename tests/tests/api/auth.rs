//! Login, refresh, logout, expiry, bad tokens, throttling.

use std::time::Duration;

use api::settings::Secret;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use tests::{access_token, test_on_every_database, Backend, TestApp, ADMIN_PASSWORD};

async fn refresh(app: &TestApp, token: &str) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/auth/refresh"))
        .json(&json!({ "refreshToken": token }))
        .send()
        .await
        .unwrap()
}

async fn me_status(app: &TestApp, token: &str) -> StatusCode {
    app.status(Method::GET, "/api/v1/me", token).await
}

async fn assert_unauthenticated(response: reqwest::Response) -> Value {
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let challenge = response.headers()["www-authenticate"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(challenge.starts_with("Bearer"), "{challenge}");
    let body: Value = response.json().await.unwrap();
    assert!(
        body["code"] == "unauthenticated" || body["code"] == "invalid_credentials",
        "{body}"
    );
    body
}

async fn login_refresh_and_logout(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let pair = app.login("ADMIN", ADMIN_PASSWORD).await;
    assert_eq!(pair["tokenType"], "Bearer");
    assert!(pair["expiresIn"].as_u64().unwrap() > 800);
    let refresh_token = pair["refreshToken"].as_str().unwrap();
    assert!(
        URL_SAFE_NO_PAD.decode(refresh_token).unwrap().len() >= 32,
        "at least 256 random bits"
    );
    let access = access_token(&pair);
    assert_eq!(me_status(&app, &access).await, StatusCode::OK);

    let renewed: Value = refresh(&app, refresh_token).await.json().await.unwrap();
    assert_eq!(renewed["sessionId"], pair["sessionId"]);
    assert_ne!(renewed["refreshToken"], pair["refreshToken"]);
    let renewed_access = access_token(&renewed);
    assert_eq!(me_status(&app, &renewed_access).await, StatusCode::OK);

    let logout = app
        .authed(Method::POST, "/api/v1/auth/logout", &renewed_access)
        .send()
        .await
        .unwrap();
    assert_eq!(logout.status(), StatusCode::NO_CONTENT);
    // Every token of the session is refused at once, before it expires.
    assert_eq!(
        me_status(&app, &renewed_access).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(me_status(&app, &access).await, StatusCode::UNAUTHORIZED);
    assert_unauthenticated(refresh(&app, renewed["refreshToken"].as_str().unwrap()).await).await;
}

async fn a_reused_refresh_token_ends_the_session_but_a_quick_retry_gets_the_same_pair(
    backend: Backend,
) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let pair = app.login("admin", ADMIN_PASSWORD).await;
    let first = pair["refreshToken"].as_str().unwrap();

    let renewed: Value = refresh(&app, first).await.json().await.unwrap();
    // The client lost that answer and retries at once: the same pair again.
    let retried: Value = refresh(&app, first).await.json().await.unwrap();
    for field in ["accessToken", "refreshToken", "sessionId"] {
        assert_eq!(retried[field], renewed[field], "{field}");
    }

    // The renewed token is used normally, and later the first one shows up again:
    // reuse, so the whole session ends.
    let second: Value = refresh(&app, renewed["refreshToken"].as_str().unwrap())
        .await
        .json()
        .await
        .unwrap();
    assert_unauthenticated(refresh(&app, first).await).await;
    assert_eq!(
        me_status(&app, &access_token(&second)).await,
        StatusCode::UNAUTHORIZED
    );
    assert_unauthenticated(refresh(&app, second["refreshToken"].as_str().unwrap()).await).await;
}

async fn sessions_expire_when_idle_and_at_their_absolute_limit(backend: Backend) {
    let Some(idle_app) = TestApp::spawn_with(backend, |s| {
        s.auth.session_idle_timeout = Duration::from_secs(1)
    })
    .await
    else {
        return;
    };
    let access = idle_app.admin_token().await;
    assert_eq!(me_status(&idle_app, &access).await, StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(1300)).await;
    assert_eq!(
        me_status(&idle_app, &access).await,
        StatusCode::UNAUTHORIZED,
        "idle expiry"
    );

    let absolute_app = TestApp::spawn_node(idle_app.test_database.clone(), |s| {
        s.auth.session_absolute_timeout = Duration::from_secs(2);
    })
    .await;
    let access = absolute_app.admin_token().await;
    for _ in 0..3 {
        assert_eq!(me_status(&absolute_app, &access).await, StatusCode::OK);
        tokio::time::sleep(Duration::from_millis(400)).await;
    }
    tokio::time::sleep(Duration::from_millis(1200)).await;
    assert_eq!(
        me_status(&absolute_app, &access).await,
        StatusCode::UNAUTHORIZED,
        "absolute expiry"
    );
}

async fn an_access_token_ends_with_its_lifetime_and_a_refresh_gives_a_new_one(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, |s| {
        s.auth.access_token_ttl = Duration::from_secs(1);
    })
    .await
    else {
        return;
    };
    let pair = app.login("admin", ADMIN_PASSWORD).await;
    assert_eq!(me_status(&app, &access_token(&pair)).await, StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let expired = app
        .authed(Method::GET, "/api/v1/me", &access_token(&pair))
        .send()
        .await
        .unwrap();
    assert_unauthenticated(expired).await;
    let renewed: Value = refresh(&app, pair["refreshToken"].as_str().unwrap())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        me_status(&app, &access_token(&renewed)).await,
        StatusCode::OK,
        "the session outlives its access tokens"
    );
}

const PINNED_SECRET: &str = "a pinned signing secret of 32+ bytes for tests";

fn forge(header: Value, claims: &Value, secret: &[u8]) -> String {
    let header: jsonwebtoken::Header = serde_json::from_value(header).unwrap();
    jsonwebtoken::encode(
        &header,
        claims,
        &jsonwebtoken::EncodingKey::from_secret(secret),
    )
    .unwrap()
}

fn swap_payload(token: &str, claims: &Value) -> String {
    let parts: Vec<&str> = token.split('.').collect();
    let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(claims).unwrap());
    format!("{}.{}.{}", parts[0], payload, parts[2])
}

async fn every_kind_of_bad_token_is_refused(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, |s| {
        s.auth.jwt_secret = Some(Secret::new(PINNED_SECRET))
    })
    .await
    else {
        return;
    };
    let good = app.admin_token().await;
    assert_eq!(me_status(&app, &good).await, StatusCode::OK);
    let claims: Value = serde_json::from_slice(
        &URL_SAFE_NO_PAD
            .decode(good.split('.').nth(1).unwrap())
            .unwrap(),
    )
    .unwrap();
    let secret = PINNED_SECRET.as_bytes();
    let now = chrono::Utc::now().timestamp();

    let mut escalated = claims.clone();
    escalated["roles"] = json!(["admin", "clinician"]);
    let mut expired = claims.clone();
    expired["iat"] = json!(now - 3600);
    expired["exp"] = json!(now - 1800);
    let mut foreign_issuer = claims.clone();
    foreign_issuer["iss"] = json!("someone-else");
    let mut foreign_audience = claims.clone();
    foreign_audience["aud"] = json!("another-api");
    let unsigned = format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT","kid":"pinned"}"#),
        good.split('.').nth(1).unwrap()
    );
    let mut bad_signature = good.clone();
    bad_signature.pop();
    bad_signature.push(if good.ends_with('A') { 'B' } else { 'A' });

    let cases = [
        ("alg none", unsigned),
        (
            "another algorithm",
            forge(json!({"alg": "HS512", "kid": "pinned"}), &claims, secret),
        ),
        (
            "unknown kid",
            forge(json!({"alg": "HS256", "kid": "nobody"}), &claims, secret),
        ),
        ("no kid", forge(json!({"alg": "HS256"}), &claims, secret)),
        (
            "wrong key",
            forge(
                json!({"alg": "HS256", "kid": "pinned"}),
                &claims,
                b"another secret of enough length!!",
            ),
        ),
        ("tampered payload", swap_payload(&good, &escalated)),
        ("tampered signature", bad_signature),
        (
            "expired",
            forge(json!({"alg": "HS256", "kid": "pinned"}), &expired, secret),
        ),
        (
            "foreign issuer",
            forge(
                json!({"alg": "HS256", "kid": "pinned"}),
                &foreign_issuer,
                secret,
            ),
        ),
        (
            "foreign audience",
            forge(
                json!({"alg": "HS256", "kid": "pinned"}),
                &foreign_audience,
                secret,
            ),
        ),
        ("garbage", "not-a-jwt".to_owned()),
    ];
    for (case, token) in cases {
        let response = app
            .authed(Method::GET, "/api/v1/me", &token)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{case}");
        assert_unauthenticated(response).await;
    }
    // A correctly signed token of an ended session is refused too.
    let session_id = claims["sid"].as_str().unwrap();
    let revoke = app
        .authed(
            Method::DELETE,
            &format!("/api/v1/auth/sessions/{session_id}"),
            &good,
        )
        .send()
        .await
        .unwrap();
    assert_eq!(revoke.status(), StatusCode::NO_CONTENT);
    assert_eq!(me_status(&app, &good).await, StatusCode::UNAUTHORIZED);

    let missing = app.get("/api/v1/me").await;
    assert_eq!(
        missing.headers()["www-authenticate"],
        "Bearer realm=\"practica\""
    );
    assert_unauthenticated(missing).await;
}

async fn unknown_users_and_wrong_passwords_get_the_same_answer(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let unknown = app.try_login("nobody-here", "some password").await;
    let wrong = app.try_login("admin", "wrong password!").await;
    assert_eq!(unknown.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let unknown: Value = unknown.json().await.unwrap();
    let wrong: Value = wrong.json().await.unwrap();
    assert_eq!(unknown, wrong);
    assert_eq!(wrong["code"], "invalid_credentials");
}

async fn a_deactivated_account_cannot_sign_in(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let clerk = app.user_with_roles("clerk", &["front_desk"]).await;
    let admin = app.admin_token().await;
    let me: Value = app.get_json("/api/v1/me", &clerk).await;
    let id = me["id"].as_str().unwrap();
    let response = app
        .authed(Method::PATCH, &format!("/api/v1/users/{id}"), &admin)
        .header("if-match", format!("\"{}\"", me["version"]))
        .json(&json!({ "active": false }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        me_status(&app, &clerk).await,
        StatusCode::UNAUTHORIZED,
        "deactivation ends sessions"
    );
    let login = app.try_login("clerk", "clerk password 123").await;
    assert_eq!(login.status(), StatusCode::UNAUTHORIZED);
}

test_on_every_database!(
    login_refresh_and_logout,
    a_reused_refresh_token_ends_the_session_but_a_quick_retry_gets_the_same_pair,
    sessions_expire_when_idle_and_at_their_absolute_limit,
    an_access_token_ends_with_its_lifetime_and_a_refresh_gives_a_new_one,
    every_kind_of_bad_token_is_refused,
    unknown_users_and_wrong_passwords_get_the_same_answer,
    a_deactivated_account_cannot_sign_in,
);
