//! Files and folders only the server's own user can read: folders are created 0700 and
//! files 0600 (on Unix; elsewhere the platform's defaults apply). The data directory holds
//! patient records, password hashes and the secrets file, so nothing in it is made
//! readable by other local users, whatever the process umask.
//!
//! ```
//! # #[cfg(unix)] {
//! use std::os::unix::fs::PermissionsExt;
//! let tmp = tempfile::tempdir().unwrap();
//! let dir = tmp.path().join("data/blobs");
//! smart_store::private_fs::create_dir_all(&dir).unwrap();
//! let mode = std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777;
//! assert_eq!(mode, 0o700);
//! let file = dir.join("a");
//! smart_store::private_fs::write(&file, b"x").unwrap();
//! assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);
//! # }
//! ```

use std::fs::File;
use std::io::{self, Write};
use std::path::Path;

/// Creates `dir` and its missing parents, each new one 0700. Existing folders keep their
/// mode.
pub fn create_dir_all(dir: &Path) -> io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// Sets `dir`'s mode to 0700 (the data directory, which older versions created with the
/// umask's mode).
pub fn restrict_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// Creates (or truncates) `path` for writing, 0600 when it is created.
pub fn create(path: &Path) -> io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

/// Creates `path` for writing, 0600, failing if it exists (a key file is never
/// overwritten).
pub fn create_new(path: &Path) -> io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

/// Writes `bytes` to `path` ([`create`]).
pub fn write(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = create(path)?;
    file.write_all(bytes)?;
    file.flush()
}

/// Creates `path` empty and 0600 unless it exists (before a database engine opens it:
/// SQLite then gives its `-wal` and `-shm` files the same mode).
pub fn touch(path: &Path) -> io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path).map(drop)
}
