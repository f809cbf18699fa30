//! Several nodes on one database (and Redis): what one node does, every node knows.

use api::settings::SessionBackend;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use tests::{access_token, redis_url, test_on_every_database, Backend, TestApp, ADMIN_PASSWORD};

async fn logout_through(node: &TestApp, other: &TestApp) {
    let pair = node.login("admin", ADMIN_PASSWORD).await;
    let access = access_token(&pair);
    for app in [node, other] {
        let response = app
            .authed(Method::GET, "/api/v1/me", &access)
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.status(),
            StatusCode::OK,
            "any node accepts the session"
        );
    }
    let logout = other
        .authed(Method::POST, "/api/v1/auth/logout", &access)
        .send()
        .await
        .unwrap();
    assert_eq!(logout.status(), StatusCode::NO_CONTENT);
    for app in [node, other] {
        let response = app
            .authed(Method::GET, "/api/v1/me", &access)
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.status(),
            StatusCode::UNAUTHORIZED,
            "logout anywhere ends it everywhere"
        );
    }
}

async fn logout_on_one_node_ends_the_session_on_another(backend: Backend) {
    let Some(first) = TestApp::spawn(backend).await else {
        return;
    };
    let second = TestApp::spawn_node(first.test_database.clone(), |_| {}).await;
    logout_through(&first, &second).await;
}

async fn logout_on_one_node_ends_the_session_on_another_with_redis_sessions(backend: Backend) {
    let Some(redis) = redis_url() else { return };
    let with_redis = |settings: &mut api::Settings| {
        settings.redis_url = Some(redis.clone());
        settings.auth.session_backend = SessionBackend::Redis;
    };
    let Some(first) = TestApp::spawn_with(backend, with_redis).await else {
        return;
    };
    let second = TestApp::spawn_node(first.test_database.clone(), with_redis).await;
    logout_through(&first, &second).await;

    // Refresh rotation and reuse detection hold on Redis too.
    let pair = first.login("admin", ADMIN_PASSWORD).await;
    let refresh = |app: &TestApp, token: Value| {
        app.client
            .post(app.url("/api/v1/auth/refresh"))
            .json(&json!({ "refreshToken": token }))
            .send()
    };
    let renewed: Value = refresh(&second, pair["refreshToken"].clone())
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let again: Value = refresh(&first, pair["refreshToken"].clone())
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        renewed, again,
        "a quick retry on another node gets the same pair"
    );
    refresh(&first, renewed["refreshToken"].clone())
        .await
        .unwrap();
    let reused = refresh(&second, pair["refreshToken"].clone())
        .await
        .unwrap();
    assert_eq!(reused.status(), StatusCode::UNAUTHORIZED);
}

async fn login_throttling_holds_across_nodes(backend: Backend) {
    let Some(first) = TestApp::spawn(backend).await else {
        return;
    };
    let second = TestApp::spawn_node(first.test_database.clone(), |_| {}).await;
    for attempt in 0..5 {
        let node = if attempt % 2 == 0 { &first } else { &second };
        let response = node.try_login("admin", "a wrong password").await;
        assert_eq!(
            response.status(),
            StatusCode::UNAUTHORIZED,
            "attempt {attempt}"
        );
    }
    for node in [&first, &second] {
        // Even the right password waits now: the limit is per account, cluster-wide.
        let response = node.try_login("Admin", ADMIN_PASSWORD).await;
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        let retry_after: u64 = response.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((1..=900).contains(&retry_after), "{retry_after}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["code"], "too_many_attempts");
    }
}

async fn the_address_limit_throttles_every_account_from_one_address(backend: Backend) {
    let Some(first) = TestApp::spawn_with(backend, |s| s.auth.max_failures_per_address = 3).await
    else {
        return;
    };
    let second = TestApp::spawn_node(first.test_database.clone(), |s| {
        s.auth.max_failures_per_address = 3
    })
    .await;
    for (attempt, user) in ["amy", "bob", "cal"].iter().enumerate() {
        let node = if attempt % 2 == 0 { &first } else { &second };
        assert_eq!(
            node.try_login(user, "wrong password!").await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    let response = second.try_login("admin", ADMIN_PASSWORD).await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
}

async fn behind_a_trusted_proxy_the_forwarded_address_is_throttled(backend: Backend) {
    let behind_proxy = |s: &mut api::Settings| {
        s.auth.max_failures_per_address = 2;
        s.http.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
    };
    let Some(app) = TestApp::spawn_with(backend, behind_proxy).await else {
        return;
    };
    let login_from =
        |client_address: &'static str, username: &'static str, password: &'static str| {
            app.client
                .post(app.url("/api/v1/auth/login"))
                .header("x-forwarded-for", client_address)
                .json(&json!({ "username": username, "password": password }))
                .send()
        };
    for user in ["amy", "bob"] {
        let response = login_from("198.51.100.7", user, "wrong password!")
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    let throttled = login_from("198.51.100.7", "admin", ADMIN_PASSWORD)
        .await
        .unwrap();
    assert_eq!(
        throttled.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "the forwarded client is limited"
    );
    let other_client = login_from("203.0.113.5", "admin", ADMIN_PASSWORD)
        .await
        .unwrap();
    assert_eq!(
        other_client.status(),
        StatusCode::OK,
        "a colleague behind the same proxy is not"
    );
    let sessions: Value = app
        .get_json(
            "/api/v1/auth/sessions",
            &access_token(&other_client.json().await.unwrap()),
        )
        .await;
    assert_eq!(sessions[0]["clientIp"], "203.0.113.5");
}

async fn a_signing_key_made_elsewhere_is_accepted_by_every_node(backend: Backend) {
    use domain::auth::{SigningKey, SigningKeyStore};
    use persistence::auth::SqlSigningKeyStore;

    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let token = app.admin_token().await;
    let store = SqlSigningKeyStore::new(app.database().connection().clone());
    let key = SigningKey::generate(store.now().await.unwrap());
    store.insert(key.clone()).await.unwrap();

    use base64::Engine;
    let payload = token.split('.').nth(1).unwrap();
    let claims: Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload)
            .unwrap(),
    )
    .unwrap();
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256);
    header.kid = Some(key.kid.clone());
    let signed_elsewhere = jsonwebtoken::encode(
        &header,
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(&key.secret),
    )
    .unwrap();
    let response = app
        .authed(Method::GET, "/api/v1/me", &signed_elsewhere)
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "an unknown kid makes the node reload its keys"
    );
}

async fn concurrent_refreshes_on_two_nodes_agree_on_one_pair(backend: Backend) {
    let Some(first) = TestApp::spawn(backend).await else {
        return;
    };
    let second = TestApp::spawn_node(first.test_database.clone(), |_| {}).await;
    let pair = first.login("admin", ADMIN_PASSWORD).await;
    let token = pair["refreshToken"].clone();
    let send = |app: &TestApp| {
        app.client
            .post(app.url("/api/v1/auth/refresh"))
            .json(&json!({ "refreshToken": token }))
            .send()
    };
    let (a, b) = tokio::join!(send(&first), send(&second));
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.status(), StatusCode::OK);
    assert_eq!(b.status(), StatusCode::OK);
    let (a, b): (Value, Value) = (a.json().await.unwrap(), b.json().await.unwrap());
    assert_eq!(a["refreshToken"], b["refreshToken"]);
    assert_eq!(a["accessToken"], b["accessToken"]);
    let access = access_token(&a);
    let me = second
        .authed(Method::GET, "/api/v1/me", &access)
        .send()
        .await
        .unwrap();
    assert_eq!(
        me.status(),
        StatusCode::OK,
        "the session survives a double refresh"
    );
}

test_on_every_database!(
    logout_on_one_node_ends_the_session_on_another,
    logout_on_one_node_ends_the_session_on_another_with_redis_sessions,
    login_throttling_holds_across_nodes,
    the_address_limit_throttles_every_account_from_one_address,
    concurrent_refreshes_on_two_nodes_agree_on_one_pair,
    behind_a_trusted_proxy_the_forwarded_address_is_throttled,
    a_signing_key_made_elsewhere_is_accepted_by_every_node,
);

/// Three nodes started at once on one empty PostgreSQL database: one applies the
/// migrations while the others wait, one creates the first admin, and all serve.
/// (SQLite is the single-node default; its nodes are not started side by side.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_nodes_started_at_once_on_an_empty_database_all_serve() {
    let Some(database) = tests::TestDatabase::create(Backend::Postgres).await else {
        return;
    };
    let database = std::sync::Arc::new(database);
    let (a, b, c) = tokio::join!(
        TestApp::spawn_node(database.clone(), |_| {}),
        TestApp::spawn_node(database.clone(), |_| {}),
        TestApp::spawn_node(database.clone(), |_| {}),
    );
    let token = a.admin_token().await;
    for node in [&a, &b, &c] {
        let response = node
            .authed(Method::GET, "/api/v1/users", &token)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let users: Value = response.json().await.unwrap();
        assert_eq!(
            users["items"].as_array().unwrap().len(),
            1,
            "exactly one first admin"
        );
    }
}
