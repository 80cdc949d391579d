//! The clinical store conformance suite on the embedded store (SQLite + in-memory
//! engine), closed and reopened between writing and reading.

smart_store::clinical_store_conformance!(smart_store::conformance::EmbeddedBackend::new());

use std::time::Instant;

use smart_store::ErrorKind;
use smart_store::clinical::{ClinicalStore, EmbeddedClinicalStore, embedded::DATABASE_FILE};
use smart_store::conformance::fixtures::{Fixture, labels, problem, record_id};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Runtime::new().expect("runtime")
}

/// A change to the stored graphs behind the store's back is noticed at open: the
/// registry's counts and hash no longer match, and the error names the record.
#[test]
fn tampered_data_is_refused_at_open() {
    let dir = tempfile::tempdir().expect("temporary directory");
    runtime().block_on(async {
        let record = record_id();
        let store = EmbeddedClinicalStore::open(dir.path()).await.expect("open");
        Fixture::new(&record, &problem("p", Some("2011"), "1"))
            .store(&store)
            .await;
        store.close().await;

        let url = format!("sqlite://{}", dir.path().join(DATABASE_FILE).display());
        let pool = sqlx::SqlitePool::connect(&url)
            .await
            .expect("raw connection");
        sqlx::query("UPDATE clinical_statements SET ntriples = replace(ntriples, '2011', '2012')")
            .execute(&pool)
            .await
            .expect("tamper");
        pool.close().await;

        let e = EmbeddedClinicalStore::open(dir.path())
            .await
            .expect_err("tampered store");
        assert_eq!(e.kind(), ErrorKind::Corrupt, "{e}");
        assert!(e.to_string().contains(record.as_str()), "{e}");
    });
}

/// Only one store may have a data directory open: a second open waits for the lock
/// briefly and fails with `Unavailable` instead of keeping a second, diverging copy.
#[test]
fn a_directory_is_opened_by_one_store_at_a_time() {
    let dir = tempfile::tempdir().expect("temporary directory");
    runtime().block_on(async {
        let record = record_id();
        let first = EmbeddedClinicalStore::open(dir.path()).await.expect("open");
        Fixture::new(&record, &problem("p", Some("2011"), "1"))
            .store(&first)
            .await;
        let start = Instant::now();
        let e = EmbeddedClinicalStore::open(dir.path())
            .await
            .expect_err("second open");
        assert_eq!(e.kind(), ErrorKind::Unavailable, "{e}");
        assert!(start.elapsed().as_secs() < 30);
        first.close().await;
        let again = EmbeddedClinicalStore::open(dir.path())
            .await
            .expect("reopen");
        assert_eq!(labels(&again, &record, "get_problems", &[]).await, ["p"]);
        assert_eq!(again.record_ids().await.expect("ids"), [record]);
        again.close().await;
    });
}
