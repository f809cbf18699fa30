//! Who read or changed which patient's data, when, from where: an append-only record
//! written in the same transaction as the work it describes; and who signed in, out,
//! or changed an account or a session.

mod event;
mod log;
mod trail;

pub use event::{
    security_event, AuditAction, AuditContext, AuditEvent, AuditFilter, AuditOutcome,
    NewAuditEvent, RequestOrigin,
};
pub use log::AuditLog;
pub use trail::AuditTrail;
