//! Who read or changed which patient's data, when, from where: an append-only record
//! written in the same transaction as the work it describes.

mod event;
mod log;
mod trail;

pub use event::{AuditAction, AuditContext, AuditEvent, AuditFilter, AuditOutcome, NewAuditEvent};
pub use log::AuditLog;
pub use trail::AuditTrail;
