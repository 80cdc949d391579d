//! What only the file-system blob store can run into: its layout on disk, files left by a
//! crash, and damage to the files behind its back.

use smart_core::ids::RecordId;
use smart_store::ErrorKind;
use smart_store::blobs::{BlobStore, FsBlobs};
use std::fs;

fn record(id: &str) -> RecordId {
    RecordId::new(id).expect("valid record id")
}

#[tokio::test]
async fn layout_is_record_then_file_name() {
    let dir = tempfile::tempdir().unwrap();
    let store = FsBlobs::open(dir.path()).await.unwrap();
    assert_eq!(store.root(), dir.path());
    store
        .put(&record("12"), "Befund ü.txt", "text/plain", b"hello")
        .await
        .unwrap();
    assert_eq!(
        fs::read(dir.path().join("12/Befund ü.txt")).unwrap(),
        b"hello"
    );
    let sidecar = fs::read_to_string(dir.path().join("12/.meta/Befund ü.txt")).unwrap();
    assert!(sidecar.contains("text/plain"), "{sidecar}");
    // Only the document and the store's own directories; no temporary file is left.
    let mut names: Vec<String> = fs::read_dir(dir.path().join("12"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, [".meta", ".tmp", "Befund ü.txt"]);
    assert_eq!(fs::read_dir(dir.path().join("12/.tmp")).unwrap().count(), 0);
}

#[tokio::test]
async fn crash_leftovers_are_invisible_and_cleaned() {
    let dir = tempfile::tempdir().unwrap();
    let r = record("3");
    {
        let store = FsBlobs::open(dir.path()).await.unwrap();
        store
            .put(&r, "kept.txt", "text/plain", b"kept")
            .await
            .unwrap();
    }
    // A crash during a first write: a temporary file, and a data file whose sidecar was
    // never renamed into place.
    fs::write(dir.path().join("3/.tmp/4242-0.data"), b"half").unwrap();
    fs::write(dir.path().join("3/orphan.txt"), b"no sidecar").unwrap();

    let store = FsBlobs::open(dir.path()).await.unwrap();
    assert!(
        !dir.path().join("3/.tmp/4242-0.data").exists(),
        "cleaned on open"
    );
    assert!(store.get(&r, "orphan.txt").await.unwrap().is_none());
    assert!(store.meta(&r, "orphan.txt").await.unwrap().is_none());
    let names: Vec<String> = store
        .list(&r)
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.file_name)
        .collect();
    assert_eq!(names, ["kept.txt"]);
    // Writing it properly makes it visible.
    store
        .put(&r, "orphan.txt", "text/plain", b"now whole")
        .await
        .unwrap();
    assert_eq!(
        store.get(&r, "orphan.txt").await.unwrap().unwrap().1,
        b"now whole"
    );
}

#[tokio::test]
async fn damaged_files_are_reported_corrupt() {
    let dir = tempfile::tempdir().unwrap();
    let store = FsBlobs::open(dir.path()).await.unwrap();
    let r = record("8");
    store
        .put(&r, "a.txt", "text/plain", b"original")
        .await
        .unwrap();
    store
        .put(&r, "b.txt", "text/plain", b"original")
        .await
        .unwrap();
    store
        .put(&r, "c.txt", "text/plain", b"original")
        .await
        .unwrap();

    // Same size, different bytes: only the digest can tell.
    fs::write(dir.path().join("8/a.txt"), b"ORIGINAL").unwrap();
    let err = store.get(&r, "a.txt").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Corrupt);
    assert!(
        err.to_string().contains("a.txt") && err.to_string().contains("record 8"),
        "{err}"
    );

    // Different size: even the metadata read notices.
    fs::write(dir.path().join("8/b.txt"), b"longer than before").unwrap();
    assert_eq!(
        store.meta(&r, "b.txt").await.unwrap_err().kind(),
        ErrorKind::Corrupt
    );

    // A garbled sidecar.
    fs::write(dir.path().join("8/.meta/c.txt"), b"garbage").unwrap();
    assert_eq!(
        store.get(&r, "c.txt").await.unwrap_err().kind(),
        ErrorKind::Corrupt
    );

    // Writing again repairs.
    store
        .put(&r, "a.txt", "text/plain", b"fresh")
        .await
        .unwrap();
    assert_eq!(store.get(&r, "a.txt").await.unwrap().unwrap().1, b"fresh");
}

#[tokio::test]
async fn unrelated_files_in_the_directory_are_ignored() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("README"), b"not a record").unwrap();
    let store = FsBlobs::open(dir.path()).await.unwrap();
    let r = record("4");
    store.put(&r, "x", "text/plain", b"x").await.unwrap();
    fs::write(dir.path().join("4/.meta/.DS_Store"), b"junk").unwrap();
    assert_eq!(store.list(&r).await.unwrap().len(), 1);
    assert_eq!(store.delete_record(&r).await.unwrap(), 1);
    assert!(!dir.path().join("4").exists());
    assert!(dir.path().join("README").exists());
}
