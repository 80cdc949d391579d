//! OAuth nonces: the checks every directory backend applies before it remembers one (the
//! trait is [`crate::nonce::NonceStore`]).

use super::StoreResult;
use super::types::{Timestamp, check_opaque};

/// Checks the parts of a nonce key: printable ASCII, at most 256 characters each.
pub fn check_nonce_key(consumer: &str, token: Option<&str>, nonce: &str) -> StoreResult<()> {
    check_opaque("OAuth consumer key", consumer, 256)?;
    if let Some(token) = token {
        check_opaque("OAuth token", token, 256)?;
    }
    check_opaque("OAuth nonce", nonce, 256)
}

/// Whether `timestamp` lies within `window` of `now`, either way: a directory remembers
/// only such nonces and counts any other as replayed.
pub fn in_window(timestamp: Timestamp, now: Timestamp, window: std::time::Duration) -> bool {
    timestamp >= now.saturating_sub(window) && timestamp <= now.saturating_add(window)
}
