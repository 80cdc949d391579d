//! Shared links: a user's read-only link to one app on one record, for someone without an
//! account, with an expiry and an optional PIN.
//!
//! The link token itself is never stored: a link is stored and found by the SHA-256 digest
//! of its token (so a look-up is by hash, and a leaked table does not open any link). The
//! PIN is stored as a password hash (PHC string, computed by the caller). Wrong PINs are
//! counted by the store in one statement, so concurrent guesses all count.

use super::StoreResult;
use super::types::{AppId, Timestamp, UserId, check_opaque};
use super::{StoreError, backend::constant_time_eq};
use async_trait::async_trait;
use smart_core::ids::RecordId;
use std::fmt;

/// A stored shared link.
#[expect(
    clippy::exhaustive_structs,
    reason = "every backend builds these records (smart-store's SQL rows, a vendor's store)"
)]
#[derive(Clone, PartialEq, Eq)]
pub struct SharedLink {
    /// SHA-256 of the link token: the link's key (its hex form names it in forms).
    pub digest: [u8; 32],
    /// Who made the link; the link acts for this account, read-only.
    pub owner: UserId,
    /// The one app it opens.
    pub app: AppId,
    /// The one record it opens the app on.
    pub record: RecordId,
    /// The PIN's hash (PHC string), if the link has a PIN.
    pub pin_hash: Option<String>,
    /// When it was made.
    pub created_at: Timestamp,
    /// When it stops working: it works strictly before this time.
    pub expires_at: Timestamp,
    /// True once the owner revoked it.
    pub revoked: bool,
    /// Wrong PINs since the last lock or the last right PIN.
    pub failed_pin_count: u32,
    /// Until when PINs are refused without being checked.
    pub pin_locked_until: Option<Timestamp>,
}

impl fmt::Debug for SharedLink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SharedLink")
            .field("owner", &self.owner)
            .field("app", &self.app)
            .field("record", &self.record)
            .field("pin", &self.pin_hash.as_ref().map(|_| "…"))
            .field("created_at", &self.created_at)
            .field("expires_at", &self.expires_at)
            .field("revoked", &self.revoked)
            .field("failed_pin_count", &self.failed_pin_count)
            .field("pin_locked_until", &self.pin_locked_until)
            .finish_non_exhaustive()
    }
}

impl SharedLink {
    /// A new link: not revoked, no failed PIN.
    pub fn new(
        digest: [u8; 32],
        owner: UserId,
        app: AppId,
        record: RecordId,
        pin_hash: Option<String>,
        created_at: Timestamp,
        expires_at: Timestamp,
    ) -> Self {
        Self {
            digest,
            owner,
            app,
            record,
            pin_hash,
            created_at,
            expires_at,
            revoked: false,
            failed_pin_count: 0,
            pin_locked_until: None,
        }
    }

    /// True if the link opens at `now`: not revoked and not expired.
    pub fn is_active_at(&self, now: Timestamp) -> bool {
        !self.revoked && now < self.expires_at
    }

    /// True if PINs are refused at `now` (too many wrong ones lately).
    pub fn pin_locked_at(&self, now: Timestamp) -> bool {
        self.pin_locked_until.is_some_and(|until| now < until)
    }

    /// The lower-case hex form of the digest (how forms and URLs name a link; it does not
    /// reveal the token).
    pub fn id(&self) -> String {
        smart_core::encoding::hex_lower(&self.digest)
    }

    /// True if `digest` is this link's (constant time).
    pub fn has_digest(&self, digest: &[u8; 32]) -> bool {
        constant_time_eq(
            &smart_core::encoding::hex_lower(&self.digest),
            &smart_core::encoding::hex_lower(digest),
        )
    }
}

/// Reads a link id (64 lower-case hex digits) back into a digest.
pub fn parse_link_id(id: &str) -> Option<[u8; 32]> {
    if id.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, pair) in id.as_bytes().chunks(2).enumerate() {
        let hi = smart_core::encoding::hex_digit(pair[0])?;
        let lo = smart_core::encoding::hex_digit(pair[1])?;
        out[i] = (hi << 4) | lo;
    }
    Some(out)
}

/// Checks a new link before it is stored: the expiry after the creation, a PIN hash of at
/// most 1024 printable characters.
pub fn check_shared_link(link: &SharedLink) -> StoreResult<()> {
    if link.expires_at <= link.created_at {
        return Err(StoreError::invalid(
            "a shared link must expire after it is created",
        ));
    }
    if let Some(hash) = &link.pin_hash {
        check_opaque("the PIN hash", hash, 1024)?;
    }
    Ok(())
}

/// Storage of shared links, keyed by the digest of the link token.
#[async_trait]
pub trait SharedLinkStore: Send + Sync + fmt::Debug {
    /// Stores a new link (as built by [`SharedLink::new`]). `NotFound` if the owner or the
    /// app does not exist, `Conflict` if the digest exists, `Invalid` (see
    /// [`check_shared_link`]).
    async fn create_shared_link(&self, link: SharedLink) -> StoreResult<SharedLink>;

    /// The link with this digest, whatever its state (expired and revoked ones included).
    async fn get_shared_link(&self, digest: &[u8; 32]) -> StoreResult<Option<SharedLink>>;

    /// The owner's links, newest first (expired and revoked ones included).
    async fn list_shared_links(&self, owner: &UserId) -> StoreResult<Vec<SharedLink>>;

    /// Marks the owner's link revoked. Returns whether the owner has such a link (a link
    /// of another owner is not touched).
    async fn revoke_shared_link(&self, owner: &UserId, digest: &[u8; 32]) -> StoreResult<bool>;

    /// Counts one wrong PIN, atomically: when the count reaches `max_failures`, the count
    /// restarts at zero and PINs are locked until `lock_until`. Returns the updated link,
    /// or `None` if there is none.
    async fn record_pin_failure(
        &self,
        digest: &[u8; 32],
        max_failures: u32,
        lock_until: Timestamp,
    ) -> StoreResult<Option<SharedLink>>;

    /// After a right PIN: the failure count restarts at zero.
    async fn clear_pin_failures(&self, digest: &[u8; 32]) -> StoreResult<()>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_bad_ids_are_refused() {
        let digest = [0xab; 32];
        let link = SharedLink::new(
            digest,
            UserId::new("a@x").unwrap(),
            AppId::new("app@x").unwrap(),
            RecordId::new("1").unwrap(),
            None,
            Timestamp::from_unix_millis(1),
            Timestamp::from_unix_millis(2),
        );
        assert_eq!(parse_link_id(&link.id()), Some(digest));
        assert!(link.has_digest(&digest));
        assert!(!link.has_digest(&[0; 32]));
        assert_eq!(parse_link_id("ab"), None);
        assert_eq!(parse_link_id(&"g".repeat(64)), None);
        assert!(link.is_active_at(Timestamp::from_unix_millis(1)));
        assert!(!link.is_active_at(Timestamp::from_unix_millis(2)));
    }
}
