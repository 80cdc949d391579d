//! Pool options shared by the SQLite stores.

use sqlx::Connection as _;
use sqlx::sqlite::SqlitePoolOptions;

/// `options` that discard a connection handed back to the pool while sqlx still counts a
/// transaction open on it.
///
/// SQLite rolls a transaction back by itself when a write or its COMMIT fails with an
/// I/O error (a full disk, a file size limit); the ROLLBACK that sqlx then sends fails
/// ("no transaction is active") and sqlx's transaction depth stays raised. The
/// connection's next transactions would then be savepoints, and once one more write
/// fails, savepoints inside a transaction that is never committed: writes acknowledged
/// as committed, lost when the connection closes (found by `smart-cli/tests/disk_full.rs`).
/// A fresh connection starts from what is really committed.
pub(crate) fn discarding_broken_transactions(options: SqlitePoolOptions) -> SqlitePoolOptions {
    options.after_release(|conn, _| {
        Box::pin(async move {
            // The ping is answered after the ROLLBACK a dropped transaction queued, so
            // the depth read next is up to date.
            conn.ping().await?;
            Ok(!conn.is_in_transaction())
        })
    })
}
