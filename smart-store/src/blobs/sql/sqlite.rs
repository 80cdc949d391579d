//! [`SqliteBlobs`]: documents in SQLite.

use crate::directory::SqliteDirectory;

type Db = sqlx::Sqlite;
type Store = SqliteBlobs;

#[path = "impl_blobs.rs"]
#[cfg_attr(
    all(feature = "sqlite", feature = "postgres"),
    expect(
        clippy::duplicate_mod,
        reason = "the same statements, compiled once per backend with its own `Db`"
    )
)]
mod impl_blobs;

/// Documents in the `documents` table of a SQLite database, sharing the pool (and the
/// migrations) of a [`SqliteDirectory`].
#[derive(Debug, Clone)]
pub struct SqliteBlobs {
    pool: sqlx::SqlitePool,
}

impl SqliteBlobs {
    /// Documents in the same database as `directory`.
    pub fn new(directory: &SqliteDirectory) -> Self {
        Self {
            pool: directory.pool().clone(),
        }
    }
}
