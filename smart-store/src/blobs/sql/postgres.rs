//! [`PgBlobs`]: documents in PostgreSQL.

use crate::directory::PgDirectory;
use crate::error::StoreResult;

type Db = sqlx::Postgres;
type Store = PgBlobs;

#[path = "impl_blobs.rs"]
#[cfg_attr(
    all(feature = "sqlite", feature = "postgres"),
    expect(
        clippy::duplicate_mod,
        reason = "the same statements, compiled once per backend with its own `Db`"
    )
)]
mod impl_blobs;

/// Documents in the `documents` table of a PostgreSQL database (as `bytea`), for
/// deployments that keep no files on the servers.
#[derive(Debug, Clone)]
pub struct PgBlobs {
    pool: sqlx::PgPool,
}

impl PgBlobs {
    /// Documents in the same database as `directory`, sharing its pool.
    pub fn new(directory: &PgDirectory) -> Self {
        Self {
            pool: directory.pool().clone(),
        }
    }

    /// Connects to `url` and migrates the schema (the same migrations as
    /// [`PgDirectory`]).
    pub async fn connect(url: &str) -> StoreResult<Self> {
        // Documents hold no directory secret: the schema is migrated, no key is needed.
        let pool = crate::directory::sql::postgres::connect_pool(url, 10).await?;
        crate::directory::sql::postgres::migrate(&pool).await?;
        Ok(Self { pool })
    }
}
