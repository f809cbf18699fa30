//! The [`HealthProbe`](domain::health::HealthProbe) backends.

mod redis;
mod sql;

pub use redis::RedisProbe;
pub use sql::SqlProbe;
