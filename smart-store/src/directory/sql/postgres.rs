//! [`PgDirectory`]: the directory in PostgreSQL.

use crate::at_rest::{AtRestKey, KeySource};
use crate::directory::DirectoryConfig;
use crate::directory::sql::{db_error, migrate_error};
use crate::error::StoreResult;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use std::str::FromStr;
use std::time::Duration;

type Db = sqlx::Postgres;
type Store = PgDirectory;

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

/// The embedded migrations of the PostgreSQL schema (directory and document tables).
pub(crate) static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

/// The directory in PostgreSQL: the backend for deployments with several server
/// processes, which then share tokens, nonces and everything else. The schema is migrated
/// when the store connects (concurrent migrations from several processes are serialised
/// by sqlx with an advisory lock).
///
/// Consumer and token secrets are sealed with the [`AtRestKey`] it is given and what is
/// only compared is hashed (see [`crate::at_rest`]): every server of a deployment needs
/// the same key (a copy of the data directory's `secrets.key`).
#[derive(Debug, Clone)]
pub struct PgDirectory {
    pool: sqlx::PgPool,
    config: DirectoryConfig,
    at_rest: AtRestKey,
}

impl PgDirectory {
    /// Connects to `url` (`postgres://user@host:port/database`) with the default
    /// configuration and migrates the schema. Secrets are sealed with the key from `key`
    /// (e.g. [`KeySource::in_dir`] of the data directory).
    pub async fn connect(url: &str, key: KeySource) -> StoreResult<Self> {
        Self::connect_with(url, DirectoryConfig::default(), 10, key).await
    }

    /// [`PgDirectory::connect`] with this configuration and at most `max_connections`
    /// connections.
    pub async fn connect_with(
        url: &str,
        config: DirectoryConfig,
        max_connections: u32,
        key: KeySource,
    ) -> StoreResult<Self> {
        let pool = connect_pool(url, max_connections).await?;
        Self::from_pool(pool, config, key).await
    }

    /// Uses an existing pool, migrating the schema first.
    pub async fn from_pool(
        pool: sqlx::PgPool,
        config: DirectoryConfig,
        key: KeySource,
    ) -> StoreResult<Self> {
        migrate(&pool).await?;
        let at_rest = Self::prepare_at_rest(&pool, key, "PostgreSQL directory").await?;
        Ok(Self {
            pool,
            config,
            at_rest,
        })
    }

    /// The connection pool, e.g. to share it with [`PgBlobs`](crate::blobs::PgBlobs).
    pub fn pool(&self) -> &sqlx::PgPool {
        &self.pool
    }

    /// Closes every connection; later calls fail with `Unavailable`.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Each record's generation, in the `record_versions` table, shared by every server on
/// this database so that a write through one invalidates the answers the others cached
/// (see `container::answer_cache`). A record's row only ever grows.
#[derive(Debug, Clone)]
pub(crate) struct PgRecordVersions {
    pool: sqlx::PgPool,
}

impl PgRecordVersions {
    pub(crate) fn new(directory: &PgDirectory) -> Self {
        Self {
            pool: directory.pool.clone(),
        }
    }
}

#[async_trait::async_trait]
impl crate::container::RecordVersions for PgRecordVersions {
    async fn current(&self, record: &smart_core::RecordId) -> StoreResult<u64> {
        let version: Option<i64> =
            sqlx::query_scalar("SELECT version FROM record_versions WHERE record_id = $1")
                .bind(record.as_str())
                .fetch_optional(&self.pool)
                .await
                .map_err(|e| db_error(e, "reading a record's generation"))?;
        Ok(version.map_or(0, |v| u64::try_from(v).unwrap_or(0)))
    }

    async fn bump(&self, record: &smart_core::RecordId) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO record_versions (record_id, version) VALUES ($1, 1) \
             ON CONFLICT (record_id) DO UPDATE SET version = record_versions.version + 1",
        )
        .bind(record.as_str())
        .execute(&self.pool)
        .await
        .map_err(|e| db_error(e, "raising a record's generation"))?;
        Ok(())
    }
}

/// Migrates the schema (directory and document tables).
pub(crate) async fn migrate(pool: &sqlx::PgPool) -> StoreResult<()> {
    MIGRATOR
        .run(pool)
        .await
        .map_err(|e| migrate_error(e, "PostgreSQL directory"))
}

/// Opens a pool; the URL is not repeated in errors (it may hold a password).
pub(crate) async fn connect_pool(url: &str, max_connections: u32) -> StoreResult<sqlx::PgPool> {
    let options = PgConnectOptions::from_str(url)
        .map_err(|e| db_error(e, "PostgreSQL connection URL is not valid"))?;
    PgPoolOptions::new()
        .max_connections(max_connections.max(1))
        .acquire_timeout(Duration::from_secs(10))
        .connect_with(options)
        .await
        .map_err(|e| db_error(e, "connecting to PostgreSQL"))
}
