//! Secrets at rest: the key that seals the secrets the SQL directories must read back.
//!
//! Consumer secrets and token secrets are HMAC keys: the OAuth signature is computed
//! with the secret itself, so they cannot be hashed. The SQL directory backends store them
//! sealed with XChaCha20-Poly1305 (an AEAD: a changed or swapped value fails to open)
//! under an [`AtRestKey`], a random 32-byte key kept in its own file, `secrets.key` in the
//! data directory (0600). A copy of the database alone then reveals no secret; a backup
//! needs both the database and the key file.
//!
//! What is only compared (token strings, verifiers) is not sealed but hashed
//! ([`secret_digest`](smart_auth::directory::backend::secret_digest)): see the SQL
//! backends' `impl_at_rest.rs`.
//!
//! The stored form is versioned: `v1:` followed by the unpadded base64url of the 24-byte
//! random nonce and the ciphertext with its tag. The associated data names the column and
//! the row, so a sealed value copied into another row does not open. A later version (a
//! rotated key, another cipher) gets another prefix, and the rows say which they use.
//!
//! ```
//! use smart_store::at_rest::AtRestKey;
//! let key = AtRestKey::generate().unwrap();
//! let sealed = key.seal("consumer secret", "apps.consumer_secret:app@x").unwrap();
//! assert!(sealed.starts_with("v1:") && !sealed.contains("consumer secret"));
//! assert_eq!(key.open(&sealed, "apps.consumer_secret:app@x").unwrap(), "consumer secret");
//! assert!(key.open(&sealed, "apps.consumer_secret:other@x").is_err());
//! assert_eq!(format!("{key:?}"), "AtRestKey(<redacted>)");
//! ```

use crate::error::{StoreError, StoreResult};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use chacha20poly1305::aead::Aead as _;
use chacha20poly1305::{KeyInit as _, XChaCha20Poly1305, XNonce};
use smart_auth::random::{OsRandom, SecureRandom as _};
use std::fmt;
use std::io::{Read as _, Write as _};
use std::path::Path;
use std::sync::Arc;

/// The name of the key file in the data directory.
pub const KEY_FILE: &str = "secrets.key";

const PREFIX: &str = "v1:";
const NONCE_LEN: usize = 24;
const KEY_LEN: usize = 32;

/// The key that seals secrets at rest. Cheap to clone (shared); its `Debug` never shows
/// the key.
#[derive(Clone)]
pub struct AtRestKey {
    cipher: Arc<XChaCha20Poly1305>,
}

impl fmt::Debug for AtRestKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AtRestKey(<redacted>)")
    }
}

impl AtRestKey {
    /// A key from its 32 bytes.
    pub fn from_bytes(bytes: [u8; KEY_LEN]) -> Self {
        Self {
            cipher: Arc::new(XChaCha20Poly1305::new(&bytes.into())),
        }
    }

    /// A fresh key from the operating system's CSPRNG.
    pub fn generate() -> StoreResult<Self> {
        Ok(Self::from_bytes(random_bytes::<KEY_LEN>()?))
    }

    /// Reads the key file at `path`; `None` if there is none. A file that is not a key
    /// (not 32 bytes in base64url) is an error naming it.
    pub fn load(path: &Path) -> StoreResult<Option<Self>> {
        let mut text = String::new();
        match std::fs::File::open(path) {
            Ok(mut f) => f
                .read_to_string(&mut text)
                .map_err(|e| io_error(e, "reading", path))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io_error(e, "opening", path)),
        };
        let bytes: [u8; KEY_LEN] = B64
            .decode(text.trim())
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| {
                StoreError::corrupt(format!(
                    "the secrets key file {} does not hold a key (32 bytes in base64url)",
                    path.display()
                ))
            })?;
        Ok(Some(Self::from_bytes(bytes)))
    }

    /// Creates the key file at `path` (0600, never over an existing file) with a fresh
    /// key, written and synced before it is used.
    pub fn create(path: &Path) -> StoreResult<Self> {
        let bytes = random_bytes::<KEY_LEN>()?;
        let io = |e| io_error(e, "creating", path);
        let mut file = crate::private_fs::create_new(path).map_err(io)?;
        file.write_all(format!("{}\n", B64.encode(bytes)).as_bytes())
            .and_then(|()| file.sync_all())
            .map_err(io)?;
        if let Some(dir) = path.parent() {
            // The new name survives a crash (best effort: not every platform syncs a folder).
            let _ = std::fs::File::open(dir).and_then(|d| d.sync_all());
        }
        Ok(Self::from_bytes(bytes))
    }

    /// Seals `plaintext`; `context` (the column and row) must be given again to open it.
    pub fn seal(&self, plaintext: &str, context: &str) -> StoreResult<String> {
        let nonce = random_bytes::<NONCE_LEN>()?;
        let sealed = self
            .cipher
            .encrypt(
                &XNonce::from(nonce),
                chacha20poly1305::aead::Payload {
                    msg: plaintext.as_bytes(),
                    aad: context.as_bytes(),
                },
            )
            .map_err(|_| StoreError::other("sealing a secret failed"))?;
        let mut out = Vec::with_capacity(NONCE_LEN + sealed.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        Ok(format!("{PREFIX}{}", B64.encode(out)))
    }

    /// Opens what [`AtRestKey::seal`] sealed with the same `context`. A value that is not
    /// sealed, sealed under another key or for another context is `Corrupt` (the message
    /// names the context, never the value).
    pub fn open(&self, sealed: &str, context: &str) -> StoreResult<String> {
        let bad = || {
            StoreError::corrupt(format!(
                "{context}: the stored secret does not open with this secrets key"
            ))
        };
        let bytes = sealed
            .strip_prefix(PREFIX)
            .and_then(|b| B64.decode(b).ok())
            .filter(|b| b.len() > NONCE_LEN)
            .ok_or_else(bad)?;
        let (nonce, ciphertext) = bytes.split_at(NONCE_LEN);
        let nonce: [u8; NONCE_LEN] = nonce.try_into().map_err(|_| bad())?;
        let plain = self
            .cipher
            .decrypt(
                &XNonce::from(nonce),
                chacha20poly1305::aead::Payload {
                    msg: ciphertext,
                    aad: context.as_bytes(),
                },
            )
            .map_err(|_| bad())?;
        String::from_utf8(plain).map_err(|_| bad())
    }
}

fn io_error(e: std::io::Error, doing: &str, path: &Path) -> StoreError {
    let kind = StoreError::from(std::io::Error::new(e.kind(), "")).kind();
    StoreError::new(
        kind,
        format!("{doing} the secrets key file {}", path.display()),
    )
    .with_source(e)
}

fn random_bytes<const N: usize>() -> StoreResult<[u8; N]> {
    let mut bytes = [0u8; N];
    OsRandom::new()
        .fill(&mut bytes)
        .map_err(|e| StoreError::unavailable(format!("no operating-system randomness: {e}")))?;
    Ok(bytes)
}

/// Where an SQL directory gets its [`AtRestKey`] when it opens.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum KeySource {
    /// The key file at this path: read if it exists; created if it does not and the
    /// database holds no sealed secret yet; an error naming the file if it does not exist
    /// but the database holds secrets sealed under it (a new key would make every one of
    /// them unreadable).
    File(std::path::PathBuf),
    /// This key (which the database, if it holds sealed secrets, must have been sealed
    /// with).
    Key(AtRestKey),
}

impl KeySource {
    /// The key file [`KEY_FILE`] in `dir`.
    pub fn in_dir(dir: &Path) -> Self {
        Self::File(dir.join(KEY_FILE))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_file_round_trips_and_is_private() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join(KEY_FILE);
        assert!(AtRestKey::load(&path).unwrap().is_none());
        let key = AtRestKey::create(&path).unwrap();
        let sealed = key.seal("s3cret", "ctx").unwrap();
        let again = AtRestKey::load(&path).unwrap().unwrap();
        assert_eq!(again.open(&sealed, "ctx").unwrap(), "s3cret");
        assert!(
            AtRestKey::create(&path).is_err(),
            "never over an existing key"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
        let other = AtRestKey::generate().unwrap();
        assert!(other.open(&sealed, "ctx").is_err());
        assert_ne!(key.seal("s3cret", "ctx").unwrap(), sealed, "random nonces");
        std::fs::write(&path, "not a key").unwrap();
        let e = AtRestKey::load(&path).unwrap_err();
        assert!(e.to_string().contains(KEY_FILE), "{e}");
    }
}
