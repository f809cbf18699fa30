//! practica's integration tests: one binary, every module a part of the application.

// why: every function here is a test or a test helper; a failed step should panic.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod auth;
mod chart_lists;
mod chart_summary;
mod cluster;
mod connections;
mod contract;
mod cors;
mod documents;
mod errors;
mod fencing;
mod health;
mod jobs;
mod locks;
mod notes;
mod observability;
mod patients;
mod ports;
mod problems;
mod routes;
mod schedule;
mod scheduler;
mod security;
mod shutdown;
mod users;
