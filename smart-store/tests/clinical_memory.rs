//! The clinical store conformance suite on the in-memory store: one test per case, the
//! one-call form, and a broken backend the suite must catch.

use std::sync::Arc;

use async_trait::async_trait;
use smart_store::clinical::{ClinicalStore, MemoryClinicalStore};
use smart_store::conformance::{self, Backend, MemoryBackend};

smart_store::clinical_store_conformance!(MemoryBackend);

/// The whole suite in one call, as a vendor runs it.
#[test]
fn the_suite_passes_in_one_call() {
    conformance::check_clinical_store(MemoryBackend);
}

/// A store that loses its data on restart: `reopen` hands out a new, empty store.
struct Forgetful;

#[async_trait]
impl Backend for Forgetful {
    async fn open(&self) -> Arc<dyn ClinicalStore> {
        Arc::new(MemoryClinicalStore::in_memory().expect("an in-memory store"))
    }

    async fn reopen(&self, _store: Arc<dyn ClinicalStore>) -> Arc<dyn ClinicalStore> {
        self.open().await
    }
}

/// The suite catches a backend that is not durable, names the failed cases, and runs
/// every case even after a failure.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_suite_reports_a_store_that_forgets() {
    let report = conformance::run_suite(Arc::new(Forgetful)).await;
    assert_eq!(
        report.passed.len() + report.failed.len(),
        conformance::CASES.len()
    );
    let failed: Vec<&str> = report.failed.iter().map(|(name, _)| *name).collect();
    for case in [
        "statements_round_trip_with_unicode",
        "date_filters_at_year_boundaries",
        "search_by_exact_fields",
    ] {
        assert!(failed.contains(&case), "{case} should fail: {report:?}");
    }
    assert!(
        report.failed.iter().all(|(_, why)| !why.is_empty()),
        "{report:?}"
    );
    let all = std::panic::catch_unwind(|| report.assert_all_passed());
    let message = *all
        .expect_err("a failed suite panics")
        .downcast::<String>()
        .expect("a formatted message");
    assert!(
        message.contains("- statements_round_trip_with_unicode: "),
        "{message}"
    );
}

/// Every case appears once in the table the one-call form runs.
#[test]
fn the_case_table_lists_each_case_once() {
    let mut names: Vec<&str> = conformance::CASES.iter().map(|c| c.name).collect();
    assert!(names.len() >= 24, "{names:?}");
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), conformance::CASES.len());
}
