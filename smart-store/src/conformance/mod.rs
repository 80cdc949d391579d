//! The clinical store conformance suite: test cases written once against
//! `dyn ClinicalStore`, instantiated per backend with
//! [`clinical_store_conformance!`](crate::clinical_store_conformance).
//!
//! A backend is described by a [`Backend`]: how to open a store and how to "restart" it
//! (close and open again over the same data; a no-op for the in-memory store). Every case
//! reopens the store between writing and reading, so a durable backend is tested through
//! its storage. Cases use fresh record ids (and search tests fresh name prefixes), so they
//! can run in parallel against one shared store, e.g. a remote SPARQL endpoint:
//!
//! ```ignore
//! // smart-store/tests/clinical_remote.rs
//! struct Remote;
//! #[async_trait::async_trait]
//! impl smart_store::conformance::Backend for Remote {
//!     async fn open(&self) -> Arc<dyn ClinicalStore> { /* connect */ }
//!     async fn reopen(&self, store: Arc<dyn ClinicalStore>) -> Arc<dyn ClinicalStore> { store }
//! }
//! smart_store::clinical_store_conformance!(Remote);
//! ```

pub mod cases;
pub mod fixtures;

use std::future::Future;
use std::sync::Arc;

use async_trait::async_trait;

use crate::clinical::{ClinicalStore, MemoryClinicalStore};

/// How the suite opens a backend's store.
#[async_trait]
pub trait Backend: Send + Sync + 'static {
    /// Opens a store. Each case calls this once; the store may hold other cases' data.
    async fn open(&self) -> Arc<dyn ClinicalStore>;

    /// Closes `store` and opens the same data again, as after a restart. A backend whose
    /// data lives outside the process may return `store` itself.
    async fn reopen(&self, store: Arc<dyn ClinicalStore>) -> Arc<dyn ClinicalStore>;
}

/// Runs one case on a fresh multi-threaded tokio runtime (two workers, so the
/// concurrency cases really run concurrently).
pub fn run<B, F, Fut>(backend: B, case: F)
where
    B: Backend,
    F: FnOnce(Arc<dyn Backend>) -> Fut,
    Fut: Future<Output = ()>,
{
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime for the conformance case");
    runtime.block_on(case(Arc::new(backend)));
}

/// The in-memory store; `reopen` keeps it (nothing survives a real restart).
#[derive(Debug, Default)]
pub struct MemoryBackend;

#[async_trait]
impl Backend for MemoryBackend {
    async fn open(&self) -> Arc<dyn ClinicalStore> {
        Arc::new(MemoryClinicalStore::in_memory().expect("an in-memory store"))
    }

    async fn reopen(&self, store: Arc<dyn ClinicalStore>) -> Arc<dyn ClinicalStore> {
        store
    }
}

#[cfg(feature = "embedded")]
pub use embedded::EmbeddedBackend;

#[cfg(feature = "embedded")]
mod embedded {
    use std::sync::Arc;

    use async_trait::async_trait;
    use tokio::sync::Mutex;

    use super::Backend;
    use crate::clinical::{ClinicalStore, EmbeddedClinicalStore};

    /// The embedded store in a temporary directory; `reopen` closes the database and
    /// opens the directory again, so reads go through what SQLite kept.
    #[derive(Debug)]
    pub struct EmbeddedBackend {
        dir: tempfile::TempDir,
        current: Mutex<Option<Arc<EmbeddedClinicalStore>>>,
    }

    impl EmbeddedBackend {
        /// A backend over a new temporary directory (removed when dropped).
        pub fn new() -> Self {
            Self {
                dir: tempfile::tempdir().expect("a temporary directory"),
                current: Mutex::new(None),
            }
        }
    }

    impl Default for EmbeddedBackend {
        fn default() -> Self {
            Self::new()
        }
    }

    #[async_trait]
    impl Backend for EmbeddedBackend {
        async fn open(&self) -> Arc<dyn ClinicalStore> {
            let store = Arc::new(
                EmbeddedClinicalStore::open(self.dir.path())
                    .await
                    .expect("the embedded store opens"),
            );
            *self.current.lock().await = Some(Arc::clone(&store));
            store
        }

        async fn reopen(&self, store: Arc<dyn ClinicalStore>) -> Arc<dyn ClinicalStore> {
            drop(store);
            if let Some(old) = self.current.lock().await.take() {
                old.close().await;
            }
            self.open().await
        }
    }
}

/// Instantiates every conformance case as a `#[test]` for a backend: the argument is an
/// expression building a fresh [`Backend`], evaluated once per test.
#[macro_export]
macro_rules! clinical_store_conformance {
    ($backend:expr) => {
        $crate::clinical_store_conformance!(@cases $backend;
            date_filters_at_year_boundaries,
            date_filters_at_month_boundaries,
            date_filters_at_day_boundaries,
            date_filters_at_minute_boundaries,
            date_filters_compare_instants_across_time_zones,
            date_alternatives_or_and_parameters_and,
            unparseable_dates_fail_filters_and_sort_last,
            code_alternatives_or_and_parameters_and,
            hostile_code_values_match_nothing_and_break_nothing,
            pages_count_order_and_end,
            items_without_sort_value_come_last,
            allergies_bring_their_exclusions,
            expansion_follows_links_one_hop,
            expansion_never_crosses_records,
            statements_round_trip_with_unicode,
            replace_is_atomic_for_readers,
            replace_drops_old_statements,
            add_statements_and_conflicts,
            refuses_statements_outside_the_record,
            delete_statement_and_record,
            missing_records_and_statements,
            search_by_name_prefix_ignoring_case,
            search_by_exact_fields,
            search_pages_and_hostile_values,
        );
    };
    (@cases $backend:expr; $($case:ident),* $(,)?) => {
        $(
            #[test]
            fn $case() {
                $crate::conformance::run($backend, $crate::conformance::cases::$case);
            }
        )*
    };
}
