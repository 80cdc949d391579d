//! [`BlobStore`] for one SQL backend; included by `sqlite.rs` and `postgres.rs`, each with
//! its own `Db` and `Store`.

use super::super::{BlobRow, MetaRow};
use super::{Db, Store};
use crate::blobs::{BlobMeta, BlobStore, blob_name, check_file_name, check_put};
use crate::directory::Timestamp;
use crate::directory::sql::db_error;
use crate::directory::sql::rows::{convert_all, signed};
use crate::error::StoreResult;
use async_trait::async_trait;
use smart_core::ids::RecordId;
use sqlx::{query, query_as};

#[async_trait]
impl BlobStore for Store {
    async fn put(
        &self,
        record: &RecordId,
        file_name: &str,
        content_type: &str,
        bytes: &[u8],
    ) -> StoreResult<BlobMeta> {
        check_put(record, file_name, content_type)?;
        let meta = BlobMeta::of(file_name, content_type, bytes);
        query::<Db>(
            "INSERT INTO documents (record_id, file_name, content_type, size, sha256, data, \
             updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
             ON CONFLICT (record_id, file_name) DO UPDATE SET \
             content_type = excluded.content_type, size = excluded.size, \
             sha256 = excluded.sha256, data = excluded.data, updated_at = excluded.updated_at",
        )
        .bind(record.as_str())
        .bind(file_name)
        .bind(content_type)
        .bind(signed(meta.size))
        .bind(&meta.sha256)
        .bind(bytes)
        .bind(Timestamp::now().as_unix_millis())
        .execute(&self.pool)
        .await
        .map_err(|e| db_error(e, format!("writing {}", blob_name(record, file_name))))?;
        Ok(meta)
    }

    async fn get(
        &self,
        record: &RecordId,
        file_name: &str,
    ) -> StoreResult<Option<(BlobMeta, Vec<u8>)>> {
        check_file_name(record, file_name)?;
        let row = query_as::<Db, BlobRow>(
            "SELECT file_name, content_type, size, sha256, data FROM documents \
             WHERE record_id = $1 AND file_name = $2",
        )
        .bind(record.as_str())
        .bind(file_name)
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| db_error(e, format!("reading {}", blob_name(record, file_name))))?;
        row.map(|r| Ok((BlobMeta::try_from(r.meta)?, r.data)))
            .transpose()
    }

    async fn meta(&self, record: &RecordId, file_name: &str) -> StoreResult<Option<BlobMeta>> {
        check_file_name(record, file_name)?;
        query_as::<Db, MetaRow>(
            "SELECT file_name, content_type, size, sha256 FROM documents \
             WHERE record_id = $1 AND file_name = $2",
        )
        .bind(record.as_str())
        .bind(file_name)
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| db_error(e, format!("reading {}", blob_name(record, file_name))))?
        .map(BlobMeta::try_from)
        .transpose()
    }

    async fn delete(&self, record: &RecordId, file_name: &str) -> StoreResult<bool> {
        check_file_name(record, file_name)?;
        let done = query::<Db>("DELETE FROM documents WHERE record_id = $1 AND file_name = $2")
            .bind(record.as_str())
            .bind(file_name)
            .execute(&self.pool)
            .await
            .map_err(|e| db_error(e, format!("deleting {}", blob_name(record, file_name))))?;
        Ok(done.rows_affected() > 0)
    }

    async fn delete_record(&self, record: &RecordId) -> StoreResult<u64> {
        let done = query::<Db>("DELETE FROM documents WHERE record_id = $1")
            .bind(record.as_str())
            .execute(&self.pool)
            .await
            .map_err(|e| db_error(e, format!("deleting the documents of record {record}")))?;
        Ok(done.rows_affected())
    }

    async fn list(&self, record: &RecordId) -> StoreResult<Vec<BlobMeta>> {
        let rows = query_as::<Db, MetaRow>(
            "SELECT file_name, content_type, size, sha256 FROM documents \
             WHERE record_id = $1 ORDER BY file_name",
        )
        .bind(record.as_str())
        .fetch_all(&self.pool)
        .await
        .map_err(|e| db_error(e, format!("listing the documents of record {record}")))?;
        convert_all(rows)
    }
}
