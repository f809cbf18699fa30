//! The fault suite's driver: runs one case against a cluster that `scripts/cluster.sh`
//! started (nginx in front of N nodes), kills, stops and restarts nodes through that
//! script, prints the case's figures, and exits non-zero on any loss.
//!
//! `fault-suite CASE` with CASE one of: sessions, lost-updates, double-booking, files,
//! locks, singletons, database-restart, clock-skew, network-partition, rolling-restart, redis-outage; each
//! in a module of its own. The cluster's port comes from `PRACTICA_CLUSTER_PORT`
//! (default 18080; node i listens on that port + i), its size from `PRACTICA_CLUSTER_NODES`.

// why: a test driver: a failed step should stop the case loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod clock_skew;
mod cluster;
mod database_restart;
mod double_booking;
mod files;
mod locks;
mod lost_updates;
mod network_partition;
mod redis_outage;
mod rolling_restart;
mod sessions;
mod singletons;

use cluster::Cluster;

#[tokio::main]
async fn main() {
    let case = std::env::args().nth(1).unwrap_or_default();
    let cluster = Cluster::from_env();
    let outcome = match case.as_str() {
        "sessions" => sessions::sessions(cluster).await,
        "lost-updates" => lost_updates::lost_updates(cluster).await,
        "double-booking" => double_booking::double_booking(cluster).await,
        "locks" => locks::locks(cluster).await,
        "singletons" => singletons::singletons(cluster).await,
        "rolling-restart" => rolling_restart::rolling_restart(cluster).await,
        "database-restart" => database_restart::database_restart(cluster).await,
        "redis-outage" => redis_outage::redis_outage(cluster).await,
        "files" => files::files(cluster).await,
        "clock-skew" => clock_skew::clock_skew(cluster).await,
        "network-partition" => network_partition::network_partition(cluster).await,
        _ => Err(format!("unknown case {case:?}")),
    };
    if let Err(why) = outcome {
        eprintln!("FAILED {case}: {why}");
        std::process::exit(1);
    }
    println!("passed {case}");
}
