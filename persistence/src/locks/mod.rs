//! The lock-manager backends: the SQL database (the default) or Redis.

pub(crate) mod entity;
mod lockable_records;
mod redis_lock_scripts;
mod redis_locks;
mod redis_stored_lock;
mod sql_locks;

pub use lockable_records::SqlLockableRecords;
pub use redis_locks::RedisLockManager;
pub use sql_locks::SqlLockManager;
