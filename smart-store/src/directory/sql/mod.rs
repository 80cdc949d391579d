//! What the SQL backends share: the mapping of database errors to [`ErrorKind`], and the
//! row types with their conversion to the public types.
//!
//! The statements themselves are written once, in `impl_directory.rs` (and
//! `blobs/sql/impl_blobs.rs`), which each backend module includes with its own `Db` type:
//! the SQL that both SQLite and PostgreSQL accept (`$n` placeholders, `ON CONFLICT`,
//! `RETURNING`, `IS NOT DISTINCT FROM`) is enough for every method, and the dialects
//! differ only in their migrations.

pub(crate) mod rows;

#[cfg(feature = "postgres")]
pub(crate) mod postgres;
#[cfg(feature = "sqlite")]
pub(crate) mod sqlite;

use crate::directory::Page;
use crate::error::{ErrorKind, StoreError};

/// The SQL `LIMIT` for a page: one more than the page holds, to tell whether another
/// page follows.
pub(crate) fn limit_plus_one(page: Page) -> i64 {
    i64::from(page.effective_limit()) + 1
}

/// The SQL `OFFSET` for a page.
pub(crate) fn offset(page: Page) -> i64 {
    i64::try_from(page.offset).unwrap_or(i64::MAX)
}

/// Maps a database error to a [`StoreError`] whose message is `what` (which names the
/// entity and id) and whose source is the database error.
pub(crate) fn db_error(e: sqlx::Error, what: impl Into<String>) -> StoreError {
    StoreError::new(kind_of(&e), what).with_source(e)
}

/// Whether the error is a unique or primary key violation.
pub(crate) fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.kind() == sqlx::error::ErrorKind::UniqueViolation)
}

/// Whether the error is a foreign key violation.
pub(crate) fn is_foreign_key_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.kind() == sqlx::error::ErrorKind::ForeignKeyViolation)
}

fn kind_of(e: &sqlx::Error) -> ErrorKind {
    use sqlx::Error as E;
    match e {
        E::Database(d) => database_kind(d.as_ref()),
        E::Io(_) | E::Tls(_) | E::PoolTimedOut | E::PoolClosed | E::WorkerCrashed => {
            ErrorKind::Unavailable
        }
        E::RowNotFound => ErrorKind::NotFound,
        E::ColumnDecode { .. }
        | E::Decode(_)
        | E::ColumnNotFound(_)
        | E::ColumnIndexOutOfBounds { .. }
        | E::TypeNotFound { .. } => ErrorKind::Corrupt,
        E::Configuration(_) | E::InvalidArgument(_) | E::Encode(_) => ErrorKind::Invalid,
        E::Migrate(m) => migrate_kind(m),
        _ => ErrorKind::Other,
    }
}

fn database_kind(d: &dyn sqlx::error::DatabaseError) -> ErrorKind {
    use sqlx::error::ErrorKind as K;
    match d.kind() {
        K::UniqueViolation | K::ExclusionViolation => return ErrorKind::Conflict,
        K::ForeignKeyViolation => return ErrorKind::NotFound,
        K::NotNullViolation | K::CheckViolation => return ErrorKind::Invalid,
        _ => {}
    }
    #[cfg(feature = "sqlite")]
    if d.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some() {
        return sqlite_kind(d.code().as_deref());
    }
    postgres_kind(d.code().as_deref())
}

/// SQLite result codes (the extended code; its low byte is the primary code).
#[cfg(feature = "sqlite")]
fn sqlite_kind(code: Option<&str>) -> ErrorKind {
    let primary = code.and_then(|c| c.parse::<i64>().ok()).map(|c| c & 0xff);
    match primary {
        // BUSY, LOCKED: another connection holds the lock past the busy timeout.
        Some(5 | 6) => ErrorKind::Unavailable,
        // CANTOPEN, FULL, IOERR, READONLY, NOMEM
        Some(14 | 13 | 10 | 8 | 7) => ErrorKind::Unavailable,
        // CORRUPT, NOTADB
        Some(11 | 26) => ErrorKind::Corrupt,
        // TOOBIG, RANGE, MISMATCH
        Some(18 | 25 | 20) => ErrorKind::Invalid,
        // CONSTRAINT (other than the kinds above)
        Some(19) => ErrorKind::Conflict,
        _ => ErrorKind::Other,
    }
}

/// PostgreSQL SQLSTATE codes, by class.
fn postgres_kind(code: Option<&str>) -> ErrorKind {
    let Some(code) = code else {
        return ErrorKind::Other;
    };
    match code {
        // serialization failure, deadlock: retrying the transaction may succeed
        "40001" | "40P01" => ErrorKind::Conflict,
        "XX001" | "XX002" => ErrorKind::Corrupt,
        _ => match code.get(..2) {
            // connection exception, insufficient resources, operator intervention,
            // system error
            Some("08" | "53" | "57" | "58") => ErrorKind::Unavailable,
            // data exception (value too long, bad encoding, …)
            Some("22") => ErrorKind::Invalid,
            Some("23") => ErrorKind::Conflict,
            _ => ErrorKind::Other,
        },
    }
}

fn migrate_kind(e: &sqlx::migrate::MigrateError) -> ErrorKind {
    use sqlx::migrate::MigrateError as M;
    match e {
        M::Execute(e) | M::ExecuteMigration(e, _) => kind_of(e),
        M::VersionMissing(_)
        | M::VersionMismatch(_)
        | M::VersionNotPresent(_)
        | M::VersionTooOld(..)
        | M::VersionTooNew(..)
        | M::Dirty(_) => ErrorKind::Corrupt,
        _ => ErrorKind::Other,
    }
}

/// Maps a migration failure.
pub(crate) fn migrate_error(e: sqlx::migrate::MigrateError, what: &str) -> StoreError {
    StoreError::new(migrate_kind(&e), format!("{what}: migrating the schema")).with_source(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlstates_map_by_class() {
        assert_eq!(postgres_kind(Some("08006")), ErrorKind::Unavailable);
        assert_eq!(postgres_kind(Some("57P01")), ErrorKind::Unavailable);
        assert_eq!(postgres_kind(Some("22001")), ErrorKind::Invalid);
        assert_eq!(postgres_kind(Some("40001")), ErrorKind::Conflict);
        assert_eq!(postgres_kind(Some("XX001")), ErrorKind::Corrupt);
        assert_eq!(postgres_kind(Some("42P01")), ErrorKind::Other);
        assert_eq!(postgres_kind(None), ErrorKind::Other);
    }

    #[cfg(feature = "sqlite")]
    #[test]
    fn sqlite_codes_map_by_primary_code() {
        assert_eq!(sqlite_kind(Some("5")), ErrorKind::Unavailable);
        assert_eq!(sqlite_kind(Some("517")), ErrorKind::Unavailable);
        assert_eq!(sqlite_kind(Some("11")), ErrorKind::Corrupt);
        assert_eq!(sqlite_kind(Some("1")), ErrorKind::Other);
    }

    #[test]
    fn connection_failures_are_unavailable() {
        assert_eq!(kind_of(&sqlx::Error::PoolTimedOut), ErrorKind::Unavailable);
        assert_eq!(kind_of(&sqlx::Error::RowNotFound), ErrorKind::NotFound);
        let io = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused");
        let e = db_error(sqlx::Error::Io(io), "account a@b");
        assert_eq!(e.kind(), ErrorKind::Unavailable);
        assert!(e.to_string().starts_with("account a@b: "));
    }
}
