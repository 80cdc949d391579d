//! The directory's database backends.
//!
//! The directory itself (accounts, apps, tokens, shares, nonces, app data, the record
//! registry and the launch audit: its records, its role traits and their union
//! [`DirectoryStore`]) is defined once, in [`smart_auth::directory`], and re-exported here
//! with the in-memory backend [`MemoryDirectory`]. This module adds the SQL backends, which
//! implement those traits directly:
//!
//! - `SqliteDirectory` (feature `sqlite`): a file in WAL mode with foreign keys on, or an
//!   in-memory database;
//! - `PgDirectory` (feature `postgres`): PostgreSQL, for several server processes.
//!
//! They run their embedded migrations when they open (`migrations/sqlite`,
//! `migrations/postgres` in this crate); every column is typed (times are
//! [`Timestamp`] milliseconds, token kinds and account states their enums' stored
//! spellings). The conformance suite (`conformance::check_directory`, feature
//! `conformance`) runs on every backend.
//!
//! See [`smart_auth::directory`] for the tables, the expiry rules and the nonce guard.

#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) mod sql;

pub use smart_auth::directory::*;
#[cfg(feature = "postgres")]
pub use sql::postgres::PgDirectory;
#[cfg(feature = "postgres")]
pub(crate) use sql::postgres::PgRecordVersions;
#[cfg(feature = "sqlite")]
pub use sql::sqlite::SqliteDirectory;
