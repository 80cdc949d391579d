//! Shared links for one SQL backend (included by `sqlite.rs` and `postgres.rs` like
//! `impl_directory.rs`). Links are keyed by the lower-case hex digest of their token.

use super::{Db, Store};
use crate::directory::sql::rows::LinkRow;
use crate::directory::sql::{db_error, is_foreign_key_violation, is_unique_violation};
use crate::directory::*;
use crate::error::{StoreError, StoreResult};
use async_trait::async_trait;
use smart_core::encoding::hex_lower;
use sqlx::{query, query_as};

#[async_trait]
impl SharedLinkStore for Store {
    async fn create_shared_link(&self, link: SharedLink) -> StoreResult<SharedLink> {
        check_shared_link(&link)?;
        let row = query_as::<Db, LinkRow>(
            "INSERT INTO shared_links (digest, owner_id, app_id, record_id, pin_hash, \
             created_at, expires_at, revoked, failed_pin_count, pin_locked_until) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, FALSE, 0, NULL) RETURNING *",
        )
        .bind(hex_lower(&link.digest))
        .bind(link.owner.as_str())
        .bind(link.app.as_str())
        .bind(link.record.as_str())
        .bind(link.pin_hash.as_deref())
        .bind(link.created_at.as_unix_millis())
        .bind(link.expires_at.as_unix_millis())
        .fetch_one(&self.pool)
        .await;
        match row {
            Ok(row) => row.try_into(),
            Err(e) if is_foreign_key_violation(&e) => Err(self
                .missing_reference(Some(&link.owner), Some(&link.app))
                .await),
            Err(e) if is_unique_violation(&e) => {
                Err(StoreError::conflict("a shared link with this token exists"))
            }
            Err(e) => Err(db_error(e, "creating a shared link")),
        }
    }

    async fn get_shared_link(&self, digest: &[u8; 32]) -> StoreResult<Option<SharedLink>> {
        query_as::<Db, LinkRow>("SELECT * FROM shared_links WHERE digest = $1")
            .bind(hex_lower(digest))
            .fetch_optional(&self.pool)
            .await
            .map_err(|e| db_error(e, "reading a shared link"))?
            .map(SharedLink::try_from)
            .transpose()
    }

    async fn list_shared_links(&self, owner: &UserId) -> StoreResult<Vec<SharedLink>> {
        let rows = query_as::<Db, LinkRow>(
            "SELECT * FROM shared_links WHERE owner_id = $1 \
             ORDER BY created_at DESC, digest",
        )
        .bind(owner.as_str())
        .fetch_all(&self.pool)
        .await
        .map_err(|e| db_error(e, format!("listing the shared links of account {owner}")))?;
        rows.into_iter().map(SharedLink::try_from).collect()
    }

    async fn revoke_shared_link(&self, owner: &UserId, digest: &[u8; 32]) -> StoreResult<bool> {
        let done = query::<Db>(
            "UPDATE shared_links SET revoked = TRUE WHERE digest = $1 AND owner_id = $2",
        )
        .bind(hex_lower(digest))
        .bind(owner.as_str())
        .execute(&self.pool)
        .await
        .map_err(|e| db_error(e, "revoking a shared link"))?;
        Ok(done.rows_affected() > 0)
    }

    async fn record_pin_failure(
        &self,
        digest: &[u8; 32],
        max_failures: u32,
        lock_until: Timestamp,
    ) -> StoreResult<Option<SharedLink>> {
        // One statement: concurrent wrong PINs all count, and the one that reaches the
        // limit sets the lock (every SET reads the row's values from before the update).
        query_as::<Db, LinkRow>(
            "UPDATE shared_links SET \
             failed_pin_count = CASE WHEN failed_pin_count + 1 >= $2 THEN 0 \
                 ELSE failed_pin_count + 1 END, \
             pin_locked_until = CASE WHEN failed_pin_count + 1 >= $2 THEN $3 \
                 ELSE pin_locked_until END \
             WHERE digest = $1 RETURNING *",
        )
        .bind(hex_lower(digest))
        .bind(i64::from(max_failures))
        .bind(lock_until.as_unix_millis())
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| db_error(e, "counting a wrong PIN of a shared link"))?
        .map(SharedLink::try_from)
        .transpose()
    }

    async fn clear_pin_failures(&self, digest: &[u8; 32]) -> StoreResult<()> {
        query::<Db>("UPDATE shared_links SET failed_pin_count = 0 WHERE digest = $1")
            .bind(hex_lower(digest))
            .execute(&self.pool)
            .await
            .map_err(|e| db_error(e, "clearing the wrong PINs of a shared link"))?;
        Ok(())
    }
}
