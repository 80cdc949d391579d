//! The answer cache of record reads: the serialized body of a collection or item answer
//! (without its `api:ResponseSummary`, which is written afresh for every request), kept
//! until the clinical store is next written.
//!
//! Correctness rests on [`TrackedStore`]: every write through the container's clinical
//! store bumps one generation counter *after* the write has finished. A reader notes the
//! generation before it queries; an answer is served from the cache only while the
//! generation is unchanged. A reader racing a write may compute an answer from either
//! side of the write, but it files it under the generation it saw before, which the
//! write's bump has already made stale, so a stale answer is never served.
//!
//! The cache is on only when this process owns the clinical data (the embedded and
//! in-memory stores): a remote SPARQL store can be written by other programs, which the
//! counter would not see. Its size is bounded by `limits.response_cache_bytes`; when full
//! it is emptied (record reads are cheap to recompute, and an unbounded cache is not).

use crate::StoreResult;
use crate::clinical::{ClinicalStore, RecordSearch, SearchPage, StatementPage, StatementQuery};
use async_trait::async_trait;
use oxrdf::{Graph, NamedNode};
use smart_core::RecordId;
use smart_rdf::{RdfFormat, SplitRecord, StatementGraph};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// A clinical store that counts its writes (see the module docs).
#[derive(Debug)]
pub(crate) struct TrackedStore {
    inner: Arc<dyn ClinicalStore>,
    generation: AtomicU64,
}

impl TrackedStore {
    pub(crate) fn new(inner: Arc<dyn ClinicalStore>) -> Self {
        Self {
            inner,
            generation: AtomicU64::new(0),
        }
    }

    /// The current generation.
    pub(crate) fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Called after every write, successful or not (a failed write may still have
    /// changed something on its way).
    fn written(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
    }
}

#[async_trait]
impl ClinicalStore for TrackedStore {
    async fn replace_record(&self, record: &SplitRecord) -> StoreResult<()> {
        let result = self.inner.replace_record(record).await;
        self.written();
        result
    }

    async fn add_statements(
        &self,
        record: &RecordId,
        statements: &[StatementGraph],
    ) -> StoreResult<()> {
        let result = self.inner.add_statements(record, statements).await;
        self.written();
        result
    }

    async fn delete_statement(
        &self,
        record: &RecordId,
        statement: &NamedNode,
    ) -> StoreResult<bool> {
        let result = self.inner.delete_statement(record, statement).await;
        self.written();
        result
    }

    async fn delete_record(&self, record: &RecordId) -> StoreResult<bool> {
        let result = self.inner.delete_record(record).await;
        self.written();
        result
    }

    async fn record_ids(&self) -> StoreResult<Vec<RecordId>> {
        self.inner.record_ids().await
    }

    async fn query(&self, record: &RecordId, query: &StatementQuery) -> StoreResult<StatementPage> {
        self.inner.query(record, query).await
    }

    async fn statement(
        &self,
        record: &RecordId,
        statement: &NamedNode,
    ) -> StoreResult<Option<Graph>> {
        self.inner.statement(record, statement).await
    }

    async fn search_records(&self, search: &RecordSearch) -> StoreResult<SearchPage> {
        self.inner.search_records(search).await
    }
}

/// What identifies an answer: the path, the query parameters that are not OAuth's (in
/// the order sent), and the format.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct CacheKey {
    path: String,
    query: Vec<(String, String)>,
    format: RdfFormat,
}

impl CacheKey {
    pub(crate) fn new(path: &str, query: &[(String, String)], format: RdfFormat) -> Self {
        Self {
            path: path.to_owned(),
            query: query
                .iter()
                .filter(|(k, _)| !k.starts_with("oauth_"))
                .cloned()
                .collect(),
            format,
        }
    }
}

/// A cached answer: everything but the summary's processing time.
#[derive(Debug)]
pub(crate) struct Answer {
    /// The body without the summary.
    pub(crate) body: Vec<u8>,
    /// True if the answer's graph (without summary) is empty.
    pub(crate) empty: bool,
    /// Statements returned.
    pub(crate) returned: usize,
    /// Statements that passed the filters.
    pub(crate) total: usize,
    /// The page order (public IRIs), when paged.
    pub(crate) order: Option<Vec<NamedNode>>,
    /// The next page, when there is one.
    pub(crate) next_page: Option<String>,
    /// The ETag of an item.
    pub(crate) etag: Option<String>,
}

#[derive(Debug, Default)]
struct Entries {
    map: HashMap<CacheKey, (u64, Arc<Answer>)>,
    bytes: usize,
}

/// The cache (see the module docs).
#[derive(Debug)]
pub(crate) struct AnswerCache {
    store: Arc<TrackedStore>,
    max_bytes: usize,
    entries: Mutex<Entries>,
}

impl AnswerCache {
    pub(crate) fn new(store: Arc<TrackedStore>, max_bytes: usize) -> Self {
        Self {
            store,
            max_bytes,
            entries: Mutex::new(Entries::default()),
        }
    }

    /// The generation to note before computing an answer.
    pub(crate) fn generation(&self) -> u64 {
        self.store.generation()
    }

    /// The answer for `key`, if it was computed at the current generation.
    pub(crate) fn get(&self, key: &CacheKey) -> Option<Arc<Answer>> {
        let now = self.store.generation();
        let entries = self.entries.lock().ok()?;
        entries
            .map
            .get(key)
            .filter(|(generation, _)| *generation == now)
            .map(|(_, answer)| answer.clone())
    }

    /// Files an answer computed at `generation` (noted before the computation).
    pub(crate) fn put(&self, key: CacheKey, generation: u64, answer: Arc<Answer>) {
        let size = answer.body.len() + key.path.len() + 256;
        // A write happened meanwhile: the answer may be stale already.
        if size > self.max_bytes / 4 || generation != self.store.generation() {
            return;
        }
        let Ok(mut entries) = self.entries.lock() else {
            return;
        };
        if entries.bytes + size > self.max_bytes {
            entries.map.clear();
            entries.bytes = 0;
        }
        if let Some((_, old)) = entries.map.insert(key, (generation, answer)) {
            entries.bytes = entries.bytes.saturating_sub(old.body.len());
        }
        entries.bytes += size;
    }
}
