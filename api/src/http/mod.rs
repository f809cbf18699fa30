//! HTTP conventions every resource shares: ETag and If-Match, cursor pages, client info.

mod client;
mod context;
mod deprecation;
mod lock_token;
mod page;
mod precondition;
mod range;
pub mod text_fields;
pub mod whole_number;

pub use client::client_info;
pub use context::{Caller, NodeId, Origin};
pub use deprecation::Retirement;
#[cfg(test)]
pub(crate) use lock_token::parse_lock_token;
pub use lock_token::{PresentedLock, LOCK_TOKEN};
pub use page::{Cursor, PageBody, PageQuery};
pub use precondition::{etag, versioned_ok, IfMatch};
pub use range::{parse_range, ByteRange};
