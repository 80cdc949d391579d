//! The answer cache of record reads: the serialized body of a collection or item answer
//! (without its `api:ResponseSummary`, which is written afresh for every request), kept
//! until its record is next written.
//!
//! Correctness rests on [`TrackedStore`]: every write through the container's clinical
//! store gives the record it wrote a new generation number *after* the write has
//! finished. A reader notes its record's generation before it queries; an answer is
//! served from the cache only while that generation is unchanged. A reader racing a write
//! may compute an answer from either side of the write, but it files it under the
//! generation it saw before, which the write has already made stale, so a stale answer
//! is never served. Every record call reads one record, so a write to one record leaves
//! the cached answers of every other record in place.
//!
//! The cache is on only when this process owns the clinical data (the embedded and
//! in-memory stores): a remote SPARQL store can be written by other programs, which the
//! counter would not see. Its size is bounded by `limits.response_cache_bytes`; when full
//! it is emptied (record reads are cheap to recompute, and an unbounded cache is not).
//! An entry counts every byte it holds (body, key with its query pairs, page order, links),
//! so long junk query strings cannot make the cache larger than its budget.

use crate::StoreResult;
use crate::clinical::{ClinicalStore, RecordSearch, SearchPage, StatementPage, StatementQuery};
use async_trait::async_trait;
use oxrdf::{Graph, NamedNode};
use smart_core::RecordId;
use smart_rdf::{RdfFormat, SplitRecord, StatementGraph};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// A clinical store that counts the writes to each record (see the module docs).
#[derive(Debug)]
pub(crate) struct TrackedStore {
    inner: Arc<dyn ClinicalStore>,
    /// The last generation number handed out (to any record).
    last: AtomicU64,
    /// Each written record's generation; a record never written is at 0.
    generations: Mutex<HashMap<RecordId, u64>>,
}

impl TrackedStore {
    pub(crate) fn new(inner: Arc<dyn ClinicalStore>) -> Self {
        Self {
            inner,
            last: AtomicU64::new(0),
            generations: Mutex::new(HashMap::new()),
        }
    }

    /// The current generation of `record`.
    pub(crate) fn generation(&self, record: &RecordId) -> u64 {
        let generations = self.generations.lock().unwrap_or_else(|e| e.into_inner());
        generations.get(record).copied().unwrap_or(0)
    }

    /// Called after every write to `record`, successful or not (a failed write may still
    /// have changed something on its way).
    fn written(&self, record: &RecordId) {
        let next = self.last.fetch_add(1, Ordering::AcqRel) + 1;
        let mut generations = self.generations.lock().unwrap_or_else(|e| e.into_inner());
        generations.insert(record.clone(), next);
    }
}

#[async_trait]
impl ClinicalStore for TrackedStore {
    async fn replace_record(&self, record: &SplitRecord) -> StoreResult<()> {
        let result = self.inner.replace_record(record).await;
        self.written(&record.record);
        result
    }

    async fn add_statements(
        &self,
        record: &RecordId,
        statements: &[StatementGraph],
    ) -> StoreResult<()> {
        let result = self.inner.add_statements(record, statements).await;
        self.written(record);
        result
    }

    async fn delete_statement(
        &self,
        record: &RecordId,
        statement: &NamedNode,
    ) -> StoreResult<bool> {
        let result = self.inner.delete_statement(record, statement).await;
        self.written(record);
        result
    }

    async fn delete_record(&self, record: &RecordId) -> StoreResult<bool> {
        let result = self.inner.delete_record(record).await;
        self.written(record);
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

/// What identifies an answer: the record it reads, the path, the query parameters that
/// are not OAuth's (in the order sent), and the format.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct CacheKey {
    record: RecordId,
    path: String,
    query: Vec<(String, String)>,
    format: RdfFormat,
}

impl CacheKey {
    pub(crate) fn new(
        record: &RecordId,
        path: &str,
        query: &[(String, String)],
        format: RdfFormat,
    ) -> Self {
        Self {
            record: record.clone(),
            path: path.to_owned(),
            query: query
                .iter()
                .filter(|(k, _)| !k.starts_with("oauth_"))
                .cloned()
                .collect(),
            format,
        }
    }

    /// The record the answer reads.
    pub(crate) fn record(&self) -> &RecordId {
        &self.record
    }
}

/// What an entry costs: every byte it holds, plus a fixed overhead per allocation.
fn entry_bytes(key: &CacheKey, answer: &Answer) -> usize {
    const OVERHEAD: usize = 48;
    let query: usize = key
        .query
        .iter()
        .map(|(k, v)| k.len() + v.len() + 2 * OVERHEAD)
        .sum();
    let order: usize = answer
        .order
        .iter()
        .flatten()
        .map(|iri| iri.as_str().len() + OVERHEAD)
        .sum();
    4 * OVERHEAD
        + key.record.as_str().len()
        + key.path.len()
        + query
        + answer.body.len()
        + order
        + answer.next_page.as_ref().map_or(0, String::len)
        + answer.etag.as_ref().map_or(0, String::len)
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

/// An answer, the generation of its record it was computed at, and its size.
#[derive(Debug)]
struct Entry {
    generation: u64,
    bytes: usize,
    answer: Arc<Answer>,
}

#[derive(Debug, Default)]
struct Entries {
    map: HashMap<CacheKey, Entry>,
    bytes: usize,
}

/// The cache (see the module docs).
#[derive(Debug)]
pub(crate) struct AnswerCache {
    store: Arc<TrackedStore>,
    max_bytes: usize,
    entries: Mutex<Entries>,
    /// Lookups answered from the cache, and the others (for the metrics).
    hits: AtomicU64,
    misses: AtomicU64,
}

impl AnswerCache {
    pub(crate) fn new(store: Arc<TrackedStore>, max_bytes: usize) -> Self {
        Self {
            store,
            max_bytes,
            entries: Mutex::new(Entries::default()),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
        }
    }

    /// Lookups so far: (answered from the cache, not).
    pub(crate) fn hits_and_misses(&self) -> (u64, u64) {
        (
            self.hits.load(Ordering::Relaxed),
            self.misses.load(Ordering::Relaxed),
        )
    }

    /// The generation of `record` to note before computing an answer.
    pub(crate) fn generation(&self, record: &RecordId) -> u64 {
        self.store.generation(record)
    }

    /// The answer for `key`, if it was computed at its record's current generation.
    pub(crate) fn get(&self, key: &CacheKey) -> Option<Arc<Answer>> {
        let now = self.store.generation(&key.record);
        let found = self.entries.lock().ok().and_then(|entries| {
            entries
                .map
                .get(key)
                .filter(|entry| entry.generation == now)
                .map(|entry| entry.answer.clone())
        });
        let counter = if found.is_some() {
            &self.hits
        } else {
            &self.misses
        };
        counter.fetch_add(1, Ordering::Relaxed);
        found
    }

    /// Files an answer computed at `generation` of its record (noted before the
    /// computation).
    pub(crate) fn put(&self, key: CacheKey, generation: u64, answer: Arc<Answer>) {
        let bytes = entry_bytes(&key, &answer);
        // A write happened meanwhile: the answer may be stale already.
        if bytes > self.max_bytes / 4 || generation != self.store.generation(&key.record) {
            return;
        }
        let Ok(mut entries) = self.entries.lock() else {
            return;
        };
        if entries.bytes + bytes > self.max_bytes {
            entries.map.clear();
            entries.bytes = 0;
        }
        let entry = Entry {
            generation,
            bytes,
            answer,
        };
        if let Some(old) = entries.map.insert(key, entry) {
            entries.bytes = entries.bytes.saturating_sub(old.bytes);
        }
        entries.bytes += bytes;
    }

    /// The bytes the entries hold, as counted against the budget.
    #[cfg(test)]
    fn bytes(&self) -> usize {
        self.entries.lock().map_or(0, |e| e.bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clinical::MemoryClinicalStore;

    fn answer(body: &str) -> Arc<Answer> {
        Arc::new(Answer {
            body: body.as_bytes().to_vec(),
            empty: false,
            returned: 1,
            total: 1,
            order: None,
            next_page: None,
            etag: None,
        })
    }

    fn cache(max_bytes: usize) -> (Arc<TrackedStore>, AnswerCache) {
        let store = Arc::new(TrackedStore::new(Arc::new(
            MemoryClinicalStore::in_memory().unwrap(),
        )));
        (store.clone(), AnswerCache::new(store, max_bytes))
    }

    fn key(record: &RecordId) -> CacheKey {
        let path = format!("/records/{record}/medications/");
        CacheKey::new(record, &path, &[], RdfFormat::RdfXml)
    }

    #[tokio::test]
    async fn a_write_invalidates_only_its_own_records_answers() {
        let (store, cache) = cache(1 << 20);
        let a = RecordId::new("1000001").unwrap();
        let b = RecordId::new("1000002").unwrap();
        for record in [&a, &b] {
            let generation = cache.generation(record);
            cache.put(key(record), generation, answer(record.as_str()));
        }
        // A write to b (here an empty one: any write counts) ...
        store.add_statements(&b, &[]).await.unwrap();
        // ... leaves a's answer cached and drops b's.
        assert_eq!(cache.get(&key(&a)).unwrap().body, b"1000001");
        assert!(cache.get(&key(&b)).is_none());
        // An answer computed before a write to its record is not filed.
        let before = cache.generation(&a);
        store.delete_record(&a).await.unwrap();
        cache.put(key(&a), before, answer("stale"));
        assert!(cache.get(&key(&a)).is_none());
        // After the write, fresh answers are cached again.
        cache.put(key(&a), cache.generation(&a), answer("fresh"));
        assert_eq!(cache.get(&key(&a)).unwrap().body, b"fresh");
    }

    #[test]
    fn long_query_strings_count_against_the_budget() {
        let budget = 64 << 10;
        let (_, cache) = cache(budget);
        let record = RecordId::new("1000001").unwrap();
        // Answers of a few bytes under keys with 8 KB of junk query each: without
        // counting the key, thousands would fit.
        let junk = "x".repeat(8 << 10);
        for i in 0..100 {
            let k = CacheKey::new(
                &record,
                "/records/1000001/medications/",
                &[(format!("junk{i}"), junk.clone())],
                RdfFormat::RdfXml,
            );
            cache.put(k, 0, answer("tiny"));
            assert!(cache.bytes() <= budget, "{} > {budget}", cache.bytes());
        }
        assert!(cache.bytes() >= 8 << 10, "the query bytes are counted");
        // Replacing an entry gives its old size back.
        let k = key(&record);
        cache.put(k.clone(), 0, answer(&"y".repeat(1000)));
        let with_big = cache.bytes();
        cache.put(k, 0, answer("z"));
        assert_eq!(cache.bytes(), with_big - 999);
    }
}
