//! Scratchpads, preferences, the records registry and the launch audit for one SQL
//! backend; included like `impl_directory.rs`.

use super::{Db, Store};
use crate::directory::backend::app_not_found;
use crate::directory::backend::check_label;
use crate::directory::backend::{check_app_data, preferences_name, scratchpad_name};
use crate::directory::sql::rows::{AppDataRow, LaunchRow, RecordRow, convert_all};
use crate::directory::sql::{db_error, is_foreign_key_violation, limit_plus_one, offset};
use crate::directory::*;
use crate::error::StoreResult;
use async_trait::async_trait;
use smart_core::ids::RecordId;
use sqlx::{query, query_as};

/// The two kinds of app data differ only in their table and in who owns a blob (a record
/// or an account), so one set of statements serves both.
#[derive(Clone, Copy)]
enum Slot {
    Scratchpad,
    Preferences,
}

impl Slot {
    fn select_sql(self) -> &'static str {
        match self {
            Self::Scratchpad => {
                "SELECT content_type, data, updated_at FROM scratchpads \
                 WHERE record_id = $1 AND app_id = $2"
            }
            Self::Preferences => {
                "SELECT content_type, data, updated_at FROM preferences \
                 WHERE account_id = $1 AND app_id = $2"
            }
        }
    }

    fn upsert_sql(self) -> &'static str {
        match self {
            Self::Scratchpad => {
                "INSERT INTO scratchpads (record_id, app_id, content_type, data, updated_at) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (record_id, app_id) DO UPDATE SET \
                 content_type = excluded.content_type, data = excluded.data, \
                 updated_at = excluded.updated_at \
                 RETURNING content_type, data, updated_at"
            }
            Self::Preferences => {
                "INSERT INTO preferences (account_id, app_id, content_type, data, updated_at) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (account_id, app_id) DO UPDATE SET \
                 content_type = excluded.content_type, data = excluded.data, \
                 updated_at = excluded.updated_at \
                 RETURNING content_type, data, updated_at"
            }
        }
    }

    fn delete_sql(self) -> &'static str {
        match self {
            Self::Scratchpad => "DELETE FROM scratchpads WHERE record_id = $1 AND app_id = $2",
            Self::Preferences => "DELETE FROM preferences WHERE account_id = $1 AND app_id = $2",
        }
    }
}

/// One blob: its slot, its owner (record or account id), its app, and how messages name it.
struct SlotKey<'a> {
    slot: Slot,
    owner: &'a str,
    app: &'a AppId,
    what: &'a str,
}

impl Store {
    async fn get_slot(
        &self,
        SlotKey {
            slot,
            owner,
            app,
            what,
        }: SlotKey<'_>,
    ) -> StoreResult<Option<AppData>> {
        let row = query_as::<Db, AppDataRow>(slot.select_sql())
            .bind(owner)
            .bind(app.as_str())
            .fetch_optional(&self.pool)
            .await
            .map_err(|e| db_error(e, format!("reading the {what}")))?;
        Ok(row.map(AppData::from))
    }

    /// Stores a blob; `Ok(None)` when a foreign key is missing, so the caller can name
    /// which one.
    async fn put_slot(
        &self,
        SlotKey {
            slot,
            owner,
            app,
            what,
        }: SlotKey<'_>,
        content_type: &str,
        data: &[u8],
        now: Timestamp,
    ) -> StoreResult<Option<AppData>> {
        check_app_data(what, content_type, data, self.config.max_app_data_bytes)?;
        let row = query_as::<Db, AppDataRow>(slot.upsert_sql())
            .bind(owner)
            .bind(app.as_str())
            .bind(content_type)
            .bind(data)
            .bind(now.as_unix_millis())
            .fetch_one(&self.pool)
            .await;
        match row {
            Ok(row) => Ok(Some(row.into())),
            Err(e) if is_foreign_key_violation(&e) => Ok(None),
            Err(e) => Err(db_error(e, format!("writing the {what}"))),
        }
    }

    async fn delete_slot(
        &self,
        SlotKey {
            slot,
            owner,
            app,
            what,
        }: SlotKey<'_>,
    ) -> StoreResult<bool> {
        let done = query::<Db>(slot.delete_sql())
            .bind(owner)
            .bind(app.as_str())
            .execute(&self.pool)
            .await
            .map_err(|e| db_error(e, format!("deleting the {what}")))?;
        Ok(done.rows_affected() > 0)
    }
}

#[async_trait]
impl AppDataStore for Store {
    async fn get_scratchpad(&self, record: &RecordId, app: &AppId) -> StoreResult<Option<AppData>> {
        let what = scratchpad_name(record, app);
        self.get_slot(SlotKey {
            slot: Slot::Scratchpad,
            owner: record.as_str(),
            app,
            what: &what,
        })
        .await
    }

    async fn put_scratchpad(
        &self,
        record: &RecordId,
        app: &AppId,
        content_type: &str,
        data: &[u8],
        now: Timestamp,
    ) -> StoreResult<AppData> {
        let what = scratchpad_name(record, app);
        self.put_slot(
            SlotKey {
                slot: Slot::Scratchpad,
                owner: record.as_str(),
                app,
                what: &what,
            },
            content_type,
            data,
            now,
        )
        .await?
        .ok_or_else(|| app_not_found(app))
    }

    async fn delete_scratchpad(&self, record: &RecordId, app: &AppId) -> StoreResult<bool> {
        let what = scratchpad_name(record, app);
        self.delete_slot(SlotKey {
            slot: Slot::Scratchpad,
            owner: record.as_str(),
            app,
            what: &what,
        })
        .await
    }

    async fn get_preferences(&self, account: &UserId, app: &AppId) -> StoreResult<Option<AppData>> {
        let what = preferences_name(account, app);
        self.get_slot(SlotKey {
            slot: Slot::Preferences,
            owner: account.as_str(),
            app,
            what: &what,
        })
        .await
    }

    async fn put_preferences(
        &self,
        account: &UserId,
        app: &AppId,
        content_type: &str,
        data: &[u8],
        now: Timestamp,
    ) -> StoreResult<AppData> {
        let what = preferences_name(account, app);
        match self
            .put_slot(
                SlotKey {
                    slot: Slot::Preferences,
                    owner: account.as_str(),
                    app,
                    what: &what,
                },
                content_type,
                data,
                now,
            )
            .await?
        {
            Some(stored) => Ok(stored),
            None => Err(self.missing_reference(Some(account), Some(app)).await),
        }
    }

    async fn delete_preferences(&self, account: &UserId, app: &AppId) -> StoreResult<bool> {
        let what = preferences_name(account, app);
        self.delete_slot(SlotKey {
            slot: Slot::Preferences,
            owner: account.as_str(),
            app,
            what: &what,
        })
        .await
    }
}

#[async_trait]
impl RecordRegistry for Store {
    async fn upsert_record(
        &self,
        id: &RecordId,
        label: &str,
        now: Timestamp,
    ) -> StoreResult<RecordEntry> {
        check_label(id, label)?;
        query_as::<Db, RecordRow>(
            "INSERT INTO records (id, label, created_at, updated_at) VALUES ($1, $2, $3, $3) \
             ON CONFLICT (id) DO UPDATE SET label = excluded.label, \
             updated_at = excluded.updated_at RETURNING *",
        )
        .bind(id.as_str())
        .bind(label)
        .bind(now.as_unix_millis())
        .fetch_one(&self.pool)
        .await
        .map_err(|e| db_error(e, format!("registering record {id}")))?
        .try_into()
    }

    async fn get_record(&self, id: &RecordId) -> StoreResult<Option<RecordEntry>> {
        query_as::<Db, RecordRow>("SELECT * FROM records WHERE id = $1")
            .bind(id.as_str())
            .fetch_optional(&self.pool)
            .await
            .map_err(|e| db_error(e, format!("reading record {id}")))?
            .map(RecordEntry::try_from)
            .transpose()
    }

    async fn list_records(&self, page: Page) -> StoreResult<Paged<RecordEntry>> {
        let rows =
            query_as::<Db, RecordRow>("SELECT * FROM records ORDER BY id LIMIT $1 OFFSET $2")
                .bind(limit_plus_one(page))
                .bind(offset(page))
                .fetch_all(&self.pool)
                .await
                .map_err(|e| db_error(e, "listing records"))?;
        Ok(Paged::from_overfetch(convert_all(rows)?, page))
    }

    async fn delete_record(&self, id: &RecordId) -> StoreResult<bool> {
        let what = || format!("deleting record {id}");
        let mut tx = self.pool.begin().await.map_err(|e| db_error(e, what()))?;
        for statement in [
            "DELETE FROM oauth_tokens WHERE record_id = $1",
            "DELETE FROM shares WHERE record_id = $1",
            "DELETE FROM scratchpads WHERE record_id = $1",
            "DELETE FROM shared_links WHERE record_id = $1",
        ] {
            query::<Db>(statement)
                .bind(id.as_str())
                .execute(&mut *tx)
                .await
                .map_err(|e| db_error(e, what()))?;
        }
        let done = query::<Db>("DELETE FROM records WHERE id = $1")
            .bind(id.as_str())
            .execute(&mut *tx)
            .await
            .map_err(|e| db_error(e, what()))?;
        tx.commit().await.map_err(|e| db_error(e, what()))?;
        Ok(done.rows_affected() > 0)
    }
}

#[async_trait]
impl AuditLog for Store {
    async fn append_launch(&self, event: &LaunchEvent) -> StoreResult<()> {
        query::<Db>(
            "INSERT INTO launch_audit (launched_at, account_id, app_id, record_id, kind) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(event.at.as_unix_millis())
        .bind(event.account.as_ref().map(UserId::as_str))
        .bind(event.app.as_str())
        .bind(event.record.as_ref().map(RecordId::as_str))
        .bind(event.kind.as_str())
        .execute(&self.pool)
        .await
        .map_err(|e| db_error(e, format!("logging a launch of app {}", event.app)))?;
        Ok(())
    }

    async fn recent_launches(
        &self,
        account: Option<&UserId>,
        limit: u32,
    ) -> StoreResult<Vec<LaunchEvent>> {
        let rows = query_as::<Db, LaunchRow>(
            "SELECT * FROM launch_audit WHERE ($1 IS NULL OR account_id = $1) \
             ORDER BY launched_at DESC, seq DESC LIMIT $2",
        )
        .bind(account.map(UserId::as_str))
        .bind(i64::from(Page::first(limit).effective_limit()))
        .fetch_all(&self.pool)
        .await
        .map_err(|e| db_error(e, "listing recent launches"))?;
        convert_all(rows)
    }

    async fn purge_launches_before(&self, cutoff: Timestamp) -> StoreResult<u64> {
        let done = query::<Db>("DELETE FROM launch_audit WHERE launched_at < $1")
            .bind(cutoff.as_unix_millis())
            .execute(&self.pool)
            .await
            .map_err(|e| db_error(e, "purging the launch audit"))?;
        Ok(done.rows_affected())
    }
}
