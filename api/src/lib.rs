//! practica's HTTP layer: routes, extractors, problem answers, and the composition root.

mod audit;
mod auth;
mod chart;
pub mod cli;
mod documents;
pub mod error;
mod health;
mod http;
mod jobs;
mod locks;
pub mod metrics;
pub mod middleware;
mod notes;
pub mod openapi;
mod patients;
mod routes;
mod schedule;
pub mod settings;
pub mod startup;
pub mod telemetry;
mod users;

pub use settings::Settings;
pub use startup::Application;
