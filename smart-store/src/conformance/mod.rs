//! The conformance suites (feature `conformance`): the clinical store's, test cases
//! written once against `dyn ClinicalStore`, and the directory's ([`check_directory`],
//! see [`directory`]), for any backend, ours or a vendor's.
//!
//! Two ways to run it:
//! - [`check_clinical_store`]: the whole suite in one call from one `#[test]` (or
//!   [`run_suite`] from an async test, for a [`SuiteReport`] of what passed);
//! - [`clinical_store_conformance!`](crate::clinical_store_conformance): one `#[test]`
//!   per case, so a failure shows by name in the test list (what our backends use).
//!
//! A backend is described by a [`Backend`]: how to open a store and how to "restart" it
//! (close and open again over the same data; a no-op for the in-memory store). Every case
//! reopens the store between writing and reading, so a durable backend is tested through
//! its storage. Cases use fresh record ids (and search tests fresh name prefixes), so they
//! can run in parallel against one shared store, e.g. a remote SPARQL endpoint:
//!
//! ```ignore
//! // smart-store/tests/remote_conformance.rs
//! struct Remote;
//! #[async_trait::async_trait]
//! impl smart_store::conformance::Backend for Remote {
//!     async fn open(&self) -> Arc<dyn ClinicalStore> { /* connect */ }
//!     async fn reopen(&self, store: Arc<dyn ClinicalStore>) -> Arc<dyn ClinicalStore> { store }
//! }
//! smart_store::clinical_store_conformance!(Remote);
//! // or, in one test: smart_store::conformance::check_clinical_store(Remote);
//! ```
//!
//! `examples/vendor-store` shows a vendor's own store passing the suite.

pub mod cases;
pub mod directory;
pub mod fixtures;

pub use directory::{
    DIRECTORY_CASES, DirectoryInstance, check_directory, check_directory_instances,
    run_directory_case,
};

use std::fmt;
use std::future::Future;
use std::pin::Pin;
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
/// expression building a fresh [`Backend`], evaluated once per test. (The `@` forms are
/// internal: the list of cases is written once, here, and also builds [`CASES`].)
#[macro_export]
macro_rules! clinical_store_conformance {
    (@list [$($then:tt)*]) => {
        $crate::clinical_store_conformance!($($then)*;
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
    (@tests $backend:expr; $($case:ident),* $(,)?) => {
        $(
            #[test]
            fn $case() {
                $crate::conformance::run($backend, $crate::conformance::cases::$case);
            }
        )*
    };
    (@table; $($case:ident),* $(,)?) => {
        /// Every case of the suite, in order.
        pub const CASES: &[Case] = &[
            $(
                Case {
                    name: stringify!($case),
                    run: |backend| Box::pin($crate::conformance::cases::$case(backend)),
                },
            )*
        ];
    };
    ($backend:expr) => {
        $crate::clinical_store_conformance!(@list [@tests $backend]);
    };
}

crate::clinical_store_conformance!(@list [@table]);

/// What a case returns: the test, as a future that panics on a failure.
pub type CaseFuture = Pin<Box<dyn Future<Output = ()> + Send>>;

/// One case of the suite: its name and how to run it against a backend.
#[derive(Clone, Copy)]
pub struct Case {
    /// The case's name (that of its function in [`cases`]).
    pub name: &'static str,
    /// Runs the case; the future panics, naming what differed, if the backend fails it.
    pub run: fn(Arc<dyn Backend>) -> CaseFuture,
}

impl fmt::Debug for Case {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Case").field("name", &self.name).finish()
    }
}

/// The outcome of [`run_suite`]: which cases passed and which failed, with the failure.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SuiteReport {
    /// The cases that passed.
    pub passed: Vec<&'static str>,
    /// The cases that failed, each with its panic message.
    pub failed: Vec<(&'static str, String)>,
}

impl SuiteReport {
    /// Panics, listing every failed case and why, unless all passed.
    pub fn assert_all_passed(&self) {
        if self.failed.is_empty() {
            return;
        }
        let mut message = format!(
            "{} of {} clinical store conformance cases failed:",
            self.failed.len(),
            self.failed.len() + self.passed.len()
        );
        for (name, why) in &self.failed {
            message.push_str(&format!("\n- {name}: {why}"));
        }
        panic!("{message}");
    }
}

/// Runs every case of the suite against `backend`, one after the other, and reports
/// which passed. A failing case does not stop the others. Call it from an async test
/// (any tokio runtime); [`check_clinical_store`] is the one-call form for a plain
/// `#[test]`.
pub async fn run_suite(backend: Arc<dyn Backend>) -> SuiteReport {
    use futures::FutureExt as _;
    let mut report = SuiteReport::default();
    for case in CASES {
        let outcome = std::panic::AssertUnwindSafe((case.run)(Arc::clone(&backend)))
            .catch_unwind()
            .await;
        match outcome {
            Ok(()) => report.passed.push(case.name),
            Err(payload) => report
                .failed
                .push((case.name, panic_message(payload.as_ref()))),
        }
    }
    report
}

/// The whole clinical suite against a vendor's backend, in one call: runs every case on
/// a fresh multi-threaded runtime (so the concurrency cases really run concurrently) and
/// panics, naming each failed case, unless all pass. Call it from a plain `#[test]`, not
/// from inside a runtime:
///
/// ```no_run
/// // In a vendor's tests, with its own `Backend` in place of the in-memory one:
/// smart_store::conformance::check_clinical_store(smart_store::conformance::MemoryBackend);
/// ```
pub fn check_clinical_store<B: Backend>(backend: B) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime for the conformance suite");
    runtime
        .block_on(run_suite(Arc::new(backend)))
        .assert_all_passed();
}

/// The text of a panic payload (`panic!` with a string or a format).
fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic without a message".to_owned()
    }
}
