//! One fresh directory per test, on the backend the test module was instantiated for.

use smart_store::directory::{DirectoryStore, MemoryDirectory};
use std::sync::Arc;

#[cfg(feature = "postgres")]
use super::postgres_db::PgTestDb;
#[cfg(feature = "postgres")]
use smart_store::directory::PgDirectory;
#[cfg(feature = "sqlite")]
use smart_store::directory::SqliteDirectory;

/// The backends the suite runs on.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Backend {
    Memory,
    #[cfg(feature = "sqlite")]
    SqliteFile,
    #[cfg(feature = "sqlite")]
    SqliteMemory,
    #[cfg(feature = "postgres")]
    Postgres,
}

/// A store under test, and what it takes to reopen and clean it up.
pub(crate) struct Harness {
    store: Arc<dyn DirectoryStore>,
    inner: Inner,
}

enum Inner {
    Memory,
    #[cfg(feature = "sqlite")]
    SqliteFile {
        _dir: tempfile::TempDir,
        path: std::path::PathBuf,
        db: SqliteDirectory,
    },
    #[cfg(feature = "sqlite")]
    SqliteMemory(SqliteDirectory),
    #[cfg(feature = "postgres")]
    Postgres {
        test_db: PgTestDb,
        db: PgDirectory,
    },
}

impl Harness {
    /// A fresh, empty store; `None` if the backend is not configured here (PostgreSQL
    /// without `SMART_TEST_POSTGRES_URL`, outside CI).
    pub(crate) async fn open(backend: Backend) -> Option<Self> {
        Some(match backend {
            Backend::Memory => Self {
                store: Arc::new(MemoryDirectory::new()),
                inner: Inner::Memory,
            },
            #[cfg(feature = "sqlite")]
            Backend::SqliteFile => {
                let dir = tempfile::tempdir().expect("temporary directory");
                let path = dir.path().join("directory.sqlite");
                let db = SqliteDirectory::open(&path)
                    .await
                    .expect("open SQLite file");
                Self {
                    store: Arc::new(db.clone()),
                    inner: Inner::SqliteFile {
                        _dir: dir,
                        path,
                        db,
                    },
                }
            }
            #[cfg(feature = "sqlite")]
            Backend::SqliteMemory => {
                let db = SqliteDirectory::in_memory()
                    .await
                    .expect("open SQLite in memory");
                Self {
                    store: Arc::new(db.clone()),
                    inner: Inner::SqliteMemory(db),
                }
            }
            #[cfg(feature = "postgres")]
            Backend::Postgres => {
                let test_db = PgTestDb::create().await?;
                let db = connect(&test_db).await;
                Self {
                    store: Arc::new(db.clone()),
                    inner: Inner::Postgres { test_db, db },
                }
            }
        })
    }

    /// The store.
    pub(crate) fn store(&self) -> &dyn DirectoryStore {
        self.store.as_ref()
    }

    /// The store, for tasks of their own.
    pub(crate) fn shared(&self) -> Arc<dyn DirectoryStore> {
        Arc::clone(&self.store)
    }

    /// Closes the store and opens it again on the same data (a no-op for the in-memory
    /// backends), so that tests read back what a fresh process would see.
    pub(crate) async fn reopen(&mut self) {
        match &mut self.inner {
            Inner::Memory => {}
            #[cfg(feature = "sqlite")]
            Inner::SqliteMemory(_) => {}
            #[cfg(feature = "sqlite")]
            Inner::SqliteFile { path, db, .. } => {
                db.close().await;
                *db = SqliteDirectory::open(&path)
                    .await
                    .expect("reopen SQLite file");
                self.store = Arc::new(db.clone());
            }
            #[cfg(feature = "postgres")]
            Inner::Postgres { test_db, db } => {
                db.close().await;
                *db = connect(test_db).await;
                self.store = Arc::new(db.clone());
            }
        }
    }

    /// Closes the store and removes its data.
    pub(crate) async fn finish(self) {
        match self.inner {
            Inner::Memory => {}
            #[cfg(feature = "sqlite")]
            Inner::SqliteFile { db, .. } | Inner::SqliteMemory(db) => db.close().await,
            #[cfg(feature = "postgres")]
            Inner::Postgres { test_db, db } => {
                db.close().await;
                test_db.drop_database().await;
            }
        }
    }
}

#[cfg(feature = "postgres")]
async fn connect(test_db: &PgTestDb) -> PgDirectory {
    PgDirectory::connect_with(test_db.url(), Default::default(), 4)
        .await
        .expect("connect to the test database")
}

/// Runs one test on a fresh store of `backend`, cleaning up also when the test panics.
pub(crate) async fn run<F>(backend: Backend, test: F)
where
    F: for<'h> FnOnce(&'h mut Harness) -> futures::future::BoxFuture<'h, ()>,
{
    use futures::FutureExt;
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
