use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::cluster::{run_tag, Cluster};

/// Case 5: Two clients fight for one record across nodes; the holder's node is stopped past
/// the lease, the other takes the lock and writes; the first, resumed, is refused.
pub async fn locks(cluster: Cluster) -> Result<(), String> {
    let admin = cluster.admin().await;
    let tag = run_tag();
    let (first, _) = cluster
        .user(&admin, &format!("grey-{tag}"), &["clinician"])
        .await;
    let (second, _) = cluster
        .user(&admin, &format!("yang-{tag}"), &["clinician"])
        .await;
    let patient = cluster
        .register_patient(&first, &format!("Lock{tag}"))
        .await;
    let id = patient["id"].as_str().unwrap();
    let resource = format!("patients/{id}");
    let path = format!("/api/v1/patients/{id}");
    let lease = 3;

    let (status, held, _) = cluster
        .send(
            Method::POST,
            &cluster.node(1, "/api/v1/locks"),
            &first,
            Some(&json!({ "resource": resource, "ttlSeconds": lease })),
        )
        .await;
    if status != StatusCode::CREATED {
        return Err(format!("the first lock answered {status}: {held}"));
    }
    let first_token = held["token"].as_str().unwrap().to_owned();
    let (status, refused, _) = cluster
        .send(
            Method::POST,
            &cluster.node(2, "/api/v1/locks"),
            &second,
            Some(&json!({ "resource": resource, "ttlSeconds": lease })),
        )
        .await;
    if status != StatusCode::LOCKED && status != StatusCode::CONFLICT {
        return Err(format!("a held lock was granted again: {status} {refused}"));
    }

    // The first holder's write reaches node 1, which is stopped before it answers.
    cluster.signal(1, "STOP");
    let body = json!({ "givenName": "Stale", "familyName": format!("Lock{tag}"), "birthDate": "1970-01-01", "sex": "female" });
    let stale = {
        // why: a connection of its own, opened while the node is stopped (the kernel
        // queues it): a pooled one would have idled past the node's keep-alive.
        let (http, url, first, first_token, body) = (
            reqwest::Client::builder()
                .pool_max_idle_per_host(0)
                .build()
                .unwrap(),
            cluster.node(1, &path),
            first.clone(),
            first_token.clone(),
            body.clone(),
        );
        tokio::spawn(async move {
            http.put(url)
                .bearer_auth(first)
                .header("if-match", "\"1\"")
                .header("lock-token", first_token)
                .json(&body)
                .send()
                .await
                .map(|response| response.status())
        })
    };
    tokio::time::sleep(Duration::from_secs(lease + 2)).await;

    // The lease ran out: the second client takes the lock through node 2 and writes.
    let (status, taken, _) = cluster
        .send(
            Method::POST,
            &cluster.node(2, "/api/v1/locks"),
            &second,
            Some(&json!({ "resource": resource, "ttlSeconds": 60 })),
        )
        .await;
    if status != StatusCode::CREATED {
        cluster.signal(1, "CONT");
        return Err(format!("the lapsed lock was not granted: {status} {taken}"));
    }
    let fencing = (held["fencingToken"].clone(), taken["fencingToken"].clone());
    let second_token = taken["token"].as_str().unwrap().to_owned();
    let response = cluster
        .http
        .put(cluster.node(2, &path))
        .bearer_auth(&second)
        .header("if-match", "\"1\"")
        .header("lock-token", &second_token)
        .json(&json!({ "givenName": "Fresh", "familyName": format!("Lock{tag}"), "birthDate": "1970-01-01", "sex": "female" }))
        .send()
        .await
        .unwrap();
    let fresh = response.status();
    cluster.signal(1, "CONT");
    let stale = stale.await.unwrap().map_err(|error| error.to_string())?;
    let (_, stored, _) = cluster
        .send(Method::GET, &cluster.balanced(&path), &second, None)
        .await;
    println!(
        "locks: fencing numbers {} then {}; the new holder's write {fresh}, the resumed holder's {stale}; stored name {}",
        fencing.0, fencing.1, stored["givenName"]
    );
    if fresh != StatusCode::OK || stale != StatusCode::LOCKED || stored["givenName"] != "Fresh" {
        return Err("the stale holder's write was not refused as locked".to_owned());
    }
    if fencing.1.as_i64() <= fencing.0.as_i64() {
        return Err("the new holder's fencing number is not larger".to_owned());
    }
    Ok(())
}
