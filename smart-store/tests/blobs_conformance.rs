//! The document blob conformance suite on every backend: in memory, files (reopened where
//! a test asks), SQLite (a file) and PostgreSQL (a fresh database per test).

#[cfg(feature = "postgres")]
#[path = "support/postgres_db.rs"]
mod postgres_db;

use futures::FutureExt;
use futures::future::BoxFuture;
use smart_core::ids::RecordId;
use smart_store::ErrorKind;
use smart_store::blobs::{BlobMeta, BlobStore, FsBlobs, MemoryBlobs, sha256_hex};
use std::sync::Arc;

#[derive(Debug, Clone, Copy)]
enum Backend {
    Memory,
    Fs,
    #[cfg(feature = "sqlite")]
    Sqlite,
    #[cfg(feature = "postgres")]
    Postgres,
}

struct Harness {
    store: Arc<dyn BlobStore>,
    inner: Inner,
}

enum Inner {
    Memory,
    Fs(tempfile::TempDir),
    #[cfg(feature = "sqlite")]
    Sqlite(tempfile::TempDir, smart_store::directory::SqliteDirectory),
    #[cfg(feature = "postgres")]
    Postgres(postgres_db::PgTestDb, smart_store::directory::PgDirectory),
}

#[cfg(feature = "sqlite")]
async fn open_sqlite(dir: &tempfile::TempDir) -> smart_store::directory::SqliteDirectory {
    smart_store::directory::SqliteDirectory::open(dir.path().join("blobs.sqlite"))
        .await
        .expect("open SQLite")
}

#[cfg(feature = "postgres")]
async fn connect(db: &postgres_db::PgTestDb) -> smart_store::directory::PgDirectory {
    // One key for every connection (a reopened database must find its own key).
    let key =
        smart_store::at_rest::KeySource::Key(smart_store::at_rest::AtRestKey::from_bytes([7; 32]));
    smart_store::directory::PgDirectory::connect_with(db.url(), Default::default(), 4, key)
        .await
        .expect("connect to the test database")
}

impl Harness {
    async fn open(backend: Backend) -> Option<Self> {
        Some(match backend {
            Backend::Memory => Self {
                store: Arc::new(MemoryBlobs::new()),
                inner: Inner::Memory,
            },
            Backend::Fs => {
                let dir = tempfile::tempdir().expect("temporary directory");
                let store = FsBlobs::open(dir.path().join("docs")).await.expect("open");
                Self {
                    store: Arc::new(store),
                    inner: Inner::Fs(dir),
                }
            }
            #[cfg(feature = "sqlite")]
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temporary directory");
                let db = open_sqlite(&dir).await;
                Self {
                    store: Arc::new(smart_store::blobs::SqliteBlobs::new(&db)),
                    inner: Inner::Sqlite(dir, db),
                }
            }
            #[cfg(feature = "postgres")]
            Backend::Postgres => {
                let test_db = postgres_db::PgTestDb::create().await?;
                let db = connect(&test_db).await;
                Self {
                    store: Arc::new(smart_store::blobs::PgBlobs::new(&db)),
                    inner: Inner::Postgres(test_db, db),
                }
            }
        })
    }

    fn store(&self) -> &dyn BlobStore {
        self.store.as_ref()
    }

    /// Closes the store and opens it again on the same data (no-op in memory).
    async fn reopen(&mut self) {
        match &mut self.inner {
            Inner::Memory => {}
            Inner::Fs(dir) => {
                self.store = Arc::new(
                    FsBlobs::open(dir.path().join("docs"))
                        .await
                        .expect("reopen"),
                );
            }
            #[cfg(feature = "sqlite")]
            Inner::Sqlite(dir, db) => {
                db.close().await;
                *db = open_sqlite(dir).await;
                self.store = Arc::new(smart_store::blobs::SqliteBlobs::new(db));
            }
            #[cfg(feature = "postgres")]
            Inner::Postgres(test_db, db) => {
                db.close().await;
                *db = connect(test_db).await;
                self.store = Arc::new(smart_store::blobs::PgBlobs::new(db));
            }
        }
    }

    async fn finish(self) {
        match self.inner {
            Inner::Memory | Inner::Fs(_) => {}
            #[cfg(feature = "sqlite")]
            Inner::Sqlite(_, db) => db.close().await,
            #[cfg(feature = "postgres")]
            Inner::Postgres(test_db, db) => {
                db.close().await;
                test_db.drop_database().await;
            }
        }
    }
}

async fn run<F>(backend: Backend, test: F)
where
    F: for<'h> FnOnce(&'h mut Harness) -> BoxFuture<'h, ()>,
{
    let Some(mut harness) = Harness::open(backend).await else {
        return;
    };
    let outcome = std::panic::AssertUnwindSafe(test(&mut harness))
        .catch_unwind()
        .await;
    harness.finish().await;
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

fn record(id: &str) -> RecordId {
    RecordId::new(id).expect("valid record id")
}

/// Every byte value, including invalid UTF-8.
fn binary() -> Vec<u8> {
    (0..=255u8).cycle().take(70_001).collect()
}

async fn digest_size_and_type_are_right(h: &mut Harness) {
    let r = record("100");
    let s = h.store();
    let abc = s.put(&r, "abc.txt", "text/plain", b"abc").await.unwrap();
    assert_eq!(abc.file_name, "abc.txt");
    assert_eq!(abc.content_type, "text/plain");
    assert_eq!(abc.size, 3);
    assert_eq!(
        abc.sha256,
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    let empty = s
        .put(&r, "empty.bin", "application/octet-stream", b"")
        .await
        .unwrap();
    assert_eq!(empty.size, 0);
    assert_eq!(
        empty.sha256,
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    let bin = binary();
    let image = s
        .put(&r, "Röntgen 胸部.png", "image/png", &bin)
        .await
        .unwrap();
    assert_eq!(
        (image.size, image.sha256.as_str()),
        (70_001, sha256_hex(&bin).as_str())
    );

    h.reopen().await;
    let s = h.store();
    let (meta, bytes) = s
        .get(&r, "Röntgen 胸部.png")
        .await
        .unwrap()
        .expect("stored");
    assert_eq!((meta, bytes), (image.clone(), bin));
    assert_eq!(s.meta(&r, "abc.txt").await.unwrap(), Some(abc.clone()));
    assert_eq!(
        s.get(&r, "empty.bin").await.unwrap(),
        Some((empty.clone(), Vec::new()))
    );
    assert!(s.get(&r, "missing.txt").await.unwrap().is_none());
    assert!(s.meta(&r, "missing.txt").await.unwrap().is_none());
    assert!(s.get(&record("101"), "abc.txt").await.unwrap().is_none());
    // Byte order of the names.
    assert_eq!(s.list(&r).await.unwrap(), [image, abc, empty]);
    assert!(s.list(&record("999")).await.unwrap().is_empty());
}

async fn overwrite_replaces_bytes_and_type(h: &mut Harness) {
    let r = record("7");
    let s = h.store();
    s.put(&r, "note", "text/plain", b"first version")
        .await
        .unwrap();
    let second = s
        .put(&r, "note", "text/html", b"<p>second</p>")
        .await
        .unwrap();
    assert_eq!(second, BlobMeta::of("note", "text/html", b"<p>second</p>"));
    h.reopen().await;
    let s = h.store();
    let (meta, bytes) = s.get(&r, "note").await.unwrap().unwrap();
    assert_eq!(
        (meta, bytes.as_slice()),
        (second, b"<p>second</p>".as_slice())
    );
    assert_eq!(s.list(&r).await.unwrap().len(), 1);
}

async fn delete_and_delete_record(h: &mut Harness) {
    let s = h.store();
    let (r1, r2) = (record("1"), record("2"));
    for name in ["a", "b", "c"] {
        s.put(&r1, name, "text/plain", name.as_bytes())
            .await
            .unwrap();
    }
    s.put(&r2, "a", "text/plain", b"other record")
        .await
        .unwrap();
    assert!(s.delete(&r1, "b").await.unwrap());
    assert!(!s.delete(&r1, "b").await.unwrap());
    assert!(s.get(&r1, "b").await.unwrap().is_none());
    let names: Vec<String> = s
        .list(&r1)
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.file_name)
        .collect();
    assert_eq!(names, ["a", "c"]);
    assert_eq!(s.delete_record(&r1).await.unwrap(), 2);
    assert_eq!(s.delete_record(&r1).await.unwrap(), 0);
    assert!(s.list(&r1).await.unwrap().is_empty());
    assert_eq!(s.get(&r2, "a").await.unwrap().unwrap().1, b"other record");
    // A record can be written again after deletion.
    s.put(&r1, "a", "text/plain", b"again").await.unwrap();
    assert_eq!(s.list(&r1).await.unwrap().len(), 1);
}

async fn path_traversal_and_bad_input_are_refused(h: &mut Harness) {
    let s = h.store();
    let r = record("5");
    let bad_names = [
        "",
        ".",
        "..",
        "../escape",
        "../../etc/passwd",
        "a/b",
        "/abs",
        "a\\b",
        "..\\x",
        "nul\0byte",
        ".meta",
        ".tmp",
        ".hidden",
        "line\nbreak",
        "x..y",
    ];
    for name in bad_names {
        let put = s.put(&r, name, "text/plain", b"x").await;
        let err = put.expect_err(&format!("{name:?} must be refused"));
        assert_eq!(err.kind(), ErrorKind::Invalid, "{name:?}: {err}");
        assert!(err.to_string().contains("record 5"), "{err}");
        assert_eq!(
            s.get(&r, name).await.unwrap_err().kind(),
            ErrorKind::Invalid
        );
        assert_eq!(
            s.meta(&r, name).await.unwrap_err().kind(),
            ErrorKind::Invalid
        );
        assert_eq!(
            s.delete(&r, name).await.unwrap_err().kind(),
            ErrorKind::Invalid
        );
    }
    let long = "x".repeat(201);
    assert_eq!(
        s.put(&r, &long, "text/plain", b"x")
            .await
            .unwrap_err()
            .kind(),
        ErrorKind::Invalid
    );
    for bad_type in ["", "text", "text/plain; charset=utf-8"] {
        let err = s.put(&r, "ok.txt", bad_type, b"x").await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Invalid, "{bad_type:?}");
    }
    assert!(s.list(&r).await.unwrap().is_empty(), "nothing was written");
}

async fn concurrent_writes_all_land(h: &mut Harness) {
    let r = record("9");
    let tasks: Vec<_> = (0..12)
        .map(|n| {
            let (store, r) = (Arc::clone(&h.store), r.clone());
            tokio::spawn(async move {
                let body = vec![u8::try_from(n).unwrap(); 1000 + n];
                store
                    .put(
                        &r,
                        &format!("file-{n:02}"),
                        "application/octet-stream",
                        &body,
                    )
                    .await
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    let listed = h.store().list(&r).await.unwrap();
    assert_eq!(listed.len(), 12);
    for (n, meta) in listed.iter().enumerate() {
        assert_eq!(meta.file_name, format!("file-{n:02}"));
        assert_eq!(meta.size, 1000 + n as u64);
    }
}

macro_rules! blob_suite {
    ($backend:expr) => {
        blob_suite!(@tests $backend;
            digest_size_and_type_are_right,
            overwrite_replaces_bytes_and_type,
            delete_and_delete_record,
            path_traversal_and_bad_input_are_refused,
            concurrent_writes_all_land,
        );
    };
    (@tests $backend:expr; $($name:ident),* $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                super::run($backend, |h| super::$name(h).boxed()).await;
            }
        )*
    };
}

mod memory {
    use super::*;
    blob_suite!(Backend::Memory);
}

mod fs {
    use super::*;
    blob_suite!(Backend::Fs);
}

#[cfg(feature = "sqlite")]
mod sqlite {
    use super::*;
    blob_suite!(Backend::Sqlite);
}

#[cfg(feature = "postgres")]
mod postgres {
    use super::*;
    blob_suite!(Backend::Postgres);
}
