//! [`MemoryBlobs`]: documents in process memory.

use super::{BlobMeta, BlobStore, check_file_name, check_put};
use crate::error::StoreResult;
use async_trait::async_trait;
use smart_core::ids::RecordId;
use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

/// Documents in memory, for tests. Everything is lost when it is dropped.
#[derive(Debug, Default)]
pub struct MemoryBlobs {
    blobs: Mutex<Records>,
}

/// Record → file name → (metadata, bytes).
type Records = BTreeMap<RecordId, BTreeMap<String, (BlobMeta, Vec<u8>)>>;

impl MemoryBlobs {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn blobs(&self) -> MutexGuard<'_, Records> {
        // Every critical section leaves the map consistent.
        self.blobs.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[async_trait]
impl BlobStore for MemoryBlobs {
    async fn put(
        &self,
        record: &RecordId,
        file_name: &str,
        content_type: &str,
        bytes: &[u8],
    ) -> StoreResult<BlobMeta> {
        check_put(record, file_name, content_type)?;
        let meta = BlobMeta::of(file_name, content_type, bytes);
        self.blobs()
            .entry(record.clone())
            .or_default()
            .insert(file_name.to_owned(), (meta.clone(), bytes.to_vec()));
        Ok(meta)
    }

    async fn get(
        &self,
        record: &RecordId,
        file_name: &str,
    ) -> StoreResult<Option<(BlobMeta, Vec<u8>)>> {
        check_file_name(record, file_name)?;
        Ok(self
            .blobs()
            .get(record)
            .and_then(|files| files.get(file_name))
            .cloned())
    }

    async fn meta(&self, record: &RecordId, file_name: &str) -> StoreResult<Option<BlobMeta>> {
        check_file_name(record, file_name)?;
        Ok(self
            .blobs()
            .get(record)
            .and_then(|files| files.get(file_name))
            .map(|(meta, _)| meta.clone()))
    }

    async fn delete(&self, record: &RecordId, file_name: &str) -> StoreResult<bool> {
        check_file_name(record, file_name)?;
        let mut blobs = self.blobs();
        let Some(files) = blobs.get_mut(record) else {
            return Ok(false);
        };
        let existed = files.remove(file_name).is_some();
        if files.is_empty() {
            blobs.remove(record);
        }
        Ok(existed)
    }

    async fn delete_record(&self, record: &RecordId) -> StoreResult<u64> {
        let removed = self.blobs().remove(record).map_or(0, |files| files.len());
        Ok(u64::try_from(removed).unwrap_or(u64::MAX))
    }

    async fn list(&self, record: &RecordId) -> StoreResult<Vec<BlobMeta>> {
        Ok(self
            .blobs()
            .get(record)
            .map(|files| files.values().map(|(meta, _)| meta.clone()).collect())
            .unwrap_or_default())
    }
}
