//! The clinical store: importing the 60 reference patients into the in-memory store and
//! into the embedded store (SQLite + in-memory engine), and a paged, filtered query on
//! the largest patient, and a record search.
//!
//! Run with `cargo bench -p smart-benches --bench store`. Needs the reference patients
//! (`SMART_SHARED_DIR`, or `shared/` in an ancestor directory); without them it says so
//! and measures nothing.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{Criterion, criterion_main};
use smart_core::{RecordId, catalog};
use smart_rdf::{RdfFormat, SplitRecord, parse, split_record};
use smart_store::clinical::remote::{RemoteSparqlConfig, RemoteSparqlEngine};
use smart_store::clinical::{
    ClinicalStore, EmbeddedClinicalStore, MemoryClinicalStore, RecordSearch, SparqlClinicalStore,
    StatementQuery,
};

fn splits(dir: &Path) -> Vec<SplitRecord> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("read the patients directory")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "xml"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|file| {
            let name = file.file_name().and_then(|n| n.to_str()).expect("name");
            let record = RecordId::from_file_name(name).expect("record id");
            let bytes = std::fs::read(file).expect("read patient");
            let graph = parse(&bytes, RdfFormat::RdfXml, None).expect("parse patient");
            split_record(&graph, &record).expect("split patient")
        })
        .collect()
}

async fn import(store: &dyn ClinicalStore, splits: &[SplitRecord]) {
    for split in splits {
        store.replace_record(split).await.expect("import");
    }
}

fn bench_store(c: &mut Criterion) {
    let Some(dir) = smart_benches::reference_patients_dir() else {
        eprintln!("!!!!! reference patients not found (set SMART_SHARED_DIR); no store benchmarks");
        return;
    };
    let splits = splits(&dir);
    let rt = tokio::runtime::Runtime::new().expect("runtime");

    let mut group = c.benchmark_group("store");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    group.bench_function("import_60_patients/memory", |b| {
        b.iter(|| {
            rt.block_on(async {
                let store = MemoryClinicalStore::in_memory().expect("store");
                import(&store, black_box(&splits)).await;
            })
        })
    });
    group.bench_function("import_60_patients/embedded", |b| {
        b.iter(|| {
            rt.block_on(async {
                let tmp = tempfile::tempdir().expect("temporary directory");
                let store = EmbeddedClinicalStore::open(tmp.path())
                    .await
                    .expect("store");
                import(&store, black_box(&splits)).await;
                store.close().await;
            })
        })
    });
    // The remote SPARQL store, when a server is running (scripts/services start).
    if let Ok(url) = std::env::var("SMART_TEST_SPARQL_URL") {
        let config = RemoteSparqlConfig::from_base_url(&url).expect("SPARQL URL");
        let engine = RemoteSparqlEngine::new(config).expect("remote engine");
        let store = SparqlClinicalStore::new(engine);
        group.bench_function("import_60_patients/remote_sparql", |b| {
            b.iter(|| rt.block_on(import(&store, black_box(&splits))))
        });
    } else {
        eprintln!("SMART_TEST_SPARQL_URL not set: no remote SPARQL import benchmark");
    }
    group.bench_function("open_60_patients/embedded", |b| {
        let tmp = tempfile::tempdir().expect("temporary directory");
        rt.block_on(async {
            let store = EmbeddedClinicalStore::open(tmp.path())
                .await
                .expect("store");
            import(&store, &splits).await;
            store.close().await;
        });
        b.iter(|| {
            rt.block_on(async {
                let store = EmbeddedClinicalStore::open(tmp.path())
                    .await
                    .expect("reopen");
                store.close().await;
            })
        })
    });
    group.finish();

    // A paged, filtered query on the patient with the most statements.
    let largest = splits
        .iter()
        .max_by_key(|s| s.statements.len())
        .expect("a patient");
    let store = MemoryClinicalStore::in_memory().expect("store");
    rt.block_on(import(&store, &splits));
    let call = catalog::call("get_lab_results").expect("call");
    let params: Vec<(String, String)> = [("date_from", "2005"), ("limit", "25"), ("offset", "25")]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    let query = StatementQuery::from_call(call, &params).expect("query");
    let name = format!(
        "query/lab_results_date_from_page2/{}_{}_statements",
        largest.record,
        largest.statements.len()
    );
    c.bench_function(&name, |b| {
        b.iter(|| {
            rt.block_on(store.query(&largest.record, black_box(&query)))
                .expect("query")
        })
    });
    let meds = StatementQuery::from_call(catalog::call("get_medications").expect("call"), &[])
        .expect("query");
    c.bench_function("query/medications_all_with_fulfillments/largest", |b| {
        b.iter(|| {
            rt.block_on(store.query(&largest.record, black_box(&meds)))
                .expect("query")
        })
    });
    let search = RecordSearch {
        family_name: Some("s".to_owned()),
        limit: Some(10),
        ..RecordSearch::default()
    };
    c.bench_function("search/family_prefix_page/60_patients", |b| {
        b.iter(|| {
            rt.block_on(store.search_records(black_box(&search)))
                .expect("search")
        })
    });
}

// Written out rather than with `criterion_group!`, whose generated `pub fn` has no docs.
fn benches() {
    let mut c = Criterion::default().configure_from_args();
    bench_store(&mut c);
}

criterion_main!(benches);
