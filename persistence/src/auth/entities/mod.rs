//! sea-orm entities of the auth tables; they never leave this crate.

pub mod login_failures;
pub mod sessions;
pub mod signing_keys;
pub mod spent_refresh_tokens;
pub mod users;
