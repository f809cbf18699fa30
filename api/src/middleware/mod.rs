//! The middleware every request passes, outermost first: observation (request id, span,
//! access log, metrics), problem bodies for bare errors, panic capture.

mod catch_panic;
mod observe;

pub use catch_panic::catch_panic;
pub use observe::{observe, RequestId, REQUEST_ID_HEADER};
