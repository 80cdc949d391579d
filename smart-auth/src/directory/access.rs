//! The access log: one entry per record API call (who, which app, which record, which
//! call, how it ended, when), for administrators and `smart audit`.
//!
//! Entries name accounts, apps and records by id and outlive them (like the launch
//! audit); [`AccessLog::purge_access_before`] bounds the log's size. Writers append in
//! batches ([`AccessLog::append_access`] takes a slice) so that a server can buffer
//! entries off its request path and insert them together.

use super::StoreResult;
use super::types::{AppId, Page, Paged, Timestamp, UserId};
use async_trait::async_trait;
use smart_core::catalog::CallId;
use smart_core::ids::RecordId;
use std::fmt;

/// How a call ended, in the few classes an auditor cares about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[expect(
    clippy::exhaustive_enums,
    reason = "the classes of an HTTP status an auditor filters on; stored by name"
)]
pub enum AccessResult {
    /// The call succeeded.
    Ok,
    /// The access policy refused the caller (HTTP 401/403).
    Denied,
    /// Nothing was there (HTTP 404).
    NotFound,
    /// The request was malformed or refused as invalid (other 4xx).
    BadRequest,
    /// The container failed (5xx).
    Error,
}

impl AccessResult {
    /// Every result, in order.
    pub const ALL: [Self; 5] = [
        Self::Ok,
        Self::Denied,
        Self::NotFound,
        Self::BadRequest,
        Self::Error,
    ];

    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Denied => "denied",
            Self::NotFound => "not_found",
            Self::BadRequest => "bad_request",
            Self::Error => "error",
        }
    }

    /// Reads the stored spelling.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

impl fmt::Display for AccessResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One record API call.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct AccessEntry {
    /// When the call was made.
    pub at: Timestamp,
    /// The user it was made for (`None`: a background app, an administrator's tool).
    pub user: Option<UserId>,
    /// The app that made it (`None`: a user's session or a machine credential).
    pub app: Option<AppId>,
    /// The record of its path (`None`: a container call).
    pub record: Option<RecordId>,
    /// The call.
    pub call: CallId,
    /// How it ended.
    pub result: AccessResult,
}

impl AccessEntry {
    /// An entry.
    pub fn new(
        at: Timestamp,
        user: Option<UserId>,
        app: Option<AppId>,
        record: Option<RecordId>,
        call: CallId,
        result: AccessResult,
    ) -> Self {
        Self {
            at,
            user,
            app,
            record,
            call,
            result,
        }
    }
}

/// A filter over the access log: every `Some` field must match; `since` is inclusive and
/// `until` exclusive.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct AccessQuery {
    /// Only this user's calls.
    pub user: Option<UserId>,
    /// Only this app's calls.
    pub app: Option<AppId>,
    /// Only calls on this record.
    pub record: Option<RecordId>,
    /// Only this call.
    pub call: Option<CallId>,
    /// Only calls that ended this way.
    pub result: Option<AccessResult>,
    /// Only calls at or after this time.
    pub since: Option<Timestamp>,
    /// Only calls before this time.
    pub until: Option<Timestamp>,
}

impl AccessQuery {
    /// Every entry.
    pub fn all() -> Self {
        Self::default()
    }

    /// Only this user's calls.
    pub fn user(mut self, user: UserId) -> Self {
        self.user = Some(user);
        self
    }

    /// Only this app's calls.
    pub fn app(mut self, app: AppId) -> Self {
        self.app = Some(app);
        self
    }

    /// Only calls on this record.
    pub fn record(mut self, record: RecordId) -> Self {
        self.record = Some(record);
        self
    }

    /// Only this call.
    pub fn call(mut self, call: CallId) -> Self {
        self.call = Some(call);
        self
    }

    /// Only calls that ended this way.
    pub fn result(mut self, result: AccessResult) -> Self {
        self.result = Some(result);
        self
    }

    /// Only calls at or after `since`.
    pub fn since(mut self, since: Timestamp) -> Self {
        self.since = Some(since);
        self
    }

    /// Only calls before `until`.
    pub fn until(mut self, until: Timestamp) -> Self {
        self.until = Some(until);
        self
    }

    /// Whether `entry` passes the filter (what the in-memory backend applies; the SQL
    /// backends say the same in their `WHERE` clause).
    pub fn matches(&self, entry: &AccessEntry) -> bool {
        self.user
            .as_ref()
            .is_none_or(|u| entry.user.as_ref() == Some(u))
            && self
                .app
                .as_ref()
                .is_none_or(|a| entry.app.as_ref() == Some(a))
            && self
                .record
                .as_ref()
                .is_none_or(|r| entry.record.as_ref() == Some(r))
            && self.call.is_none_or(|c| entry.call == c)
            && self.result.is_none_or(|r| entry.result == r)
            && self.since.is_none_or(|t| entry.at >= t)
            && self.until.is_none_or(|t| entry.at < t)
    }
}

/// The append-only log of record API calls.
#[async_trait]
pub trait AccessLog: Send + Sync + fmt::Debug {
    /// Appends the entries, in order, in one step (all or none).
    async fn append_access(&self, entries: &[AccessEntry]) -> StoreResult<()>;

    /// The entries matching `query`, newest first (by time, then by order of appending),
    /// one page at a time (the limit clamped to `1..=`[`Page::MAX_LIMIT`]).
    async fn query_access(
        &self,
        query: &AccessQuery,
        page: Page,
    ) -> StoreResult<Paged<AccessEntry>>;

    /// Deletes the entries older than `cutoff`. Returns how many.
    async fn purge_access_before(&self, cutoff: Timestamp) -> StoreResult<u64>;
}

#[async_trait]
impl AccessLog for super::MemoryDirectory {
    async fn append_access(&self, entries: &[AccessEntry]) -> StoreResult<()> {
        self.access_entries().extend_from_slice(entries);
        Ok(())
    }

    async fn query_access(
        &self,
        query: &AccessQuery,
        page: Page,
    ) -> StoreResult<Paged<AccessEntry>> {
        let log = self.access_entries();
        // Appended in order, so walking backwards gives "later append first" at equal
        // times once sorted stably by time.
        let mut found: Vec<&AccessEntry> = log.iter().rev().filter(|e| query.matches(e)).collect();
        found.sort_by_key(|e| std::cmp::Reverse(e.at));
        let skip = usize::try_from(page.offset).unwrap_or(usize::MAX);
        let take = page.effective_limit() as usize + 1;
        let items = found.into_iter().skip(skip).take(take).cloned().collect();
        Ok(Paged::from_overfetch(items, page))
    }

    async fn purge_access_before(&self, cutoff: Timestamp) -> StoreResult<u64> {
        let mut log = self.access_entries();
        let before = log.len();
        log.retain(|e| e.at >= cutoff);
        Ok(u64::try_from(before - log.len()).unwrap_or(u64::MAX))
    }
}
