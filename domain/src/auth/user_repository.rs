use async_trait::async_trait;

use super::{NewUser, PasswordHash, User, UserChanges, UserId, UserRecord, Username};
use crate::{DomainError, Page, PageRequest, Version};

/// Where user accounts live.
///
/// Error contract for every backend:
/// - `create` returns `Conflict { code: "username_taken" }` when the username exists
///   (decided by the store's unique key, so it holds across nodes);
/// - `update` changes the row only if its version is `expected`, in one conditional
///   statement, and returns `PreconditionFailed { current }` otherwise, or `NotFound`;
/// - any backend failure is `Internal`.
#[async_trait]
pub trait UserRepository: Send + Sync {
    async fn create(&self, user: NewUser, password_hash: PasswordHash)
        -> Result<User, DomainError>;

    async fn get(&self, id: UserId) -> Result<Option<User>, DomainError>;

    async fn find_by_username(
        &self,
        username: &Username,
    ) -> Result<Option<UserRecord>, DomainError>;

    async fn get_record(&self, id: UserId) -> Result<Option<UserRecord>, DomainError>;

    /// Users in creation order (ids are time-ordered).
    async fn list(&self, page: PageRequest) -> Result<Page<User>, DomainError>;

    async fn update(
        &self,
        id: UserId,
        expected: Version,
        changes: UserChanges,
    ) -> Result<User, DomainError>;

    async fn count(&self) -> Result<u64, DomainError>;

    /// Active users holding the clinician role, by display name.
    async fn providers(&self) -> Result<Vec<User>, DomainError>;
}
