//! An in-process cache of the two look-ups every signed request makes (the app, then the
//! token), in front of smart-auth's stores.
//!
//! Revocation must still take effect at the next request, so **every** write through any
//! of the wrapped stores (accounts, apps, tokens, shares: a write to one may cascade to
//! tokens in the directory) empties the cache, and bumps a generation counter under the
//! same lock. A reader notes the generation before it reads the directory and files what
//! it read only if no write happened meanwhile, so a value read before a revocation is
//! never cached after it.
//!
//! This is correct only while every write to the directory goes through these stores in
//! this process. The container turns it on for the embedded default alone: the running
//! server holds the data directory's lock, so no other process can open it; and the
//! server's own directory writes (app data, the record registry, housekeeping of expired
//! tokens) do not change apps or live tokens.

use async_trait::async_trait;
use smart_auth::error::StorageError;
use smart_auth::store::{
    Account, AccountStore, AppRecord, AppStore, ResetTicket, Share, ShareStore, TokenFilter,
    TokenRecord, TokenStore,
};
use smart_auth::{AppId, UnixTime, UserId};
use smart_core::RecordId;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// At most this many apps and tokens are cached; when full, the cache starts afresh.
const MAX_ENTRIES: usize = 100_000;

#[derive(Debug, Default)]
struct Entries {
    generation: u64,
    apps: HashMap<AppId, Option<AppRecord>>,
    tokens: HashMap<String, TokenRecord>,
}

/// The cache over the four stores (see the module docs).
#[derive(Debug)]
pub(crate) struct CachedAuthStores {
    accounts: Arc<dyn AccountStore>,
    apps: Arc<dyn AppStore>,
    tokens: Arc<dyn TokenStore>,
    shares: Arc<dyn ShareStore>,
    entries: Mutex<Entries>,
}

impl CachedAuthStores {
    pub(crate) fn new(
        accounts: Arc<dyn AccountStore>,
        apps: Arc<dyn AppStore>,
        tokens: Arc<dyn TokenStore>,
        shares: Arc<dyn ShareStore>,
    ) -> Self {
        Self {
            accounts,
            apps,
            tokens,
            shares,
            entries: Mutex::new(Entries::default()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Entries> {
        self.entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// After any write, successful or not.
    fn written(&self) {
        let mut e = self.lock();
        e.generation += 1;
        e.apps.clear();
        e.tokens.clear();
    }

    /// Runs a write, then empties the cache.
    async fn write<T>(
        &self,
        op: impl std::future::Future<Output = Result<T, StorageError>>,
    ) -> Result<T, StorageError> {
        let result = op.await;
        self.written();
        result
    }
}

#[async_trait]
impl AppStore for CachedAuthStores {
    async fn app(&self, id: &AppId) -> Result<Option<AppRecord>, StorageError> {
        let generation = {
            let e = self.lock();
            if let Some(hit) = e.apps.get(id) {
                return Ok(hit.clone());
            }
            e.generation
        };
        let read = self.apps.app(id).await?;
        let mut e = self.lock();
        if e.generation == generation {
            if e.apps.len() >= MAX_ENTRIES {
                e.apps.clear();
            }
            e.apps.insert(id.clone(), read.clone());
        }
        Ok(read)
    }

    async fn insert_app(&self, app: AppRecord) -> Result<(), StorageError> {
        self.write(self.apps.insert_app(app)).await
    }

    async fn update_app(&self, app: AppRecord) -> Result<bool, StorageError> {
        self.write(self.apps.update_app(app)).await
    }

    async fn delete_app(&self, id: &AppId) -> Result<bool, StorageError> {
        self.write(self.apps.delete_app(id)).await
    }

    async fn app_ids(&self) -> Result<Vec<AppId>, StorageError> {
        self.apps.app_ids().await
    }
}

#[async_trait]
impl TokenStore for CachedAuthStores {
    async fn insert_token(&self, token: TokenRecord) -> Result<(), StorageError> {
        self.write(self.tokens.insert_token(token)).await
    }

    async fn token(&self, token: &str) -> Result<Option<TokenRecord>, StorageError> {
        let generation = {
            let e = self.lock();
            if let Some(hit) = e.tokens.get(token) {
                return Ok(Some(hit.clone()));
            }
            e.generation
        };
        // Unknown tokens are not cached: a guessed token must not fill the cache.
        let Some(read) = self.tokens.token(token).await? else {
            return Ok(None);
        };
        let mut e = self.lock();
        if e.generation == generation {
            if e.tokens.len() >= MAX_ENTRIES {
                e.tokens.clear();
            }
            e.tokens.insert(token.to_owned(), read.clone());
        }
        Ok(Some(read))
    }

    async fn update_token(&self, token: TokenRecord) -> Result<bool, StorageError> {
        self.write(self.tokens.update_token(token)).await
    }

    async fn take_token(&self, token: &str) -> Result<Option<TokenRecord>, StorageError> {
        self.write(self.tokens.take_token(token)).await
    }

    async fn revoke_tokens(&self, filter: &TokenFilter) -> Result<usize, StorageError> {
        self.write(self.tokens.revoke_tokens(filter)).await
    }

    async fn remove_expired_tokens(&self, now: UnixTime) -> Result<usize, StorageError> {
        self.write(self.tokens.remove_expired_tokens(now)).await
    }
}

#[async_trait]
impl AccountStore for CachedAuthStores {
    async fn account(&self, user: &UserId) -> Result<Option<Account>, StorageError> {
        self.accounts.account(user).await
    }

    async fn insert_account(&self, account: Account) -> Result<(), StorageError> {
        self.write(self.accounts.insert_account(account)).await
    }

    async fn update_account(&self, account: Account) -> Result<bool, StorageError> {
        self.write(self.accounts.update_account(account)).await
    }

    async fn put_reset_ticket(&self, ticket: ResetTicket) -> Result<(), StorageError> {
        self.write(self.accounts.put_reset_ticket(ticket)).await
    }

    async fn take_reset_ticket(
        &self,
        digest: &[u8; 32],
    ) -> Result<Option<ResetTicket>, StorageError> {
        self.write(self.accounts.take_reset_ticket(digest)).await
    }
}

#[async_trait]
impl ShareStore for CachedAuthStores {
    async fn share(
        &self,
        user: &UserId,
        record: Option<&RecordId>,
        app: &AppId,
    ) -> Result<Option<Share>, StorageError> {
        self.shares.share(user, record, app).await
    }

    async fn put_share(&self, share: Share) -> Result<(), StorageError> {
        self.write(self.shares.put_share(share)).await
    }

    async fn remove_share(
        &self,
        user: &UserId,
        record: Option<&RecordId>,
        app: &AppId,
    ) -> Result<bool, StorageError> {
        self.write(self.shares.remove_share(user, record, app))
            .await
    }

    async fn remove_shares_of_app(&self, app: &AppId) -> Result<usize, StorageError> {
        self.write(self.shares.remove_shares_of_app(app)).await
    }

    async fn shares_of_user(&self, user: &UserId) -> Result<Vec<Share>, StorageError> {
        self.shares.shares_of_user(user).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use smart_auth::Secret;
    use smart_auth::memory::MemoryDirectory;
    use smart_auth::store::TokenKind;

    fn cached() -> (Arc<MemoryDirectory>, CachedAuthStores) {
        let dir = Arc::new(MemoryDirectory::new());
        let c = CachedAuthStores::new(dir.clone(), dir.clone(), dir.clone(), dir.clone());
        (dir, c)
    }

    fn token(name: &str) -> TokenRecord {
        TokenRecord::new(
            name.to_owned(),
            Secret::new("s"),
            TokenKind::Background,
            UnixTime::from_secs(1_000_000_000),
            UnixTime::from_secs(2_000_000_000),
        )
    }

    #[tokio::test]
    async fn a_revoked_token_is_gone_at_the_next_read() {
        let (_, c) = cached();
        c.insert_token(token("t1")).await.unwrap();
        assert!(c.token("t1").await.unwrap().is_some());
        assert!(c.token("t1").await.unwrap().is_some()); // now from the cache
        assert!(c.take_token("t1").await.unwrap().is_some());
        assert!(c.token("t1").await.unwrap().is_none());
    }

    #[tokio::test]
    async fn any_write_empties_the_cache_even_one_to_another_store() {
        let (dir, c) = cached();
        c.insert_token(token("t2")).await.unwrap();
        assert!(c.token("t2").await.unwrap().is_some());
        // Behind the cache's back (as a cascade in the directory would)...
        dir.take_token("t2").await.unwrap();
        assert!(c.token("t2").await.unwrap().is_some(), "still cached");
        // ...then any write through the cache, here to shares, makes it read again.
        let _ = c.remove_shares_of_app(&AppId::new("a@b.c").unwrap()).await;
        assert!(c.token("t2").await.unwrap().is_none());
    }

    #[tokio::test]
    async fn unknown_tokens_are_not_cached() {
        let (_, c) = cached();
        assert!(c.token("nope").await.unwrap().is_none());
        assert!(c.lock().tokens.is_empty());
    }
}
