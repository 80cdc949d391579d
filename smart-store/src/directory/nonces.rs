//! OAuth nonces: the replay guard.

use super::types::{Timestamp, check_opaque};
use crate::error::StoreResult;
use async_trait::async_trait;
use std::fmt;

/// Storage of the OAuth nonces seen recently.
///
/// Each (consumer, token, nonce, timestamp) is accepted at most once while its timestamp
/// is inside the window ([`DirectoryConfig::nonce_window`](super::DirectoryConfig), either
/// side of the current time). Outside the window it is refused anyway, so
/// [`NonceStore::purge_older_than`] may forget nonces whose timestamp is older than
/// `now - window` without opening the door to replays.
#[async_trait]
pub trait NonceStore: Send + Sync + fmt::Debug {
    /// Accepts the nonce (returns `true`) if its timestamp is within the window around
    /// `now` and the same (consumer, token, nonce, timestamp) was not accepted before;
    /// otherwise returns `false`. Atomic, also across processes sharing a database: of
    /// concurrent calls with the same values exactly one returns `true`. `token` is
    /// `None` for two-legged requests.
    async fn check_and_insert(
        &self,
        consumer: &str,
        token: Option<&str>,
        nonce: &str,
        timestamp: Timestamp,
        now: Timestamp,
    ) -> StoreResult<bool>;

    /// Forgets the nonces whose request timestamp is before `cutoff` (normally
    /// `now - window`). Returns how many.
    async fn purge_older_than(&self, cutoff: Timestamp) -> StoreResult<u64>;
}

/// Checks the parts of a nonce key.
pub(crate) fn check_nonce_key(consumer: &str, token: Option<&str>, nonce: &str) -> StoreResult<()> {
    check_opaque("OAuth consumer key", consumer, 256)?;
    if let Some(token) = token {
        check_opaque("OAuth token", token, 256)?;
    }
    check_opaque("OAuth nonce", nonce, 256)
}

/// Whether `timestamp` lies within `window` of `now`, either way.
pub(crate) fn in_window(timestamp: Timestamp, now: Timestamp, window: std::time::Duration) -> bool {
    timestamp >= now.saturating_sub(window) && timestamp <= now.saturating_add(window)
}
