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
        settings.session_backend = SessionBackend::Redis;
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
    let Some(first) = TestApp::spawn_with(backend, |s| s.login_max_failures_per_address = 3).await
    else {
        return;
    };
    let second = TestApp::spawn_node(first.test_database.clone(), |s| {
        s.login_max_failures_per_address = 3
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
);
