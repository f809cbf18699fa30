use std::sync::atomic::Ordering;
use std::sync::Arc;

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::cluster::{run_tag, Cluster, Tally};

/// Case 3: Fifty concurrent overlapping bookings across nodes: exactly one per slot.
pub async fn double_booking(cluster: Cluster) -> Result<(), String> {
    let admin = cluster.admin().await;
    let tag = run_tag();
    let (token, provider) = cluster
        .user(&admin, &format!("doc-{tag}"), &["clinician"])
        .await;
    let patient = cluster
        .register_patient(&token, &format!("Book{tag}"))
        .await;
    let day = chrono::Utc::now().date_naive() + chrono::Days::new(30);
    let tally = Arc::new(Tally::default());
    let mut attempts = Vec::new();
    for slot in 0..5u32 {
        for attempt in 0..10u32 {
            let start = day.and_hms_opt(8 + slot, attempt, 0).unwrap().and_utc();
            let end = start + chrono::Duration::minutes(30);
            let body = json!({
                "patientId": patient["id"], "providerId": provider["id"],
                "start": start, "end": end, "reason": "fault suite"
            });
            let node = ((slot * 10 + attempt) % u32::from(cluster.nodes) + 1) as u16;
            let (cluster, token, tally) = (cluster.clone(), token.clone(), tally.clone());
            attempts.push(tokio::spawn(async move {
                tally.count(&tally.sent);
                let (status, _, _) = cluster
                    .send(
                        Method::POST,
                        &cluster.node(node, "/api/v1/appointments"),
                        &token,
                        Some(&body),
                    )
                    .await;
                match status {
                    StatusCode::CREATED => tally.count(&tally.acknowledged),
                    StatusCode::CONFLICT => tally.count(&tally.conflicts),
                    _ => tally.count(&tally.errors),
                }
            }));
        }
    }
    for attempt in attempts {
        attempt.await.unwrap();
    }
    let from = day.and_hms_opt(0, 0, 0).unwrap().and_utc();
    let to = from + chrono::Duration::days(1);
    let (_, listed, _) = cluster
        .send(
            Method::GET,
            &cluster.balanced(&format!(
                "/api/v1/appointments?providerId={}&from={}&to={}&limit=100",
                provider["id"].as_str().unwrap(),
                from.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                to.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            )),
            &token,
            None,
        )
        .await;
    let booked = listed["items"].as_array().map_or(0, Vec::len);
    tally.print("double-booking", &format!(", appointments stored {booked}"));
    let acknowledged = tally.acknowledged.load(Ordering::Relaxed);
    if acknowledged != 5 || booked != 5 || tally.errors.load(Ordering::Relaxed) > 0 {
        return Err(format!(
            "{acknowledged} bookings acknowledged, {booked} stored, for 5 slots"
        ));
    }
    Ok(())
}
