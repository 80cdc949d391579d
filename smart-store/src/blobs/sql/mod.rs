//! Document blobs in the `documents` table of a SQL database. The statements are in
//! `impl_blobs.rs`, included once per backend.

#[cfg(feature = "postgres")]
pub(crate) mod postgres;
#[cfg(feature = "sqlite")]
pub(crate) mod sqlite;

use super::BlobMeta;
use crate::directory::sql::rows::stored_count;
use crate::error::{StoreError, StoreResult};

#[derive(sqlx::FromRow)]
struct MetaRow {
    file_name: String,
    content_type: String,
    size: i64,
    sha256: String,
}

impl TryFrom<MetaRow> for BlobMeta {
    type Error = StoreError;

    fn try_from(r: MetaRow) -> StoreResult<Self> {
        let size = stored_count(&format!("document {:?}: size", r.file_name), r.size)?;
        Ok(Self {
            file_name: r.file_name,
            content_type: r.content_type,
            size,
            sha256: r.sha256,
        })
    }
}

#[derive(sqlx::FromRow)]
struct BlobRow {
    #[sqlx(flatten)]
    meta: MetaRow,
    data: Vec<u8>,
}
