//! Values shared by every part of the directory: identifiers, paging, limits, and
//! the input checks that every backend applies in the same way.

use super::{StoreError, StoreResult};
pub use crate::principal::{AppId, UserId};
pub use crate::time::Timestamp;
use std::time::Duration;

/// Checks a free-text field: at most `max_chars` characters and no control characters
/// other than tab. Empty is allowed.
pub fn check_text(what: &str, value: &str, max_chars: usize) -> StoreResult<()> {
    if value.chars().count() > max_chars {
        return Err(StoreError::invalid(format!(
            "{what} is longer than {max_chars} characters"
        )));
    }
    if value.chars().any(|c| c.is_control() && c != '\t') {
        return Err(StoreError::invalid(format!(
            "{what} contains a control character"
        )));
    }
    Ok(())
}

/// Checks an opaque secret or token value: 1 to `max_chars` printable ASCII characters.
pub fn check_opaque(what: &str, value: &str, max_chars: usize) -> StoreResult<()> {
    if value.is_empty() {
        return Err(StoreError::invalid(format!("{what} is empty")));
    }
    if value.len() > max_chars {
        return Err(StoreError::invalid(format!(
            "{what} is longer than {max_chars} characters"
        )));
    }
    if !value.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(StoreError::invalid(format!(
            "{what} contains a character outside printable ASCII"
        )));
    }
    Ok(())
}

/// Checks a MIME type as stored with app data and documents: `type/subtype`, printable
/// ASCII without spaces, at most 255 characters. Parameters (after `;`) are refused: the
/// caller strips them.
pub fn check_content_type(what: &str, value: &str) -> StoreResult<()> {
    let well_formed = !value.is_empty()
        && value.len() <= 255
        && value
            .bytes()
            .all(|b| b.is_ascii_graphic() && b != b';' && b != b',')
        && value
            .split_once('/')
            .is_some_and(|(t, s)| !t.is_empty() && !s.is_empty() && !s.contains('/'));
    if well_formed {
        Ok(())
    } else {
        Err(StoreError::invalid(format!(
            "{what}: content type {value:?} is not of the form type/subtype"
        )))
    }
}

/// The case-insensitive search key of a name.
pub fn search_key(name: &str) -> String {
    name.to_lowercase()
}

/// Which slice of a listing to return: skip `offset` items, return at most `limit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[expect(
    clippy::exhaustive_structs,
    reason = "an offset and a limit, nothing more"
)]
pub struct Page {
    /// How many items to skip.
    pub offset: u64,
    /// How many items to return at most; clamped to `1..=`[`Page::MAX_LIMIT`].
    pub limit: u32,
}

impl Page {
    /// The largest page size; larger limits are reduced to this.
    pub const MAX_LIMIT: u32 = 1000;

    /// The first `limit` items.
    pub fn first(limit: u32) -> Self {
        Self { offset: 0, limit }
    }

    /// `limit` items after skipping `offset`.
    pub fn new(offset: u64, limit: u32) -> Self {
        Self { offset, limit }
    }

    /// The limit actually used.
    pub fn effective_limit(self) -> u32 {
        self.limit.clamp(1, Self::MAX_LIMIT)
    }

    /// The page after this one, given that this one was full.
    fn following(self) -> Self {
        let limit = self.effective_limit();
        Self {
            offset: self.offset.saturating_add(u64::from(limit)),
            limit,
        }
    }
}

/// One page of a listing, and the page after it if there are more items.
#[derive(Debug, Clone, PartialEq, Eq)]
#[expect(
    clippy::exhaustive_structs,
    reason = "a page and the way to the next, nothing more"
)]
pub struct Paged<T> {
    /// The items of this page, in the listing's order.
    pub items: Vec<T>,
    /// The next page, or `None` if this was the last.
    pub next: Option<Page>,
}

impl<T> Paged<T> {
    /// Builds a page from up to `limit + 1` fetched items: the extra item only tells that
    /// there is a next page.
    pub fn from_overfetch(mut items: Vec<T>, page: Page) -> Self {
        let limit = page.effective_limit() as usize;
        let next = if items.len() > limit {
            items.truncate(limit);
            Some(page.following())
        } else {
            None
        };
        Self { items, next }
    }
}

/// Settings every backend honours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct DirectoryConfig {
    /// The largest scratchpad or preferences body accepted, in bytes (default 1 MiB).
    /// Larger bodies are refused with [`ErrorKind::Invalid`](crate::error::StorageErrorKind::Invalid).
    pub max_app_data_bytes: usize,
    /// How far an OAuth request timestamp may lie from the current time, either way, for
    /// its nonce to be accepted (default 5 minutes).
    pub nonce_window: Duration,
}

impl DirectoryConfig {
    /// Sets [`DirectoryConfig::max_app_data_bytes`].
    pub fn with_max_app_data_bytes(mut self, bytes: usize) -> Self {
        self.max_app_data_bytes = bytes;
        self
    }

    /// Sets [`DirectoryConfig::nonce_window`].
    pub fn with_nonce_window(mut self, window: Duration) -> Self {
        self.nonce_window = window;
        self
    }
}

impl Default for DirectoryConfig {
    fn default() -> Self {
        Self {
            max_app_data_bytes: 1024 * 1024,
            nonce_window: Duration::from_secs(300),
        }
    }
}

/// The SHA-256 digest of a secret that is only ever compared, never read back (a reset
/// code, a shared link's token; what the SQL backends store of a token string or a
/// verifier). The one hash function for such values in the workspace.
pub fn sha256(value: &str) -> [u8; 32] {
    use sha2::Digest as _;
    sha2::Sha256::digest(value.as_bytes()).into()
}

/// [`sha256`] as 64 lower-case hex digits: the stored form of a value that is looked up
/// or compared but never needed in clear (a copy of the database then does not reveal
/// it, and a look-up by the value is a look-up by its digest).
pub fn secret_digest(value: &str) -> String {
    smart_core::encoding::hex_lower(&sha256(value))
}

/// Compares two secrets in time that depends only on their lengths.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_digest_is_hex_sha256() {
        assert_eq!(
            secret_digest("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(sha256("abc")[0], 0xba);
    }

    #[test]
    fn ids_are_checked_once_at_construction_and_refusals_are_invalid() {
        // The directory uses smart-auth's ids: one validation for every layer.
        assert_eq!(
            UserId::new("Alice@Example.ORG").unwrap().as_str(),
            "alice@example.org"
        );
        assert_eq!(
            UserId::new("ÉLODIE@exemple.fr").unwrap().as_str(),
            "élodie@exemple.fr"
        );
        for bad in ["", "a b@x", "a/b", "a\u{0}b"] {
            let e = StoreError::from(UserId::new(bad).unwrap_err());
            assert_eq!(e.kind(), crate::error::StorageErrorKind::Invalid, "{bad:?}");
        }
        assert!(UserId::new("x".repeat(255)).is_err());
        assert!(AppId::new("a b").is_err());
        assert_eq!(
            AppId::new("Med-List@apps").unwrap().as_str(),
            "Med-List@apps"
        );
    }

    #[test]
    fn content_types_are_type_slash_subtype() {
        assert!(check_content_type("t", "text/plain").is_ok());
        assert!(check_content_type("t", "application/vnd.x+json").is_ok());
        for bad in [
            "",
            "text",
            "text/",
            "/x",
            "text/plain; charset=utf-8",
            "a/b/c",
        ] {
            assert!(check_content_type("t", bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn pages_clamp_and_advance() {
        assert_eq!(Page::first(0).effective_limit(), 1);
        assert_eq!(Page::first(5000).effective_limit(), Page::MAX_LIMIT);
        let paged = Paged::from_overfetch(vec![1, 2, 3], Page::new(4, 2));
        assert_eq!(paged.items, vec![1, 2]);
        assert_eq!(paged.next, Some(Page::new(6, 2)));
        assert_eq!(Paged::from_overfetch(vec![1], Page::first(2)).next, None);
    }

    #[test]
    fn secrets_compare_by_value() {
        assert!(constant_time_eq("abc", "abc"));
        assert!(!constant_time_eq("abc", "abd"));
        assert!(!constant_time_eq("abc", "ab"));
    }
}
