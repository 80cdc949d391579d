//! The access log for one SQL backend; included like `impl_directory.rs`.

use super::{Db, Store};
use crate::directory::sql::rows::{AccessRow, convert_all};
use crate::directory::sql::{db_error, limit_plus_one, offset};
use crate::directory::*;
use crate::error::StoreResult;
use async_trait::async_trait;
use smart_core::ids::RecordId;
use sqlx::{QueryBuilder, query, query_as};

/// Rows per `INSERT`: well below SQLite's limit on bound parameters.
const ROWS_PER_INSERT: usize = 500;

#[async_trait]
impl AccessLog for Store {
    async fn append_access(&self, entries: &[AccessEntry]) -> StoreResult<()> {
        if entries.is_empty() {
            return Ok(());
        }
        let what = || format!("appending {} access log entries", entries.len());
        let mut tx = self.pool.begin().await.map_err(|e| db_error(e, what()))?;
        for chunk in entries.chunks(ROWS_PER_INSERT) {
            let mut insert = QueryBuilder::<Db>::new(
                "INSERT INTO access_log (at, account_id, app_id, record_id, call, result) ",
            );
            insert.push_values(chunk, |mut row, e| {
                row.push_bind(e.at.as_unix_millis())
                    .push_bind(e.user.as_ref().map(|u| u.as_str().to_owned()))
                    .push_bind(e.app.as_ref().map(|a| a.as_str().to_owned()))
                    .push_bind(e.record.as_ref().map(|r| r.as_str().to_owned()))
                    .push_bind(e.call.name())
                    .push_bind(e.result.as_str());
            });
            insert
                .build()
                .execute(&mut *tx)
                .await
                .map_err(|e| db_error(e, what()))?;
        }
        tx.commit().await.map_err(|e| db_error(e, what()))?;
        Ok(())
    }

    async fn query_access(&self, q: &AccessQuery, page: Page) -> StoreResult<Paged<AccessEntry>> {
        let rows = query_as::<Db, AccessRow>(
            "SELECT at, account_id, app_id, record_id, call, result FROM access_log \
             WHERE ($1 IS NULL OR account_id = $1) AND ($2 IS NULL OR app_id = $2) \
             AND ($3 IS NULL OR record_id = $3) AND ($4 IS NULL OR call = $4) \
             AND ($5 IS NULL OR result = $5) AND ($6 IS NULL OR at >= $6) \
             AND ($7 IS NULL OR at < $7) \
             ORDER BY at DESC, seq DESC LIMIT $8 OFFSET $9",
        )
        .bind(q.user.as_ref().map(UserId::as_str))
        .bind(q.app.as_ref().map(AppId::as_str))
        .bind(q.record.as_ref().map(RecordId::as_str))
        .bind(q.call.map(|c| c.name()))
        .bind(q.result.map(AccessResult::as_str))
        .bind(q.since.map(Timestamp::as_unix_millis))
        .bind(q.until.map(Timestamp::as_unix_millis))
        .bind(limit_plus_one(page))
        .bind(offset(page))
        .fetch_all(&self.pool)
        .await
        .map_err(|e| db_error(e, "querying the access log"))?;
        Ok(Paged::from_overfetch(convert_all(rows)?, page))
    }

    async fn purge_access_before(&self, cutoff: Timestamp) -> StoreResult<u64> {
        let done = query::<Db>("DELETE FROM access_log WHERE at < $1")
            .bind(cutoff.as_unix_millis())
            .execute(&self.pool)
            .await
            .map_err(|e| db_error(e, "purging the access log"))?;
        Ok(done.rows_affected())
    }
}
