//! How long the clinical store takes, per operation: a latency histogram for each
//! [`ClinicalStore`] method, kept by a wrapper in front of the container's store. An
//! operator reads it in `/metrics` (smart-http renders it); a slow store shows there
//! before it shows as slow requests.
//!
//! Counters are atomics, one fixed set per operation, so timing costs no lock and no
//! allocation on the request path.

use crate::StoreResult;
use crate::clinical::{ClinicalStore, RecordSearch, SearchPage, StatementPage, StatementQuery};
use async_trait::async_trait;
use oxrdf::{Graph, NamedNode};
use smart_core::RecordId;
use smart_rdf::{SplitRecord, StatementGraph};
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// The upper bounds of the store-latency buckets, in seconds (from half a millisecond:
/// an embedded read takes well under one).
pub const STORE_LATENCY_BOUNDS: [f64; 12] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
];

/// One clinical-store operation, as timed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum StoreOp {
    /// [`ClinicalStore::query`]: a record call's statements.
    Query,
    /// [`ClinicalStore::statement`]: one statement.
    Statement,
    /// [`ClinicalStore::search_records`].
    SearchRecords,
    /// [`ClinicalStore::record_ids`].
    RecordIds,
    /// [`ClinicalStore::replace_record`]: an import.
    ReplaceRecord,
    /// [`ClinicalStore::add_statements`]: a note or another write.
    AddStatements,
    /// [`ClinicalStore::delete_statement`].
    DeleteStatement,
    /// [`ClinicalStore::delete_record`].
    DeleteRecord,
}

impl StoreOp {
    /// Every operation, in a fixed order.
    pub const ALL: [StoreOp; 8] = [
        Self::Query,
        Self::Statement,
        Self::SearchRecords,
        Self::RecordIds,
        Self::ReplaceRecord,
        Self::AddStatements,
        Self::DeleteStatement,
        Self::DeleteRecord,
    ];

    /// The operation's name (the method's), for labels.
    pub fn name(self) -> &'static str {
        match self {
            Self::Query => "query",
            Self::Statement => "statement",
            Self::SearchRecords => "search_records",
            Self::RecordIds => "record_ids",
            Self::ReplaceRecord => "replace_record",
            Self::AddStatements => "add_statements",
            Self::DeleteStatement => "delete_statement",
            Self::DeleteRecord => "delete_record",
        }
    }

    fn index(self) -> usize {
        Self::ALL.iter().position(|o| *o == self).unwrap_or(0)
    }
}

/// A latency histogram as read at one moment.
#[derive(Debug, Clone, PartialEq)]
pub struct LatencyHistogram {
    /// Observations per bucket of [`STORE_LATENCY_BOUNDS`], cumulative (as Prometheus
    /// counts them): `cumulative[i]` took at most `STORE_LATENCY_BOUNDS[i]` seconds.
    pub cumulative: [u64; STORE_LATENCY_BOUNDS.len()],
    /// Observations in all, the slowest included.
    pub count: u64,
    /// Their total time, in seconds.
    pub sum_seconds: f64,
}

#[derive(Debug, Default)]
struct Counters {
    /// Per bucket, not cumulative; the last is above every bound.
    buckets: [AtomicU64; STORE_LATENCY_BOUNDS.len() + 1],
    nanos: AtomicU64,
}

/// The clinical store's latency histograms, one per [`StoreOp`].
#[derive(Debug, Default)]
pub struct StoreTimings {
    ops: [Counters; StoreOp::ALL.len()],
}

impl StoreTimings {
    fn observe(&self, op: StoreOp, took: Duration) {
        let seconds = took.as_secs_f64();
        let bucket = STORE_LATENCY_BOUNDS
            .iter()
            .position(|le| seconds <= *le)
            .unwrap_or(STORE_LATENCY_BOUNDS.len());
        let c = &self.ops[op.index()];
        c.buckets[bucket].fetch_add(1, Ordering::Relaxed);
        c.nanos.fetch_add(
            u64::try_from(took.as_nanos()).unwrap_or(u64::MAX),
            Ordering::Relaxed,
        );
    }

    /// The histograms of the operations seen so far (operations never run are left out).
    pub fn snapshot(&self) -> Vec<(StoreOp, LatencyHistogram)> {
        StoreOp::ALL
            .iter()
            .filter_map(|op| {
                let c = &self.ops[op.index()];
                let mut cumulative = [0; STORE_LATENCY_BOUNDS.len()];
                let mut running = 0;
                for (i, slot) in cumulative.iter_mut().enumerate() {
                    running += c.buckets[i].load(Ordering::Relaxed);
                    *slot = running;
                }
                let count = running + c.buckets[STORE_LATENCY_BOUNDS.len()].load(Ordering::Relaxed);
                (count > 0).then(|| {
                    (
                        *op,
                        LatencyHistogram {
                            cumulative,
                            count,
                            sum_seconds: c.nanos.load(Ordering::Relaxed) as f64 / 1e9,
                        },
                    )
                })
            })
            .collect()
    }
}

/// A clinical store that times every operation of the store behind it.
#[derive(Debug)]
pub(crate) struct TimedStore {
    inner: Arc<dyn ClinicalStore>,
    timings: Arc<StoreTimings>,
}

impl TimedStore {
    pub(crate) fn new(inner: Arc<dyn ClinicalStore>, timings: Arc<StoreTimings>) -> Self {
        Self { inner, timings }
    }

    async fn timed<T>(&self, op: StoreOp, work: impl Future<Output = T>) -> T {
        let started = Instant::now();
        let result = work.await;
        self.timings.observe(op, started.elapsed());
        result
    }
}

#[async_trait]
impl ClinicalStore for TimedStore {
    async fn replace_record(&self, record: &SplitRecord) -> StoreResult<()> {
        self.timed(StoreOp::ReplaceRecord, self.inner.replace_record(record))
            .await
    }

    async fn add_statements(
        &self,
        record: &RecordId,
        statements: &[StatementGraph],
    ) -> StoreResult<()> {
        self.timed(
            StoreOp::AddStatements,
            self.inner.add_statements(record, statements),
        )
        .await
    }

    async fn delete_statement(
        &self,
        record: &RecordId,
        statement: &NamedNode,
    ) -> StoreResult<bool> {
        self.timed(
            StoreOp::DeleteStatement,
            self.inner.delete_statement(record, statement),
        )
        .await
    }

    async fn delete_record(&self, record: &RecordId) -> StoreResult<bool> {
        self.timed(StoreOp::DeleteRecord, self.inner.delete_record(record))
            .await
    }

    async fn record_ids(&self) -> StoreResult<Vec<RecordId>> {
        self.timed(StoreOp::RecordIds, self.inner.record_ids())
            .await
    }

    async fn query(&self, record: &RecordId, query: &StatementQuery) -> StoreResult<StatementPage> {
        self.timed(StoreOp::Query, self.inner.query(record, query))
            .await
    }

    async fn statement(
        &self,
        record: &RecordId,
        statement: &NamedNode,
    ) -> StoreResult<Option<Graph>> {
        self.timed(StoreOp::Statement, self.inner.statement(record, statement))
            .await
    }

    async fn search_records(&self, search: &RecordSearch) -> StoreResult<SearchPage> {
        self.timed(StoreOp::SearchRecords, self.inner.search_records(search))
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn observations_fall_into_cumulative_buckets_per_operation() {
        let t = StoreTimings::default();
        t.observe(StoreOp::Query, Duration::from_micros(300));
        t.observe(StoreOp::Query, Duration::from_millis(7));
        t.observe(StoreOp::Query, Duration::from_secs(9));
        t.observe(StoreOp::AddStatements, Duration::from_millis(2));
        let snap = t.snapshot();
        assert_eq!(snap.len(), 2, "operations never run are left out");
        let (op, q) = &snap[0];
        assert_eq!(*op, StoreOp::Query);
        assert_eq!(q.count, 3);
        assert_eq!(q.cumulative[0], 1, "0.3 ms ≤ 0.5 ms");
        assert_eq!(q.cumulative[3], 1, "7 ms is above 5 ms");
        assert_eq!(q.cumulative[4], 2, "7 ms ≤ 10 ms");
        assert_eq!(
            q.cumulative[STORE_LATENCY_BOUNDS.len() - 1],
            2,
            "9 s is above all"
        );
        assert!((q.sum_seconds - 9.0073).abs() < 1e-6, "{}", q.sum_seconds);
        assert_eq!(snap[1].0, StoreOp::AddStatements);
        assert_eq!(snap[1].1.cumulative[2], 1);
    }
}
