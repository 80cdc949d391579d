//! [`FsBlobs`]: documents as files under a data directory.

use super::{BlobMeta, BlobStore, blob_name, check_file_name, check_put, sha256_hex};
use crate::error::{ErrorKind, StoreError, StoreResult};
use async_trait::async_trait;
use smart_core::ids::RecordId;
use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use tokio::sync::RwLock;

const META_DIR: &str = ".meta";
const TMP_DIR: &str = ".tmp";
const SIDECAR_MAGIC: &str = "smart-blob 1";

/// Documents as files: `<dir>/<record>/<file name>`, with the content type, size and
/// SHA-256 in a sidecar `<dir>/<record>/.meta/<file name>`.
///
/// Each write goes to a temporary file in `<dir>/<record>/.tmp/`, is synced to disk and
/// then renamed over the old file, data first and sidecar second; the directories are
/// synced after the renames. A crash therefore never leaves a partial document: a first
/// write interrupted between the two renames leaves a data file without a sidecar, which
/// is not listed or read; an interrupted overwrite leaves the new bytes beside the old
/// sidecar, which reads detect (the SHA-256 no longer matches) and report as `Corrupt`
/// until the document is written again. Reads check every document against its SHA-256.
///
/// One process should own a directory: writes are serialised within the process, and
/// [`FsBlobs::open`] removes temporary files left by a crash.
#[derive(Debug, Clone)]
pub struct FsBlobs {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    root: PathBuf,
    /// Held across each operation's blocking work (owned, so that a cancelled caller
    /// does not release it while the work still runs).
    lock: Arc<RwLock<()>>,
    next_tmp: AtomicU64,
}

impl FsBlobs {
    /// Uses (creating it if needed) the directory `dir`, and removes temporary files that
    /// an interrupted write left behind.
    pub async fn open(dir: impl Into<PathBuf>) -> StoreResult<Self> {
        let root = dir.into();
        let for_task = root.clone();
        blocking(move || {
            crate::private_fs::create_dir_all(&for_task).map_err(|e| {
                io_error(e, format!("creating blob directory {}", for_task.display()))
            })?;
            remove_stale_temporaries(&for_task)
        })
        .await?;
        Ok(Self {
            inner: Arc::new(Inner {
                root,
                lock: Arc::new(RwLock::new(())),
                next_tmp: AtomicU64::new(0),
            }),
        })
    }

    /// The data directory.
    pub fn root(&self) -> &Path {
        &self.inner.root
    }

    fn record_dir(&self, record: &RecordId) -> PathBuf {
        self.inner.root.join(record.as_str())
    }
}

fn remove_stale_temporaries(root: &Path) -> StoreResult<()> {
    let what = || format!("cleaning temporary files under {}", root.display());
    for entry in fs::read_dir(root).map_err(|e| io_error(e, what()))? {
        let tmp = entry.map_err(|e| io_error(e, what()))?.path().join(TMP_DIR);
        match fs::remove_dir_all(&tmp) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) if e.kind() == io::ErrorKind::NotADirectory => {}
            Err(e) => return Err(io_error(e, what())),
        }
    }
    Ok(())
}

fn io_kind(e: &io::Error) -> ErrorKind {
    match e.kind() {
        io::ErrorKind::NotFound => ErrorKind::NotFound,
        io::ErrorKind::AlreadyExists => ErrorKind::Conflict,
        io::ErrorKind::InvalidData | io::ErrorKind::UnexpectedEof => ErrorKind::Corrupt,
        io::ErrorKind::StorageFull
        | io::ErrorKind::PermissionDenied
        | io::ErrorKind::ReadOnlyFilesystem
        | io::ErrorKind::TimedOut => ErrorKind::Unavailable,
        _ => ErrorKind::Other,
    }
}

fn io_error(e: io::Error, what: String) -> StoreError {
    StoreError::new(io_kind(&e), what).with_source(e)
}

/// Runs blocking file work off the async threads.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> StoreResult<T> + Send + 'static,
) -> StoreResult<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| StoreError::other("blob store task failed").with_source(e))?
}

/// Reads a file, `None` if it does not exist.
fn read_optional(path: &Path) -> io::Result<Option<Vec<u8>>> {
    match fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

fn encode_sidecar(meta: &BlobMeta) -> String {
    format!(
        "{SIDECAR_MAGIC}\ncontent-type {}\nsize {}\nsha256 {}\n",
        meta.content_type, meta.size, meta.sha256
    )
}

fn decode_sidecar(file_name: &str, text: &[u8], what: &str) -> StoreResult<BlobMeta> {
    let corrupt = || StoreError::corrupt(format!("{what}: metadata sidecar is malformed"));
    let text = std::str::from_utf8(text).map_err(|_| corrupt())?;
    let mut lines = text.lines();
    if lines.next() != Some(SIDECAR_MAGIC) {
        return Err(corrupt());
    }
    let mut field = |name: &str| {
        lines
            .next()
            .and_then(|l| l.strip_prefix(name))
            .and_then(|l| l.strip_prefix(' '))
            .map(str::to_owned)
            .ok_or_else(corrupt)
    };
    let content_type = field("content-type")?;
    let size = field("size")?.parse::<u64>().map_err(|_| corrupt())?;
    let sha256 = field("sha256")?;
    let hex = sha256.len() == 64
        && sha256
            .bytes()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    if !hex {
        return Err(corrupt());
    }
    Ok(BlobMeta {
        file_name: file_name.to_owned(),
        content_type,
        size,
        sha256,
    })
}

/// Writes `bytes` to a fresh temporary file, syncs it, and renames it to `target`.
fn write_atomically(tmp: &Path, target: &Path, bytes: &[u8]) -> io::Result<()> {
    let result = (|| {
        let mut file = crate::private_fs::create(tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        fs::rename(tmp, target)
    })();
    if result.is_err() {
        let _ = fs::remove_file(tmp);
    }
    result
}

fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

/// Reads a document's sidecar and checks that its data file exists; `None` if either is
/// missing (never written, deleted, or a first write that did not finish).
fn read_meta(dir: &Path, file_name: &str, what: &str) -> StoreResult<Option<BlobMeta>> {
    let sidecar = read_optional(&dir.join(META_DIR).join(file_name))
        .map_err(|e| io_error(e, format!("reading {what}")))?;
    let Some(sidecar) = sidecar else {
        return Ok(None);
    };
    let meta = decode_sidecar(file_name, &sidecar, what)?;
    match fs::metadata(dir.join(file_name)) {
        Ok(m) if m.len() == meta.size => Ok(Some(meta)),
        Ok(_) => Err(StoreError::corrupt(format!(
            "{what}: size on disk differs from its metadata (interrupted write?)"
        ))),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(io_error(e, format!("reading {what}"))),
    }
}

#[async_trait]
impl BlobStore for FsBlobs {
    async fn put(
        &self,
        record: &RecordId,
        file_name: &str,
        content_type: &str,
        bytes: &[u8],
    ) -> StoreResult<BlobMeta> {
        check_put(record, file_name, content_type)?;
        let meta = BlobMeta::of(file_name, content_type, bytes);
        let what = format!("writing {}", blob_name(record, file_name));
        let root = self.inner.root.clone();
        let dir = self.record_dir(record);
        let n = self.inner.next_tmp.fetch_add(1, Ordering::Relaxed);
        let tmp_base = format!("{}-{n}", std::process::id());
        let (name, data, sidecar) = (file_name.to_owned(), bytes.to_vec(), encode_sidecar(&meta));
        let guard = Arc::clone(&self.inner.lock).write_owned().await;
        blocking(move || {
            let _guard = guard;
            let run = || -> io::Result<()> {
                let new_record = !dir.exists();
                crate::private_fs::create_dir_all(&dir.join(META_DIR))?;
                crate::private_fs::create_dir_all(&dir.join(TMP_DIR))?;
                let tmp = dir.join(TMP_DIR);
                write_atomically(
                    &tmp.join(format!("{tmp_base}.data")),
                    &dir.join(&name),
                    &data,
                )?;
                write_atomically(
                    &tmp.join(format!("{tmp_base}.meta")),
                    &dir.join(META_DIR).join(&name),
                    sidecar.as_bytes(),
                )?;
                sync_dir(&dir)?;
                sync_dir(&dir.join(META_DIR))?;
                if new_record {
                    sync_dir(&root)?;
                }
                Ok(())
            };
            run().map_err(|e| io_error(e, what))
        })
        .await?;
        Ok(meta)
    }

    async fn get(
        &self,
        record: &RecordId,
        file_name: &str,
    ) -> StoreResult<Option<(BlobMeta, Vec<u8>)>> {
        check_file_name(record, file_name)?;
        let what = blob_name(record, file_name);
        let dir = self.record_dir(record);
        let name = file_name.to_owned();
        let guard = Arc::clone(&self.inner.lock).read_owned().await;
        blocking(move || {
            let _guard = guard;
            let Some(meta) = read_meta(&dir, &name, &what)? else {
                return Ok(None);
            };
            let Some(bytes) = read_optional(&dir.join(&name))
                .map_err(|e| io_error(e, format!("reading {what}")))?
            else {
                return Ok(None);
            };
            if u64::try_from(bytes.len()).ok() != Some(meta.size)
                || sha256_hex(&bytes) != meta.sha256
            {
                return Err(StoreError::corrupt(format!(
                    "{what}: content does not match its SHA-256 (damaged, or an interrupted write)"
                )));
            }
            Ok(Some((meta, bytes)))
        })
        .await
    }

    async fn meta(&self, record: &RecordId, file_name: &str) -> StoreResult<Option<BlobMeta>> {
        check_file_name(record, file_name)?;
        let what = blob_name(record, file_name);
        let dir = self.record_dir(record);
        let name = file_name.to_owned();
        let guard = Arc::clone(&self.inner.lock).read_owned().await;
        blocking(move || {
            let _guard = guard;
            read_meta(&dir, &name, &what)
        })
        .await
    }

    async fn delete(&self, record: &RecordId, file_name: &str) -> StoreResult<bool> {
        check_file_name(record, file_name)?;
        let what = format!("deleting {}", blob_name(record, file_name));
        let dir = self.record_dir(record);
        let name = file_name.to_owned();
        let guard = Arc::clone(&self.inner.lock).write_owned().await;
        blocking(move || {
            let _guard = guard;
            let remove = |path: PathBuf| match fs::remove_file(path) {
                Ok(()) => Ok(true),
                Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
                Err(e) => Err(io_error(e, what.clone())),
            };
            // The sidecar first: once it is gone the document is no longer visible.
            let had_meta = remove(dir.join(META_DIR).join(&name))?;
            let had_data = remove(dir.join(&name))?;
            Ok(had_meta && had_data)
        })
        .await
    }

    async fn delete_record(&self, record: &RecordId) -> StoreResult<u64> {
        let count = u64::try_from(self.list(record).await?.len()).unwrap_or(u64::MAX);
        let what = format!("deleting the documents of record {record}");
        let dir = self.record_dir(record);
        let guard = Arc::clone(&self.inner.lock).write_owned().await;
        blocking(move || {
            let _guard = guard;
            match fs::remove_dir_all(&dir) {
                Ok(()) => Ok(count),
                Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(0),
                Err(e) => Err(io_error(e, what)),
            }
        })
        .await
    }

    async fn list(&self, record: &RecordId) -> StoreResult<Vec<BlobMeta>> {
        let dir = self.record_dir(record);
        let record = record.clone();
        let guard = Arc::clone(&self.inner.lock).read_owned().await;
        blocking(move || {
            let _guard = guard;
            let what = format!("listing the documents of record {record}");
            let entries = match fs::read_dir(dir.join(META_DIR)) {
                Ok(entries) => entries,
                Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
                Err(e) => return Err(io_error(e, what)),
            };
            let mut out = Vec::new();
            for entry in entries {
                let entry = entry.map_err(|e| io_error(e, what.clone()))?;
                let Ok(name) = entry.file_name().into_string() else {
                    continue; // not a name this store wrote
                };
                if check_file_name(&record, &name).is_err() {
                    continue;
                }
                if let Some(meta) = read_meta(&dir, &name, &blob_name(&record, &name))? {
                    out.push(meta);
                }
            }
            out.sort_by(|a, b| a.file_name.cmp(&b.file_name));
            Ok(out)
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sidecars_round_trip_and_refuse_damage() {
        let meta = BlobMeta::of("a.txt", "text/plain", b"hello");
        let text = encode_sidecar(&meta);
        assert_eq!(
            decode_sidecar("a.txt", text.as_bytes(), "doc").unwrap(),
            meta
        );
        for bad in [
            "",
            "smart-blob 2\n",
            &text.replace("size 5", "size x"),
            &text[..text.len() - 10],
        ] {
            let e = decode_sidecar("a.txt", bad.as_bytes(), "doc").unwrap_err();
            assert_eq!(e.kind(), ErrorKind::Corrupt, "{bad:?}");
        }
    }
}
