//! Shares: a user's approval that an app may access a record on their behalf.

use super::StoreResult;
use super::types::{AppId, Timestamp, UserId};
use async_trait::async_trait;
use smart_core::ids::RecordId;
use std::fmt;

/// A stored approval: `account` allowed `app` to access `record` (or, with no record, the
/// container as a whole).
#[expect(
    clippy::exhaustive_structs,
    reason = "every backend builds these records (smart-store's SQL rows, a vendor's store)"
)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Share {
    /// Who approved.
    pub account: UserId,
    /// Which record; `None` for container-scope apps.
    pub record: Option<RecordId>,
    /// Which app.
    pub app: AppId,
    /// When the approval was first given.
    pub created_at: Timestamp,
}

/// Storage of shares. A share is unique per (account, record, app).
#[async_trait]
pub trait ShareStore: Send + Sync + fmt::Debug {
    /// Records the approval, or returns the existing one unchanged (with its original
    /// `created_at`). `NotFound` if the account or the app does not exist.
    async fn grant_share(
        &self,
        account: &UserId,
        record: Option<&RecordId>,
        app: &AppId,
        now: Timestamp,
    ) -> StoreResult<Share>;

    /// The approval, if given.
    async fn get_share(
        &self,
        account: &UserId,
        record: Option<&RecordId>,
        app: &AppId,
    ) -> StoreResult<Option<Share>>;

    /// Every approval the account gave, ordered by record (container scope first), then
    /// app.
    async fn list_account_shares(&self, account: &UserId) -> StoreResult<Vec<Share>>;

    /// Withdraws the approval and, in the same transaction, deletes the tokens of that
    /// grant (as [`TokenStore::revoke_grant_tokens`](super::TokenStore::revoke_grant_tokens)).
    /// Returns whether the approval existed.
    async fn revoke_share(
        &self,
        account: &UserId,
        record: Option<&RecordId>,
        app: &AppId,
    ) -> StoreResult<bool>;
}
