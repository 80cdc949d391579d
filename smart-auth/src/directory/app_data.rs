//! Scratchpads (per record and app) and preferences (per user and app): opaque bodies
//! with a MIME type.

use super::types::{AppId, Timestamp, UserId, check_content_type};
use super::{StoreError, StoreResult};
use async_trait::async_trait;
use smart_core::ids::RecordId;
use std::fmt;

/// A stored scratchpad or preferences body.
#[expect(
    clippy::exhaustive_structs,
    reason = "every backend builds these records (smart-store's SQL rows, a vendor's store)"
)]
#[derive(Clone, PartialEq, Eq)]
pub struct AppData {
    /// The MIME type it was stored with (without parameters), e.g. `application/json`.
    pub content_type: String,
    /// The bytes, exactly as stored (not necessarily UTF-8).
    pub data: Vec<u8>,
    /// When it was last written.
    pub updated_at: Timestamp,
}

impl fmt::Debug for AppData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AppData")
            .field("content_type", &self.content_type)
            .field("len", &self.data.len())
            .field("updated_at", &self.updated_at)
            .finish()
    }
}

/// Storage of scratchpads and preferences.
///
/// Writes replace the whole body. Bodies larger than
/// [`DirectoryConfig::max_app_data_bytes`](super::DirectoryConfig) are refused with
/// `Invalid` (the HTTP layer should refuse them earlier, with its own limit); so are
/// content types that are not `type/subtype`.
#[async_trait]
pub trait AppDataStore: Send + Sync + fmt::Debug {
    /// The scratchpad of `app` for `record`, if written.
    async fn get_scratchpad(&self, record: &RecordId, app: &AppId) -> StoreResult<Option<AppData>>;

    /// Writes the scratchpad and returns what was stored. `NotFound` if the app does not
    /// exist.
    async fn put_scratchpad(
        &self,
        record: &RecordId,
        app: &AppId,
        content_type: &str,
        data: &[u8],
        now: Timestamp,
    ) -> StoreResult<AppData>;

    /// Deletes the scratchpad. Returns whether it existed.
    async fn delete_scratchpad(&self, record: &RecordId, app: &AppId) -> StoreResult<bool>;

    /// The preferences of `account` for `app`, if written.
    async fn get_preferences(&self, account: &UserId, app: &AppId) -> StoreResult<Option<AppData>>;

    /// Writes the preferences and returns what was stored. `NotFound` if the account or
    /// the app does not exist.
    async fn put_preferences(
        &self,
        account: &UserId,
        app: &AppId,
        content_type: &str,
        data: &[u8],
        now: Timestamp,
    ) -> StoreResult<AppData>;

    /// Deletes the preferences. Returns whether they existed.
    async fn delete_preferences(&self, account: &UserId, app: &AppId) -> StoreResult<bool>;
}

/// Checks a body before it is written; `what` names it in errors.
pub fn check_app_data(
    what: &str,
    content_type: &str,
    data: &[u8],
    max_bytes: usize,
) -> StoreResult<()> {
    check_content_type(what, content_type)?;
    if data.len() > max_bytes {
        return Err(StoreError::invalid(format!(
            "{what} is {} bytes; the limit is {max_bytes}",
            data.len()
        )));
    }
    Ok(())
}

/// How errors name a scratchpad.
pub fn scratchpad_name(record: &RecordId, app: &AppId) -> String {
    format!("scratchpad of app {app} for record {record}")
}

/// How errors name preferences.
pub fn preferences_name(account: &UserId, app: &AppId) -> String {
    format!("preferences of account {account} for app {app}")
}
