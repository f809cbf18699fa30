use std::collections::HashSet;
use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::cluster::{run_tag, Cluster};

pub async fn jobs_of(cluster: &Cluster, admin: &str) -> Value {
    cluster
        .send(
            Method::GET,
            &cluster.balanced("/api/v1/admin/jobs"),
            admin,
            None,
        )
        .await
        .1
}

pub fn holder_of(jobs: &Value, job: &str) -> Option<String> {
    jobs["items"]
        .as_array()?
        .iter()
        .find(|entry| entry["name"] == job)?["holder"]
        .as_str()
        .map(str::to_owned)
}

pub async fn runs_of(cluster: &Cluster, admin: &str, job: &str) -> Vec<Value> {
    let (_, page, _) = cluster
        .send(
            Method::GET,
            &cluster.balanced(&format!("/api/v1/admin/jobs/{job}/runs?limit=200")),
            admin,
            None,
        )
        .await;
    page["items"].as_array().cloned().unwrap_or_default()
}

pub fn node_number(name: &str) -> u16 {
    name.trim_start_matches("node-").parse().unwrap()
}

/// Case 6: The job holder killed: another node runs the job within lease + tick; the holder
/// stopped past its lease and resumed: no period runs twice; reminders once each.
pub async fn singletons(cluster: Cluster) -> Result<(), String> {
    let admin = cluster.admin().await;
    let job = "session-reaper";
    let lease = Duration::from_secs(
        std::env::var("PRACTICA_JOB_LEASE_SECONDS")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(6),
    );
    let wait_for_holder = |not: Option<String>| {
        let (cluster, admin) = (cluster.clone(), admin.clone());
        async move {
            let started = Instant::now();
            while started.elapsed() < Duration::from_secs(60) {
                if let Some(holder) = holder_of(&jobs_of(&cluster, &admin).await, job) {
                    if Some(&holder) != not.as_ref() {
                        return Some((holder, started.elapsed()));
                    }
                }
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            None
        }
    };
    // Appointments in the next hours: each gets one reminder, whatever happens below.
    let tag = run_tag();
    let (doctor, provider) = cluster
        .user(&admin, &format!("remind-{tag}"), &["clinician"])
        .await;
    let patient = cluster
        .register_patient(&doctor, &format!("Remind{tag}"))
        .await;
    let mut appointments = Vec::new();
    for hour in 2..5 {
        let start = chrono::Utc::now() + chrono::Duration::hours(hour);
        let (status, booked, _) = cluster
            .send(
                Method::POST,
                &cluster.balanced("/api/v1/appointments"),
                &doctor,
                Some(&json!({
                    "patientId": patient["id"], "providerId": provider["id"], "start": start,
                    "end": start + chrono::Duration::minutes(20), "reason": "fault suite"
                })),
            )
            .await;
        if status != StatusCode::CREATED {
            return Err(format!("booking answered {status}: {booked}"));
        }
        appointments.push(booked["id"].as_str().unwrap().to_owned());
    }

    let (holder, _) = wait_for_holder(None).await.ok_or("no node took the job")?;
    let victim = node_number(&holder);
    cluster.signal(victim, "KILL");
    let (successor, took_over) = wait_for_holder(Some(holder.clone()))
        .await
        .ok_or("no node took the job over")?;
    println!(
        "singletons: {holder} killed; {successor} holds {job} after {:.1} s (lease {} s)",
        took_over.as_secs_f64(),
        lease.as_secs()
    );
    cluster.restart(victim);

    // The successor is stopped past its lease, then resumed.
    let stopped = node_number(&successor);
    cluster.signal(stopped, "STOP");
    tokio::time::sleep(lease + Duration::from_secs(3)).await;
    cluster.signal(stopped, "CONT");
    tokio::time::sleep(Duration::from_secs(3)).await;

    let mut duplicates = 0;
    let mut runs = 0;
    for job in [
        "session-reaper",
        "lock-reaper",
        "idempotency-purge",
        "login-failure-purge",
        "appointment-reminders",
    ] {
        let history = runs_of(&cluster, &admin, job).await;
        runs += history.len();
        let mut periods = HashSet::new();
        for run in &history {
            if !periods.insert(run["scheduledFor"].as_str().unwrap_or_default().to_owned()) {
                duplicates += 1;
            }
        }
    }
    println!("singletons: {runs} runs over five jobs, {duplicates} periods run twice; {} stopped {} s and resumed", successor, (lease + Duration::from_secs(3)).as_secs());
    let mut reminders = Vec::new();
    for appointment in &appointments {
        let (_, page, _) = cluster
            .send(
                Method::GET,
                &cluster.balanced(&format!(
                    "/api/v1/admin/notifications?appointmentId={appointment}"
                )),
                &admin,
                None,
            )
            .await;
        reminders.push(page["items"].as_array().map_or(0, Vec::len));
    }
    println!("singletons: reminders per appointment {reminders:?}");
    if reminders.iter().any(|count| *count != 1) {
        return Err("an appointment did not get exactly one reminder".to_owned());
    }
    if took_over > lease + Duration::from_secs(5) {
        return Err(format!(
            "the take-over took {:.1} s",
            took_over.as_secs_f64()
        ));
    }
    if duplicates > 0 {
        return Err("a period ran twice".to_owned());
    }
    Ok(())
}
