//! A full disk during `smart import`: the import runs in a child process whose file size
//! limit (`RLIMIT_FSIZE`, set with the shell's `ulimit -f`, `SIGXFSZ` ignored so writes
//! past it fail with `EFBIG` as on a full disk) stops the stores' writes at different
//! points. Each import must fail cleanly (exit status 1, the failing records named with
//! the reason, no panic), leave every record either whole or absent (as many statements
//! as a clean import, its documents all there and intact), keep the directory in
//! agreement with the clinical store, and let a later import without the limit complete
//! the data.
//!
//! Needs the reference patients (`SMART_SHARED_DIR` or `shared/` above the crate); under
//! `CI=true` their absence fails the test.

#![cfg(unix)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use smart_core::{RecordId, model};
use smart_http::{Container, ServerConfig};
use smart_store::clinical::StatementQuery;
use smart_store::directory::{Page, RecordRegistry, SqliteDirectory};

/// How many reference patients the test imports (the one with documents among them).
const PATIENTS: usize = 8;

/// `shared/` with the reference data, or `None` after saying so (a failure under CI=true).
fn shared_dir() -> Option<PathBuf> {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = std::env::var_os("SMART_SHARED_DIR")
        .map(PathBuf::from)
        .or_else(|| {
            here.ancestors()
                .map(|a| a.join("shared"))
                .find(|d| d.join("spec").is_dir())
        });
    match dir {
        Some(d) if d.join("data/reference-patients/99912345.xml").is_file() => Some(d),
        _ => {
            let msg =
                "the reference patients (shared/data) are not available; set SMART_SHARED_DIR";
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("{msg}");
            }
            eprintln!("!!!!! {msg}; SKIPPING this test !!!!!");
            None
        }
    }
}

/// `smart --data-dir DATA import --lenient --documents DOCS PATIENTS`, with the size of
/// every file it writes limited to `limit_kib` KiB when given.
fn import(data: &Path, patients: &Path, docs: &Path, limit_kib: Option<u64>) -> Output {
    let smart = env!("CARGO_BIN_EXE_smart");
    let limit = limit_kib.map_or("unlimited".to_owned(), |k| k.to_string());
    let mut cmd = Command::new("bash");
    cmd.arg("-c")
        // bash's `ulimit -f` counts 1024-byte blocks; an ignored SIGXFSZ stays ignored
        // across exec, so a write past the limit fails instead of killing the process.
        .arg("ulimit -f \"$1\" && trap '' XFSZ && exec \"$2\" --data-dir \"$3\" import --lenient --documents \"$4\" \"$5\"")
        .arg("bash")
        .args([limit.as_str(), smart])
        .arg(data)
        .arg(docs)
        .arg(patients);
    for (k, _) in std::env::vars() {
        if k.starts_with("SMART_") && k != "SMART_SHARED_DIR" {
            cmd.env_remove(k);
        }
    }
    cmd.output().expect("run smart import")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// What a data directory holds: per stored record, its statement count and its documents
/// (file name → bytes).
type Contents = BTreeMap<RecordId, (usize, BTreeMap<String, Vec<u8>>)>;

/// Opens the stores of `data` as a server does (the clinical store checks itself; the
/// directory is reconciled with it) after checking that the directory, as the import left
/// it, registers no record that has no data. Every document listed must read back intact.
async fn contents(data: &Path) -> Contents {
    let registered_before: Vec<RecordId> = {
        let dir = SqliteDirectory::open(data.join("directory.sqlite3"))
            .await
            .expect("the directory reopens");
        let ids = dir
            .list_records(Page::first(Page::MAX_LIMIT))
            .await
            .expect("list records")
            .items
            .into_iter()
            .map(|e| e.id)
            .collect();
        dir.close().await;
        ids
    };
    let container = Container::open(ServerConfig::for_data_dir(data))
        .await
        .expect("the stores reopen after a failed import");
    let clinical = container.clinical().record_ids().await.expect("record ids");
    for id in &registered_before {
        assert!(
            clinical.contains(id),
            "record {id} is registered but has no clinical data"
        );
    }
    let mut registered: Vec<RecordId> = container
        .directory()
        .list_records(Page::first(Page::MAX_LIMIT))
        .await
        .expect("list records")
        .items
        .into_iter()
        .map(|e| e.id)
        .collect();
    registered.sort();
    let mut sorted = clinical.clone();
    sorted.sort();
    assert_eq!(
        registered, sorted,
        "the directory agrees with the clinical store"
    );
    let mut out = Contents::new();
    for id in clinical {
        let mut q = StatementQuery::all(smart_core::sp!("Statement"));
        q.classes = model::statement_classes().map(|c| c.iri).collect();
        let statements = container
            .clinical()
            .query(&id, &q)
            .await
            .expect("query a stored record")
            .total;
        let mut docs = BTreeMap::new();
        for meta in container.blobs().list(&id).await.expect("list documents") {
            let (_, bytes) = container
                .blobs()
                .get(&id, &meta.file_name)
                .await
                .unwrap_or_else(|e| panic!("document {} of {id} reads: {e}", meta.file_name))
                .expect("a listed document is there");
            docs.insert(meta.file_name, bytes);
        }
        out.insert(id, (statements, docs));
    }
    container.close().await;
    out
}

/// Every stored record is whole: the same statements and documents as a clean import.
fn assert_whole_or_absent(got: &Contents, clean: &Contents, what: &str) {
    for (id, (statements, docs)) in got {
        let (want_statements, want_docs) = clean
            .get(id)
            .unwrap_or_else(|| panic!("{what}: record {id} was never imported"));
        assert_eq!(
            statements, want_statements,
            "{what}: record {id} is stored half ({statements} of {want_statements} statements)"
        );
        assert_eq!(
            docs.keys().collect::<Vec<_>>(),
            want_docs.keys().collect::<Vec<_>>(),
            "{what}: the documents of record {id}"
        );
        assert!(
            docs == want_docs,
            "{what}: the documents of {id} are intact"
        );
    }
}

/// A failed import: exit status 1 (not a signal), the failures named with their reason,
/// no panic.
fn assert_failed_cleanly(out: &Output, what: &str) {
    let text = text(out);
    assert_eq!(out.status.code(), Some(1), "{what}: {text}");
    assert!(!text.contains("panicked"), "{what}: {text}");
    assert!(
        text.contains("disk I/O error") || text.contains("File too large"),
        "{what}: the reason is named: {text}"
    );
}

#[test]
fn a_full_disk_during_import_fails_cleanly_and_leaves_records_whole_or_absent() {
    let Some(shared) = shared_dir() else { return };
    let work = tempfile::tempdir().unwrap();
    let patients = work.path().join("patients");
    std::fs::create_dir(&patients).unwrap();
    let mut files: Vec<PathBuf> = std::fs::read_dir(shared.join("data/reference-patients"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "xml"))
        .collect();
    files.sort();
    for f in files.iter().take(PATIENTS) {
        std::fs::copy(f, patients.join(f.file_name().unwrap())).unwrap();
    }
    let docs = shared.join("data/reference-documents");
    let runtime = tokio::runtime::Runtime::new().unwrap();

    // A clean import: what every record looks like whole.
    let clean_dir = work.path().join("clean");
    let out = import(&clean_dir, &patients, &docs, None);
    assert!(out.status.success(), "{}", text(&out));
    let clean = runtime.block_on(contents(&clean_dir));
    assert_eq!(clean.len(), PATIENTS);
    assert!(
        clean.values().any(|(_, d)| d.len() >= 5),
        "a record with its documents is among them"
    );

    // Limits that stop the first writes, the documents, and records part of the way.
    let mut failures = 0;
    for (n, first, second) in [(0, 48, 24), (1, 384, 256), (2, 1024, 512), (3, 2048, 1536)] {
        let data = work.path().join(format!("data{n}"));
        let out = import(&data, &patients, &docs, Some(first));
        if !out.status.success() {
            failures += 1;
            assert_failed_cleanly(&out, &format!("a first import under {first} KiB"));
        }
        let got = runtime.block_on(contents(&data));
        assert_whole_or_absent(
            &got,
            &clean,
            &format!("after a first import under {first} KiB"),
        );
        // Again, under a smaller limit: replacing records that are there must leave
        // their old (equal) version whole.
        let out = import(&data, &patients, &docs, Some(second));
        if !out.status.success() {
            failures += 1;
            assert_failed_cleanly(&out, &format!("a second import under {second} KiB"));
        }
        let got = runtime.block_on(contents(&data));
        assert_whole_or_absent(
            &got,
            &clean,
            &format!("after a second import under {second} KiB"),
        );
        // Space again: the import completes the data.
        let out = import(&data, &patients, &docs, None);
        assert!(out.status.success(), "{}", text(&out));
        let got = runtime.block_on(contents(&data));
        assert_eq!(got.len(), PATIENTS);
        assert_whole_or_absent(&got, &clean, "after an import with space");
    }
    assert!(
        failures >= 6,
        "the limits stopped most imports ({failures} of 8)"
    );
}
