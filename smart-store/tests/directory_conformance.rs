//! The directory conformance suite (`smart_store::conformance`, written once against
//! `dyn DirectoryStore`) on every backend: in memory, SQLite (a file, reopened where a case
//! asks, and in memory) and PostgreSQL (a fresh database per case, on the server named by
//! `SMART_TEST_POSTGRES_URL`). One test per case and backend, plus the one-call form a
//! vendor uses.

#[cfg(feature = "postgres")]
#[path = "support/postgres_db.rs"]
mod postgres_db;

use async_trait::async_trait;
use smart_store::conformance::{DirectoryInstance, check_directory, check_directory_instances};
use smart_store::directory::{DirectoryStore, MemoryDirectory};
use std::sync::Arc;

async fn memory() -> Option<Box<dyn DirectoryInstance>> {
    Some(Box::new(
        Arc::new(MemoryDirectory::new()) as Arc<dyn DirectoryStore>
    ))
}

mod memory {
    smart_store::directory_conformance!(super::memory);
}

#[test]
fn the_memory_directory_passes_the_suite_in_one_call() {
    check_directory(|| async { Arc::new(MemoryDirectory::new()) as Arc<dyn DirectoryStore> });
}

#[cfg(feature = "sqlite")]
mod sqlite {
    use super::*;
    use smart_store::directory::SqliteDirectory;

    /// A SQLite file in a temporary directory; `reopen` closes it and opens it again.
    pub(crate) struct SqliteFile {
        _dir: tempfile::TempDir,
        path: std::path::PathBuf,
        db: SqliteDirectory,
    }

    #[async_trait]
    impl DirectoryInstance for SqliteFile {
        fn store(&self) -> Arc<dyn DirectoryStore> {
            Arc::new(self.db.clone())
        }

        async fn reopen(&mut self) {
            self.db.close().await;
            self.db = SqliteDirectory::open(&self.path)
                .await
                .expect("reopen SQLite file");
        }

        async fn finish(self: Box<Self>) {
            self.db.close().await;
        }
    }

    pub(crate) async fn file() -> Option<Box<dyn DirectoryInstance>> {
        let dir = tempfile::tempdir().expect("temporary directory");
        let path = dir.path().join("directory.sqlite");
        let db = SqliteDirectory::open(&path)
            .await
            .expect("open SQLite file");
        Some(Box::new(SqliteFile {
            _dir: dir,
            path,
            db,
        }))
    }

    /// An in-memory SQLite database (nothing to reopen).
    pub(crate) struct SqliteMemory(SqliteDirectory);

    #[async_trait]
    impl DirectoryInstance for SqliteMemory {
        fn store(&self) -> Arc<dyn DirectoryStore> {
            Arc::new(self.0.clone())
        }

        async fn finish(self: Box<Self>) {
            self.0.close().await;
        }
    }

    pub(crate) async fn memory() -> Option<Box<dyn DirectoryInstance>> {
        let db = SqliteDirectory::in_memory()
            .await
            .expect("open SQLite in memory");
        Some(Box::new(SqliteMemory(db)))
    }

    #[test]
    fn sqlite_passes_the_suite_in_one_call() {
        check_directory_instances(file);
    }
}

#[cfg(feature = "sqlite")]
mod sqlite_file {
    smart_store::directory_conformance!(super::sqlite::file);
}

#[cfg(feature = "sqlite")]
mod sqlite_memory {
    smart_store::directory_conformance!(super::sqlite::memory);
}

#[cfg(feature = "postgres")]
mod pg {
    use super::postgres_db::PgTestDb;
    use super::*;
    use smart_store::at_rest::{AtRestKey, KeySource};
    use smart_store::directory::PgDirectory;

    /// A fresh database; `reopen` reconnects, `finish` drops the database.
    pub(crate) struct Postgres {
        test_db: Option<PgTestDb>,
        db: PgDirectory,
        key: AtRestKey,
    }

    async fn connect(test_db: &PgTestDb, key: &AtRestKey) -> PgDirectory {
        let key = KeySource::Key(key.clone());
        PgDirectory::connect_with(test_db.url(), Default::default(), 4, key)
            .await
            .expect("connect to the test database")
    }

    #[async_trait]
    impl DirectoryInstance for Postgres {
        fn store(&self) -> Arc<dyn DirectoryStore> {
            Arc::new(self.db.clone())
        }

        async fn reopen(&mut self) {
            self.db.close().await;
            if let Some(test_db) = &self.test_db {
                self.db = connect(test_db, &self.key).await;
            }
        }

        async fn finish(mut self: Box<Self>) {
            self.db.close().await;
            if let Some(test_db) = self.test_db.take() {
                test_db.drop_database().await;
            }
        }
    }

    pub(crate) async fn open() -> Option<Box<dyn DirectoryInstance>> {
        let test_db = PgTestDb::create().await?;
        let key = AtRestKey::generate().unwrap();
        let db = connect(&test_db, &key).await;
        Some(Box::new(Postgres {
            test_db: Some(test_db),
            db,
            key,
        }))
    }

    #[test]
    fn postgres_passes_the_suite_in_one_call() {
        check_directory_instances(open);
    }
}

#[cfg(feature = "postgres")]
mod postgres {
    smart_store::directory_conformance!(super::pg::open);
}
