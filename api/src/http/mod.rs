//! HTTP conventions every resource shares: ETag and If-Match, cursor pages, client info.

mod client;
mod page;
mod precondition;

pub use client::client_info;
pub use page::{PageBody, PageQuery};
pub use precondition::{etag, IfMatch};
