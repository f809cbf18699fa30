//! practica's backends: the SQL database (PostgreSQL or SQLite, through sea-orm and
//! sqlx) and Redis, each turned into the domain's ports at this crate's edge.

pub mod audit;
mod audited_read;
pub mod auth;
pub mod chart;
mod clock;
mod connection;
pub mod database;
pub mod documents;
mod error;
pub mod health;
mod held_connection;
pub mod idempotency;
pub mod jobs;
pub mod locks;
pub mod notes;
pub mod notifications;
pub mod patients;
pub mod redis;
mod request_limits;
mod revision;
pub mod schedule;
mod unit_of_work;
mod versioned;

pub use connection::Connection;
pub use database::{Database, DatabaseError, DatabaseKind, DatabaseOptions, PoolStats};
pub use held_connection::release as release_held_connection;
pub use redis::{Redis, RedisError};
pub use request_limits::{within_request_limits, RequestLimits};
