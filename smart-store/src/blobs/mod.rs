//! Document blobs: the bytes of a record's documents (and photographs), with the content
//! type, size and SHA-256 that the `metadata` and `combined` document formats report.
//!
//! [`BlobStore`] is keyed by (record, file name). Backends:
//!
//! - [`MemoryBlobs`]: a map, for tests;
//! - [`FsBlobs`]: files under a data directory, `<dir>/<record>/<file name>`, with a
//!   metadata sidecar `<dir>/<record>/.meta/<file name>`; every write goes to a temporary
//!   file that is synced and then renamed into place, so a crash never leaves a partial
//!   document;
//! - `SqliteBlobs` (feature `sqlite`) and `PgBlobs` (feature `postgres`): the `documents`
//!   table, for deployments that keep everything in the database.
//!
//! File names come from stored RDF (`sp:fileName`) and are checked before any backend sees
//! them (see [`check_file_name`]): a name that could leave the record's directory is
//! refused with [`ErrorKind::Invalid`](crate::ErrorKind::Invalid), on every backend.

mod fs;
mod memory;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod sql;

pub use fs::FsBlobs;
pub use memory::MemoryBlobs;
#[cfg(feature = "postgres")]
pub use sql::postgres::PgBlobs;
#[cfg(feature = "sqlite")]
pub use sql::sqlite::SqliteBlobs;

use crate::directory::backend::check_content_type;
use crate::error::{StoreError, StoreResult};
use async_trait::async_trait;
use sha2::{Digest, Sha256};
use smart_core::ids::RecordId;
use std::fmt;

/// What is known about a stored document without reading it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct BlobMeta {
    /// The file name within the record.
    pub file_name: String,
    /// The MIME type it was stored with.
    pub content_type: String,
    /// Its size in bytes.
    pub size: u64,
    /// The SHA-256 of its bytes, lower-case hex.
    pub sha256: String,
}

impl BlobMeta {
    /// The metadata of `bytes` stored under this name and type.
    pub fn of(file_name: &str, content_type: &str, bytes: &[u8]) -> Self {
        Self {
            file_name: file_name.to_owned(),
            content_type: content_type.to_owned(),
            size: u64::try_from(bytes.len()).unwrap_or(u64::MAX),
            sha256: sha256_hex(bytes),
        }
    }
}

/// Storage of document bytes.
#[async_trait]
pub trait BlobStore: Send + Sync + fmt::Debug {
    /// Stores (or replaces) a document and returns its metadata. `Invalid` if the file
    /// name or content type is not acceptable.
    async fn put(
        &self,
        record: &RecordId,
        file_name: &str,
        content_type: &str,
        bytes: &[u8],
    ) -> StoreResult<BlobMeta>;

    /// The document and its metadata, if stored.
    async fn get(
        &self,
        record: &RecordId,
        file_name: &str,
    ) -> StoreResult<Option<(BlobMeta, Vec<u8>)>>;

    /// The document's metadata, if stored.
    async fn meta(&self, record: &RecordId, file_name: &str) -> StoreResult<Option<BlobMeta>>;

    /// Deletes a document. Returns whether it existed.
    async fn delete(&self, record: &RecordId, file_name: &str) -> StoreResult<bool>;

    /// Deletes every document of a record. Returns how many.
    async fn delete_record(&self, record: &RecordId) -> StoreResult<u64>;

    /// The metadata of every document of a record, ordered by file name (byte order).
    async fn list(&self, record: &RecordId) -> StoreResult<Vec<BlobMeta>>;
}

fn _object_safe(_: &dyn BlobStore) {}

/// The longest file name accepted, in bytes (file systems allow 255; some room is kept).
pub const MAX_FILE_NAME_BYTES: usize = 200;

/// Checks a document file name: not empty, at most [`MAX_FILE_NAME_BYTES`] bytes, no `/`,
/// `\`, NUL or other control character, no `..`, and not starting with `.` (so it can
/// never name a parent directory, a hidden file, or the store's own `.meta` and `.tmp`
/// entries). Any other Unicode is allowed.
pub fn check_file_name(record: &RecordId, file_name: &str) -> StoreResult<()> {
    let problem = if file_name.is_empty() {
        Some("is empty".to_owned())
    } else if file_name.len() > MAX_FILE_NAME_BYTES {
        Some(format!("is longer than {MAX_FILE_NAME_BYTES} bytes"))
    } else if let Some(c) = file_name
        .chars()
        .find(|c| matches!(c, '/' | '\\') || c.is_control())
    {
        Some(format!("contains {c:?}"))
    } else if file_name.contains("..") {
        Some("contains \"..\"".to_owned())
    } else if file_name.starts_with('.') {
        Some("starts with '.'".to_owned())
    } else {
        None
    };
    match problem {
        None => Ok(()),
        Some(p) => Err(StoreError::invalid(format!(
            "document file name {file_name:?} of record {record} {p}"
        ))),
    }
}

/// Checks the name and content type of a document about to be stored.
pub(crate) fn check_put(record: &RecordId, file_name: &str, content_type: &str) -> StoreResult<()> {
    check_file_name(record, file_name)?;
    check_content_type(&blob_name(record, file_name), content_type)
}

/// How errors name a document.
pub(crate) fn blob_name(record: &RecordId, file_name: &str) -> String {
    format!("document {file_name:?} of record {record}")
}

/// The SHA-256 of `bytes`, lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    smart_core::encoding::hex_lower(&Sha256::digest(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_of_known_inputs() {
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn file_names_cannot_escape() {
        let r = RecordId::new("1").unwrap();
        for ok in [
            "report.pdf",
            "Befund für Müller.txt",
            "a.b-c_d (1).png",
            "日本語.txt",
        ] {
            assert!(check_file_name(&r, ok).is_ok(), "{ok:?}");
        }
        for bad in [
            "", ".", "..", "../x", "a/b", "a\\b", "a\0b", ".hidden", "x..y", "a\nb",
        ] {
            let e = check_file_name(&r, bad).unwrap_err();
            assert_eq!(e.kind(), crate::ErrorKind::Invalid, "{bad:?}");
        }
        assert!(check_file_name(&r, &"x".repeat(MAX_FILE_NAME_BYTES + 1)).is_err());
    }
}
