//! [`SqliteDirectory`]: the directory in SQLite.

use crate::at_rest::{AtRestKey, KeySource};
use crate::directory::DirectoryConfig;
use crate::directory::sql::{db_error, migrate_error};
use crate::error::StoreResult;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use std::path::Path;
use std::time::Duration;

type Db = sqlx::Sqlite;
type Store = SqliteDirectory;

#[path = "impl_access.rs"]
#[cfg_attr(
    all(feature = "sqlite", feature = "postgres"),
    expect(
        clippy::duplicate_mod,
        reason = "the same statements, compiled once per backend with its own `Db`"
    )
)]
mod impl_access;
#[path = "impl_at_rest.rs"]
#[cfg_attr(
    all(feature = "sqlite", feature = "postgres"),
    expect(
        clippy::duplicate_mod,
        reason = "the same statements, compiled once per backend with its own `Db`"
    )
)]
mod impl_at_rest;
#[path = "impl_data.rs"]
#[cfg_attr(
    all(feature = "sqlite", feature = "postgres"),
    expect(
        clippy::duplicate_mod,
        reason = "the same statements, compiled once per backend with its own `Db`"
    )
)]
mod impl_data;
#[path = "impl_directory.rs"]
#[cfg_attr(
    all(feature = "sqlite", feature = "postgres"),
    expect(
        clippy::duplicate_mod,
        reason = "the same statements, compiled once per backend with its own `Db`"
    )
)]
mod impl_directory;
#[path = "impl_links.rs"]
#[cfg_attr(
    all(feature = "sqlite", feature = "postgres"),
    expect(
        clippy::duplicate_mod,
        reason = "the same statements, compiled once per backend with its own `Db`"
    )
)]
mod impl_links;

/// The embedded migrations of the SQLite schema (directory and document tables).
pub(crate) static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");

/// How long a connection waits for another's write lock before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// The directory in a SQLite database: a file in WAL mode with `synchronous=NORMAL`
/// (several readers, one writer; a crash never corrupts it, a power loss may undo the last
/// commits), or an in-memory database for tests. Foreign keys are on, writers wait up to
/// five seconds for each other, and the schema is migrated when the store opens.
///
/// Consumer and token secrets are sealed with an [`AtRestKey`] and what is only compared
/// is hashed (see [`crate::at_rest`]): a file database keeps its key in
/// [`KEY_FILE`](crate::at_rest::KEY_FILE) beside it unless given one.
#[derive(Debug, Clone)]
pub struct SqliteDirectory {
    pool: sqlx::SqlitePool,
    config: DirectoryConfig,
    at_rest: AtRestKey,
}

impl SqliteDirectory {
    /// Opens (creating it if needed) the database file at `path` with the default
    /// configuration, and migrates its schema. The secrets key is the file
    /// [`KEY_FILE`](crate::at_rest::KEY_FILE) in the same folder (created with the
    /// database; refused if missing beside a database that holds sealed secrets).
    pub async fn open(path: impl AsRef<Path>) -> StoreResult<Self> {
        Self::open_with(path, DirectoryConfig::default()).await
    }

    /// [`SqliteDirectory::open`] with this configuration.
    pub async fn open_with(path: impl AsRef<Path>, config: DirectoryConfig) -> StoreResult<Self> {
        let path = path.as_ref();
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        Self::open_with_key(path, config, KeySource::in_dir(dir)).await
    }

    /// [`SqliteDirectory::open_with`] with the secrets key from `key`.
    pub async fn open_with_key(
        path: impl AsRef<Path>,
        config: DirectoryConfig,
        key: KeySource,
    ) -> StoreResult<Self> {
        let path = path.as_ref();
        // 0600 before SQLite opens it (its -wal and -shm files then get the same mode).
        crate::private_fs::touch(path).map_err(|e| {
            let kind = crate::StoreError::from(std::io::Error::new(e.kind(), "")).kind();
            crate::StoreError::new(kind, format!("creating SQLite database {}", path.display()))
                .with_source(e)
        })?;
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            // Deleted and overwritten content is zeroed, so that a secret converted at
            // open (or a revoked token's row) does not linger in a free page of the file.
            .pragma("secure_delete", "ON")
            .busy_timeout(BUSY_TIMEOUT);
        let pool = crate::sqlite_pool::discarding_broken_transactions(SqlitePoolOptions::new())
            .max_connections(4)
            .connect_with(options)
            .await
            .map_err(|e| db_error(e, format!("opening SQLite database {}", path.display())))?;
        Self::migrated(pool, config, &path.display().to_string(), key).await
    }

    /// A fresh database in memory, with the default configuration. It lives as long as
    /// the store (and its clones); its secrets key is a fresh one of its own.
    pub async fn in_memory() -> StoreResult<Self> {
        Self::in_memory_with(DirectoryConfig::default()).await
    }

    /// [`SqliteDirectory::in_memory`] with this configuration.
    pub async fn in_memory_with(config: DirectoryConfig) -> StoreResult<Self> {
        let options = SqliteConnectOptions::new()
            .in_memory(true)
            .foreign_keys(true)
            .busy_timeout(BUSY_TIMEOUT);
        // One connection that never closes: each SQLite connection to `:memory:` has its
        // own database.
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_with(options)
            .await
            .map_err(|e| db_error(e, "opening an in-memory SQLite database"))?;
        Self::migrated(
            pool,
            config,
            "in-memory SQLite database",
            KeySource::Key(AtRestKey::generate()?),
        )
        .await
    }

    async fn migrated(
        pool: sqlx::SqlitePool,
        config: DirectoryConfig,
        name: &str,
        key: KeySource,
    ) -> StoreResult<Self> {
        MIGRATOR
            .run(&pool)
            .await
            .map_err(|e| migrate_error(e, name))?;
        let at_rest = Self::prepare_at_rest(&pool, key, name).await?;
        Ok(Self {
            pool,
            config,
            at_rest,
        })
    }

    /// The connection pool, e.g. to share it with
    /// [`SqliteBlobs`](crate::blobs::SqliteBlobs).
    pub fn pool(&self) -> &sqlx::SqlitePool {
        &self.pool
    }

    /// Closes every connection; later calls fail with `Unavailable`.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}
