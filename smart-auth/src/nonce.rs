//! Replay protection: the [`NonceStore`] trait and the bounded in-memory
//! [`MemoryNonceStore`].
//!
//! A nonce is remembered per (consumer, token, nonce, timestamp), only **after** the
//! request's signature has verified (so unauthenticated traffic cannot fill the cache), and
//! only for as long as its timestamp stays inside the window: after that the timestamp
//! check refuses the request anyway. A single node keeps nonces in memory (the hot path
//! never waits on a database); several nodes behind one load balancer must share them
//! through a `NonceStore` backed by their database.

use crate::error::{StorageError, StorageErrorKind};
use crate::time::{Clock, Timestamp};
use async_trait::async_trait;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::sync::Mutex;

/// What identifies one use of a nonce.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct NonceKey {
    /// `oauth_consumer_key`.
    pub consumer: String,
    /// `oauth_token`, if any.
    pub token: Option<String>,
    /// `oauth_nonce`.
    pub nonce: String,
    /// `oauth_timestamp`.
    pub timestamp: Timestamp,
}

impl NonceKey {
    /// A key.
    pub fn new(consumer: &str, token: Option<&str>, nonce: &str, timestamp: Timestamp) -> Self {
        Self {
            consumer: consumer.to_owned(),
            token: token.map(str::to_owned),
            nonce: nonce.to_owned(),
            timestamp,
        }
    }

    /// A fixed-size digest of the whole key (length-prefixed fields, SHA-256), for stores
    /// that prefer not to keep the strings.
    pub fn digest(&self) -> [u8; 32] {
        let mut h = Sha256::new();
        for part in [
            self.consumer.as_bytes(),
            self.token.as_deref().unwrap_or("").as_bytes(),
            self.nonce.as_bytes(),
        ] {
            h.update((part.len() as u64).to_be_bytes());
            h.update(part);
        }
        h.update([u8::from(self.token.is_some())]);
        h.update(self.timestamp.as_unix_millis().to_be_bytes());
        h.finalize().into()
    }
}

/// The answer of [`NonceStore::check_and_remember`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum NonceOutcome {
    /// First use: the nonce is now remembered.
    Fresh,
    /// Seen before: the request is a replay.
    Replayed,
}

impl NonceOutcome {
    /// [`NonceOutcome::Fresh`] if the store has just inserted the key, otherwise
    /// [`NonceOutcome::Replayed`].
    pub fn fresh_if(inserted: bool) -> Self {
        if inserted {
            Self::Fresh
        } else {
            Self::Replayed
        }
    }
}

/// Remembers nonces: the one replay guard of the workspace, implemented by the bounded
/// [`MemoryNonceStore`] (one node) and by every directory backend (its nonce table,
/// shared by every node that uses the same database). Implementations must make the check
/// and the insert one atomic step.
#[async_trait]
pub trait NonceStore: Send + Sync + fmt::Debug {
    /// If `key` was seen, [`NonceOutcome::Replayed`]; otherwise remembers it until
    /// `keep_until` (it may be forgotten after that) and answers [`NonceOutcome::Fresh`].
    /// A store that cannot remember more must fail (fail closed), not forget early. A
    /// directory also answers `Replayed` for a timestamp outside its own window around
    /// `now` ([`DirectoryConfig::nonce_window`](crate::directory::DirectoryConfig)),
    /// without storing it.
    async fn check_and_remember(
        &self,
        key: &NonceKey,
        now: Timestamp,
        keep_until: Timestamp,
    ) -> Result<NonceOutcome, StorageError>;

    /// Forgets the nonces whose request timestamp is before `cutoff` (normally
    /// `now - window`; they are refused by the timestamp check anyway). Returns how many.
    /// A store that forgets on its own (such as [`MemoryNonceStore`], which evicts at
    /// every check) keeps the default, which forgets nothing here.
    async fn purge_older_than(&self, cutoff: Timestamp) -> Result<u64, StorageError> {
        let _ = cutoff;
        Ok(0)
    }

    /// The time since which this store has remembered every nonce it was given. The
    /// verifier refuses timestamps older than this, so a node that restarts with an empty
    /// memory opens no replay window. `None` for a durable (shared) store.
    fn remembers_since(&self) -> Option<Timestamp> {
        None
    }
}

/// Size bounds of a [`MemoryNonceStore`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NonceLimits {
    max_entries: usize,
    max_per_consumer: usize,
}

impl NonceLimits {
    /// At most `max_entries` remembered nonces in all, and `max_per_consumer` for any one
    /// consumer (so that one busy or hostile app cannot crowd out the others).
    pub fn new(max_entries: usize, max_per_consumer: usize) -> Self {
        Self {
            max_entries: max_entries.max(1),
            max_per_consumer: max_per_consumer.clamp(1, max_entries.max(1)),
        }
    }
}

impl NonceLimits {
    /// What one consumer may hold while `active` consumers (itself included) hold nonces:
    /// a fair share that always leaves room for one more consumer,
    /// `max_entries / (active + 1)`, and never more than `max_per_consumer`. So two busy
    /// apps cannot fill the cache: alone an app gets half, two get a third each, and a
    /// newcomer still finds room (shares shrink as the older entries expire).
    fn cap_for(&self, active: usize) -> usize {
        let fair = self.max_entries / active.saturating_add(1);
        self.max_per_consumer.min(fair.max(1))
    }
}

impl Default for NonceLimits {
    /// One million entries (about 100 MB at worst), a quarter of them per consumer.
    fn default() -> Self {
        Self::new(1_000_000, 250_000)
    }
}

#[derive(Debug, Default)]
struct Inner {
    seen: HashSet<[u8; 32]>,
    by_expiry: BTreeMap<(Timestamp, u64), ([u8; 32], String)>,
    per_consumer: HashMap<String, usize>,
    seq: u64,
}

impl Inner {
    fn evict(&mut self, now: Timestamp) {
        while let Some(entry) = self.by_expiry.first_entry() {
            if entry.key().0 >= now {
                break;
            }
            let (digest, consumer) = entry.remove();
            self.seen.remove(&digest);
            if let Some(n) = self.per_consumer.get_mut(&consumer) {
                *n -= 1;
                if *n == 0 {
                    self.per_consumer.remove(&consumer);
                }
            }
        }
    }
}

/// A bounded in-memory nonce cache with time-based eviction, for a single node.
///
/// It remembers nonces only from its creation on ([`NonceStore::remembers_since`]), so
/// requests timestamped before the node started are refused.
#[derive(Debug)]
pub struct MemoryNonceStore {
    started: Timestamp,
    limits: NonceLimits,
    inner: Mutex<Inner>,
}

impl MemoryNonceStore {
    /// An empty cache that starts remembering now (rounded down to the whole second, the
    /// unit of OAuth timestamps, so a request signed in the second the node started is
    /// not refused).
    pub fn new(clock: &dyn Clock, limits: NonceLimits) -> Self {
        Self {
            started: Timestamp::from_unix_secs(clock.now().as_unix_secs()),
            limits,
            inner: Mutex::new(Inner::default()),
        }
    }

    /// How many nonces are remembered.
    pub fn len(&self) -> usize {
        self.lock().seen.len()
    }

    /// True if none is remembered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[async_trait]
impl NonceStore for MemoryNonceStore {
    async fn check_and_remember(
        &self,
        key: &NonceKey,
        now: Timestamp,
        keep_until: Timestamp,
    ) -> Result<NonceOutcome, StorageError> {
        let digest = key.digest();
        let mut inner = self.lock();
        inner.evict(now);
        if inner.seen.contains(&digest) {
            return Ok(NonceOutcome::Replayed);
        }
        if inner.seen.len() >= self.limits.max_entries {
            return Err(StorageError::new(
                StorageErrorKind::Unavailable,
                "the nonce cache is full",
            ));
        }
        let count = inner.per_consumer.get(&key.consumer).copied().unwrap_or(0);
        if count
            >= self
                .limits
                .cap_for(inner.per_consumer.len() + usize::from(count == 0))
        {
            return Err(StorageError::new(
                StorageErrorKind::Unavailable,
                "the nonce cache is full for this consumer (its fair share is used up)",
            ));
        }
        inner.seq += 1;
        let seq = inner.seq;
        inner.seen.insert(digest);
        inner
            .by_expiry
            .insert((keep_until, seq), (digest, key.consumer.clone()));
        *inner.per_consumer.entry(key.consumer.clone()).or_insert(0) += 1;
        Ok(NonceOutcome::Fresh)
    }

    fn remembers_since(&self) -> Option<Timestamp> {
        Some(self.started)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::ManualClock;

    fn t(s: i64) -> Timestamp {
        Timestamp::from_unix_secs(s)
    }

    fn block_on<F: std::future::Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(f)
    }

    #[test]
    fn remembers_then_forgets_after_keep_until() {
        let clock = ManualClock::new(t(1000));
        let store = MemoryNonceStore::new(&clock, NonceLimits::default());
        assert_eq!(store.remembers_since(), Some(t(1000)));
        let k = NonceKey::new("app", Some("tok"), "n1", t(1000));
        block_on(async {
            assert_eq!(
                store
                    .check_and_remember(&k, t(1000), t(1300))
                    .await
                    .unwrap(),
                NonceOutcome::Fresh
            );
            assert_eq!(
                store
                    .check_and_remember(&k, t(1200), t(1500))
                    .await
                    .unwrap(),
                NonceOutcome::Replayed
            );
            // Another token, nonce or timestamp is another key.
            let other = NonceKey::new("app", None, "n1", t(1000));
            assert_eq!(
                store
                    .check_and_remember(&other, t(1200), t(1300))
                    .await
                    .unwrap(),
                NonceOutcome::Fresh
            );
            assert_eq!(store.len(), 2);
            // After keep_until the entry is evicted.
            let k2 = NonceKey::new("app", None, "n2", t(1301));
            store
                .check_and_remember(&k2, t(1301), t(1600))
                .await
                .unwrap();
            assert_eq!(store.len(), 1);
        });
    }

    #[test]
    fn fails_closed_when_full() {
        let clock = ManualClock::new(t(0));
        // 6 entries, at most 2 per consumer (the fair share of one consumer alone is 3).
        let store = MemoryNonceStore::new(&clock, NonceLimits::new(6, 2));
        block_on(async {
            for n in ["a", "b"] {
                store
                    .check_and_remember(&NonceKey::new("x", None, n, t(1)), t(1), t(100))
                    .await
                    .unwrap();
            }
            let e = store
                .check_and_remember(&NonceKey::new("x", None, "c", t(1)), t(1), t(100))
                .await
                .unwrap_err();
            assert_eq!(e.kind(), StorageErrorKind::Unavailable);
            // Another consumer still gets in, up to its share (6 / 3 = 2 with x and y).
            for n in ["c", "d"] {
                store
                    .check_and_remember(&NonceKey::new("y", None, n, t(1)), t(1), t(100))
                    .await
                    .unwrap();
            }
            let e = store
                .check_and_remember(&NonceKey::new("y", None, "e", t(1)), t(1), t(100))
                .await
                .unwrap_err();
            assert_eq!(e.kind(), StorageErrorKind::Unavailable);
            // A third: its fair share is 6 / 4 = 1, and then the cache is not full yet.
            store
                .check_and_remember(&NonceKey::new("z", None, "c", t(1)), t(1), t(100))
                .await
                .unwrap();
            let e = store
                .check_and_remember(&NonceKey::new("z", None, "d", t(1)), t(1), t(100))
                .await
                .unwrap_err();
            assert_eq!(e.kind(), StorageErrorKind::Unavailable);
            // Time passes: everything expires and there is room again.
            store
                .check_and_remember(&NonceKey::new("z", None, "c", t(200)), t(200), t(300))
                .await
                .unwrap();
            assert_eq!(store.len(), 1);
        });
    }

    #[test]
    fn two_busy_consumers_cannot_fill_the_cache() {
        let clock = ManualClock::new(t(0));
        // The per-consumer bound alone (half the cache) would let two apps fill it.
        let store = MemoryNonceStore::new(&clock, NonceLimits::new(1200, 600));
        let fill = |consumer: &'static str| {
            let store = &store;
            async move {
                let mut n = 0;
                while store
                    .check_and_remember(
                        &NonceKey::new(consumer, None, &n.to_string(), t(1)),
                        t(1),
                        t(100),
                    )
                    .await
                    .is_ok()
                {
                    n += 1;
                }
                n
            }
        };
        block_on(async {
            // Alone: half. The second: a third of the cache. Room is left for others.
            assert_eq!(fill("busy").await, 600);
            assert_eq!(fill("greedy").await, 400);
            assert!(store.len() < 1200);
            // A newcomer is served (its share: 1200 / 4 = 300, of the 200 still free).
            assert_eq!(fill("newcomer").await, 200);
            assert_eq!(store.len(), 1200);
            // Once the entries expire, everyone is served again.
            store
                .check_and_remember(&NonceKey::new("busy", None, "late", t(200)), t(200), t(300))
                .await
                .unwrap();
        });
    }

    #[test]
    fn digests_separate_fields() {
        let a = NonceKey::new("ab", Some("c"), "n", t(1)).digest();
        let b = NonceKey::new("a", Some("bc"), "n", t(1)).digest();
        let c = NonceKey::new("a", None, "n", t(1)).digest();
        let d = NonceKey::new("a", Some(""), "n", t(1)).digest();
        assert_ne!(a, b);
        assert_ne!(c, d);
    }
}
