//! The answer cache of record reads: the serialized body of a collection or item answer
//! (without its `api:ResponseSummary`, which is written afresh for every request), kept
//! until its record is next written.
//!
//! Correctness rests on [`TrackedStore`]: every write through the container's clinical
//! store gives the record it wrote a new generation number *after* the write has
//! finished (and, so that a write is refused rather than left unannounced when the
//! generations cannot be written, once before it too). A reader notes its record's generation before it queries; an answer is
//! served from the cache only while that generation is unchanged. A reader racing a write
//! may compute an answer from either side of the write, but it files it under the
//! generation it saw before, which the write has already made stale, so a stale answer
//! is never served. Every record call reads one record, so a write to one record leaves
//! the cached answers of every other record in place.
//!
//! The generations live where every writer sees them ([`RecordVersions`]): in this
//! process when it owns the clinical data (the embedded and in-memory stores), and in
//! PostgreSQL when several servers share a SPARQL store and a PostgreSQL directory, so a
//! write through one server invalidates the answers the others cached. Programs that
//! write the SPARQL store directly, bypassing every server, are not seen; without a
//! PostgreSQL directory the cache is off for a SPARQL store. Its size is bounded by `limits.response_cache_bytes`; when full
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
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};

/// Where each record's generation (a number that grows with every write to it) is kept,
/// so that every server caching answers of the record sees its writes.
#[async_trait]
pub(crate) trait RecordVersions: Send + Sync + fmt::Debug {
    /// The current generation of `record` (0 if never written).
    async fn current(&self, record: &RecordId) -> StoreResult<u64>;

    /// Gives `record` a generation greater than any it had.
    async fn bump(&self, record: &RecordId) -> StoreResult<()>;
}

/// The generations of a process that alone writes its clinical store.
#[derive(Debug, Default)]
pub(crate) struct LocalVersions {
    /// The last generation number handed out (to any record).
    last: AtomicU64,
    /// Each written record's generation; a record never written is at 0.
    generations: RwLock<HashMap<RecordId, u64>>,
}

#[async_trait]
impl RecordVersions for LocalVersions {
    async fn current(&self, record: &RecordId) -> StoreResult<u64> {
        let generations = self.generations.read().unwrap_or_else(|e| e.into_inner());
        Ok(generations.get(record).copied().unwrap_or(0))
    }

    async fn bump(&self, record: &RecordId) -> StoreResult<()> {
        let next = self.last.fetch_add(1, Ordering::AcqRel) + 1;
        let mut generations = self.generations.write().unwrap_or_else(|e| e.into_inner());
        generations.insert(record.clone(), next);
        Ok(())
    }
}

/// A clinical store that counts the writes to each record (see the module docs).
#[derive(Debug)]
pub(crate) struct TrackedStore {
    inner: Arc<dyn ClinicalStore>,
    versions: Arc<dyn RecordVersions>,
}

impl TrackedStore {
    pub(crate) fn new(inner: Arc<dyn ClinicalStore>, versions: Arc<dyn RecordVersions>) -> Self {
        Self { inner, versions }
    }

    /// Runs a write to `record` between two generation bumps. The first refuses the
    /// write, before anything is written, when the generations cannot be written (other
    /// servers would keep serving the old answers); the second, after the write has
    /// finished, successful or not (a failed write may still have changed something on
    /// its way), is the one readers rely on.
    async fn write<T>(
        &self,
        record: &RecordId,
        write: impl Future<Output = StoreResult<T>>,
    ) -> StoreResult<T> {
        self.versions.bump(record).await?;
        let result = write.await;
        let bumped = self.versions.bump(record).await;
        if let Err(e) = &bumped {
            tracing::error!(%record, error = %e, "a record was written but its generation could not be raised: other servers may serve its old answers until it is written again");
        }
        let value = result?;
        bumped.map(|()| value)
    }
}

#[async_trait]
impl ClinicalStore for TrackedStore {
    async fn replace_record(&self, record: &SplitRecord) -> StoreResult<()> {
        self.write(&record.record, self.inner.replace_record(record))
            .await
    }

    async fn add_statements(
        &self,
        record: &RecordId,
        statements: &[StatementGraph],
    ) -> StoreResult<()> {
        self.write(record, self.inner.add_statements(record, statements))
            .await
    }

    async fn delete_statement(
        &self,
        record: &RecordId,
        statement: &NamedNode,
    ) -> StoreResult<bool> {
        self.write(record, self.inner.delete_statement(record, statement))
            .await
    }

    async fn delete_record(&self, record: &RecordId) -> StoreResult<bool> {
        self.write(record, self.inner.delete_record(record)).await
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
    versions: Arc<dyn RecordVersions>,
    max_bytes: usize,
    entries: Mutex<Entries>,
    /// Lookups answered from the cache, and the others (for the metrics).
    hits: AtomicU64,
    misses: AtomicU64,
}

impl AnswerCache {
    /// A cache of `max_bytes` whose answers are valid while `versions` (the same the
    /// [`TrackedStore`] in front of the clinical store raises) stays put.
    pub(crate) fn new(versions: Arc<dyn RecordVersions>, max_bytes: usize) -> Self {
        Self {
            versions,
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

    /// The current generation of `record`, to note before computing an answer; `None`
    /// (no caching for this request) when it cannot be read.
    pub(crate) async fn generation(&self, record: &RecordId) -> Option<u64> {
        match self.versions.current(record).await {
            Ok(generation) => Some(generation),
            Err(e) => {
                tracing::warn!(%record, error = %e, "record generation unreadable: answer not cached");
                None
            }
        }
    }

    /// The answer for `key`, if it was computed at `generation` of its record, noted as
    /// current just before (an answer filed at the current generation was computed
    /// after every write that counts).
    pub(crate) fn get(&self, key: &CacheKey, generation: u64) -> Option<Arc<Answer>> {
        let found = self.entries.lock().ok().and_then(|entries| {
            entries
                .map
                .get(key)
                .filter(|entry| entry.generation == generation)
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
    /// computation). If a write happened meanwhile, the entry is simply never served.
    pub(crate) fn put(&self, key: CacheKey, generation: u64, answer: Arc<Answer>) {
        let bytes = entry_bytes(&key, &answer);
        if bytes > self.max_bytes / 4 {
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

    /// How many answers are cached.
    pub(crate) fn len(&self) -> usize {
        self.entries.lock().map_or(0, |e| e.map.len())
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
        let versions: Arc<dyn RecordVersions> = Arc::new(LocalVersions::default());
        let store = Arc::new(TrackedStore::new(
            Arc::new(MemoryClinicalStore::in_memory().unwrap()),
            versions.clone(),
        ));
        (store, AnswerCache::new(versions, max_bytes))
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
        let now = |record: &RecordId| {
            let record = record.clone();
            let cache = &cache;
            async move { cache.generation(&record).await.unwrap() }
        };
        for record in [&a, &b] {
            let generation = now(record).await;
            cache.put(key(record), generation, answer(record.as_str()));
        }
        // A write to b (here an empty one: any write counts) ...
        store.add_statements(&b, &[]).await.unwrap();
        // ... leaves a's answer cached and drops b's.
        assert_eq!(cache.get(&key(&a), now(&a).await).unwrap().body, b"1000001");
        assert!(cache.get(&key(&b), now(&b).await).is_none());
        // An answer computed before a write to its record is never served.
        let before = now(&a).await;
        store.delete_record(&a).await.unwrap();
        cache.put(key(&a), before, answer("stale"));
        assert!(cache.get(&key(&a), now(&a).await).is_none());
        // After the write, fresh answers are cached again.
        cache.put(key(&a), now(&a).await, answer("fresh"));
        assert_eq!(cache.get(&key(&a), now(&a).await).unwrap().body, b"fresh");
        assert_eq!(cache.len(), 2);
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
