//! The records registry (the relational trace of each patient record) and the launch
//! audit log.

use super::StoreResult;
use super::types::{AppId, Page, Paged, Timestamp, UserId, check_text};
use async_trait::async_trait;
use smart_core::ids::RecordId;
use std::fmt;

/// A registered record.
#[expect(
    clippy::exhaustive_structs,
    reason = "every backend builds these records (smart-store's SQL rows, a vendor's store)"
)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordEntry {
    /// The record id.
    pub id: RecordId,
    /// A display label (e.g. the patient's name), possibly empty.
    pub label: String,
    /// When the record was first registered.
    pub created_at: Timestamp,
    /// When the label last changed.
    pub updated_at: Timestamp,
}

/// The registry of records.
///
/// Tokens, shares and scratchpads name records by id and do not require the record to be
/// registered (the clinical store owns the records themselves).
#[async_trait]
pub trait RecordRegistry: Send + Sync + fmt::Debug {
    /// Registers the record or replaces its label. Returns it as stored.
    async fn upsert_record(
        &self,
        id: &RecordId,
        label: &str,
        now: Timestamp,
    ) -> StoreResult<RecordEntry>;

    /// The record, if registered.
    async fn get_record(&self, id: &RecordId) -> StoreResult<Option<RecordEntry>>;

    /// Registered records ordered by id, one page at a time.
    async fn list_records(&self, page: Page) -> StoreResult<Paged<RecordEntry>>;

    /// Removes the record from the registry and, in the same transaction, deletes every
    /// token, share and scratchpad bound to it. Returns whether it was registered.
    async fn delete_record(&self, id: &RecordId) -> StoreResult<bool>;

    /// The first registered record in id order after `after` (which need not be
    /// registered itself; `None`: the very first). Background apps walk the records with
    /// it. The default pages through [`RecordRegistry::list_records`]; a backend may
    /// answer it in one query.
    async fn record_after(&self, after: Option<&RecordId>) -> StoreResult<Option<RecordId>> {
        let mut page = Some(Page::first(Page::MAX_LIMIT));
        while let Some(p) = page {
            let listed = self.list_records(p).await?;
            if let Some(r) = listed
                .items
                .into_iter()
                .find(|r| after.is_none_or(|a| &r.id > a))
            {
                return Ok(Some(r.id));
            }
            page = listed.next;
        }
        Ok(None)
    }
}

/// Checks a record label.
pub fn check_label(id: &RecordId, label: &str) -> StoreResult<()> {
    check_text(&format!("record {id}: label"), label, 300)
}

/// How an app was launched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LaunchKind {
    /// Inside the container's UI, through SMART Connect.
    Connect,
    /// With a signed launch header for the app's REST back end.
    Rest,
    /// Through the three-legged OAuth flow of a standalone app.
    Standalone,
    /// A background app obtaining a record token.
    Background,
}

impl LaunchKind {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Connect => "connect",
            Self::Rest => "rest",
            Self::Standalone => "standalone",
            Self::Background => "background",
        }
    }

    /// Reads the stored spelling.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "connect" => Self::Connect,
            "rest" => Self::Rest,
            "standalone" => Self::Standalone,
            "background" => Self::Background,
            _ => return None,
        })
    }
}

/// One launch of an app.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LaunchEvent {
    /// When.
    pub at: Timestamp,
    /// By whom, if a user launched it.
    pub account: Option<UserId>,
    /// Which app.
    pub app: AppId,
    /// On which record, if any.
    pub record: Option<RecordId>,
    /// How.
    pub kind: LaunchKind,
}

impl LaunchEvent {
    /// A launch event.
    pub fn new(
        at: Timestamp,
        account: Option<UserId>,
        app: AppId,
        record: Option<RecordId>,
        kind: LaunchKind,
    ) -> Self {
        Self {
            at,
            account,
            app,
            record,
            kind,
        }
    }
}

/// The append-only log of app launches. Entries name accounts, apps and records by id and
/// outlive them; [`AuditLog::purge_launches_before`] bounds its size.
#[async_trait]
pub trait AuditLog: Send + Sync + fmt::Debug {
    /// Appends an event.
    async fn append_launch(&self, event: &LaunchEvent) -> StoreResult<()>;

    /// The most recent events, newest first (by time, then by order of appending), at
    /// most `limit` (clamped to `1..=`[`Page::MAX_LIMIT`]); only the account's if given.
    async fn recent_launches(
        &self,
        account: Option<&UserId>,
        limit: u32,
    ) -> StoreResult<Vec<LaunchEvent>>;

    /// Deletes events older than `cutoff`. Returns how many.
    async fn purge_launches_before(&self, cutoff: Timestamp) -> StoreResult<u64>;
}
