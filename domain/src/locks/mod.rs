//! Record locks: who is editing what, on every node, on leases with fencing numbers.

mod guard;
mod lock;
mod lock_manager;
mod records;
mod service;
mod session_end;

pub use guard::{admit_write, LockGate};
pub use lock::{FencingToken, LockHolder, LockToken, LockedResource, RecordLock};
pub use lock_manager::{LockManager, LockOutcome};
pub use records::{LockableRecord, LockableRecords};
pub use service::{LockPolicy, Locks};
pub use session_end::{release_locks_of_session, release_locks_of_user};

#[cfg(feature = "conformance")]
pub use lock_manager::conformance;
