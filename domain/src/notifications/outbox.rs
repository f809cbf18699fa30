use async_trait::async_trait;

use super::Notification;
use crate::schedule::AppointmentId;
use crate::{DomainError, Page, PageRequest};

/// The notifications waiting for (or withdrawn from) a sender.
#[async_trait]
pub trait Outbox: Send + Sync {
    /// Notifications in the order they were queued, of one appointment when given.
    async fn list(
        &self,
        appointment: Option<AppointmentId>,
        page: PageRequest,
    ) -> Result<Page<Notification>, DomainError>;
}
