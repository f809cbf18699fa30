//! The middleware every request passes, outermost first: observation (request id, span,
//! access log, metrics), the wait budget for backend connections, idempotency, problem
//! bodies for bare errors, panic capture.

mod catch_panic;
mod idempotency;
mod observe;
mod wait_budget;

pub use catch_panic::catch_panic;
pub use idempotency::{idempotency, Idempotency, IDEMPOTENCY_KEY_HEADER};
pub use observe::{observe, RequestId, REQUEST_ID_HEADER};
pub use wait_budget::{wait_budget, WaitBudget};
