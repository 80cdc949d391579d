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
use smart_auth::directory::{
    Account, AccountQuery, AccountStore, AccountUpdate, App, AppStore, NewAccount, NewApp,
    OAuthToken, Page, Paged, ResetTicket, SecretPolicy, Share, ShareStore, TokenKind, TokenStore,
};
use smart_auth::error::StorageError;
use smart_auth::{AppId, Timestamp, UserId};
use smart_core::RecordId;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

type Result<T> = std::result::Result<T, StorageError>;

/// At most this many apps and tokens are cached; when full, the cache starts afresh.
const MAX_ENTRIES: usize = 100_000;

#[derive(Debug, Default)]
struct Entries {
    generation: u64,
    apps: HashMap<AppId, Option<App>>,
    tokens: HashMap<String, OAuthToken>,
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
    async fn write<T>(&self, op: impl std::future::Future<Output = Result<T>>) -> Result<T> {
        let result = op.await;
        self.written();
        result
    }
}

#[async_trait]
impl AppStore for CachedAuthStores {
    async fn register_app(&self, app: NewApp, secret: SecretPolicy, now: Timestamp) -> Result<App> {
        self.write(self.apps.register_app(app, secret, now)).await
    }

    async fn get_app(&self, id: &AppId) -> Result<Option<App>> {
        let generation = {
            let e = self.lock();
            if let Some(hit) = e.apps.get(id) {
                return Ok(hit.clone());
            }
            e.generation
        };
        let read = self.apps.get_app(id).await?;
        let mut e = self.lock();
        if e.generation == generation {
            if e.apps.len() >= MAX_ENTRIES {
                e.apps.clear();
            }
            e.apps.insert(id.clone(), read.clone());
        }
        Ok(read)
    }

    async fn list_apps(&self) -> Result<Vec<App>> {
        self.apps.list_apps().await
    }

    async fn delete_app(&self, id: &AppId) -> Result<bool> {
        self.write(self.apps.delete_app(id)).await
    }

    async fn set_app_enabled(
        &self,
        account: &UserId,
        app: &AppId,
        enabled: bool,
        now: Timestamp,
    ) -> Result<()> {
        self.write(self.apps.set_app_enabled(account, app, enabled, now))
            .await
    }

    async fn is_app_enabled(&self, account: &UserId, app: &AppId) -> Result<bool> {
        self.apps.is_app_enabled(account, app).await
    }

    async fn enabled_apps(&self, account: &UserId) -> Result<Vec<App>> {
        self.apps.enabled_apps(account).await
    }
}

#[async_trait]
impl TokenStore for CachedAuthStores {
    async fn insert_token(&self, token: OAuthToken) -> Result<OAuthToken> {
        self.write(self.tokens.insert_token(token)).await
    }

    async fn find_token(&self, token: &str) -> Result<Option<OAuthToken>> {
        let generation = {
            let e = self.lock();
            if let Some(hit) = e.tokens.get(token) {
                return Ok(Some(hit.clone()));
            }
            e.generation
        };
        // Unknown tokens are not cached: a guessed token must not fill the cache.
        let Some(read) = self.tokens.find_token(token).await? else {
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

    async fn authorize_request_token(
        &self,
        token: &str,
        account: &UserId,
        verifier: &str,
        now: Timestamp,
    ) -> Result<OAuthToken> {
        self.write(
            self.tokens
                .authorize_request_token(token, account, verifier, now),
        )
        .await
    }

    async fn consume_verifier(
        &self,
        token: &str,
        verifier: &str,
        now: Timestamp,
    ) -> Result<Option<OAuthToken>> {
        self.write(self.tokens.consume_verifier(token, verifier, now))
            .await
    }

    async fn revoke_token(&self, token: &str) -> Result<bool> {
        self.write(self.tokens.revoke_token(token)).await
    }

    async fn revoke_app_tokens(&self, app: &AppId) -> Result<u64> {
        self.write(self.tokens.revoke_app_tokens(app)).await
    }

    async fn revoke_account_tokens(&self, account: &UserId) -> Result<u64> {
        self.write(self.tokens.revoke_account_tokens(account)).await
    }

    async fn revoke_account_tokens_of_kind(
        &self,
        account: &UserId,
        kind: TokenKind,
    ) -> Result<u64> {
        self.write(self.tokens.revoke_account_tokens_of_kind(account, kind))
            .await
    }

    async fn revoke_child_tokens(&self, parent: &str) -> Result<u64> {
        self.write(self.tokens.revoke_child_tokens(parent)).await
    }

    async fn revoke_app_account_tokens(&self, app: &AppId, account: &UserId) -> Result<u64> {
        self.write(self.tokens.revoke_app_account_tokens(app, account))
            .await
    }

    async fn revoke_grant_tokens(
        &self,
        app: &AppId,
        account: &UserId,
        record: Option<&RecordId>,
    ) -> Result<u64> {
        self.write(self.tokens.revoke_grant_tokens(app, account, record))
            .await
    }

    async fn cleanup_expired(&self, now: Timestamp) -> Result<u64> {
        self.write(self.tokens.cleanup_expired(now)).await
    }
}

#[async_trait]
impl AccountStore for CachedAuthStores {
    async fn create_account(&self, account: NewAccount, now: Timestamp) -> Result<Account> {
        self.write(self.accounts.create_account(account, now)).await
    }

    async fn get_account(&self, id: &UserId) -> Result<Option<Account>> {
        self.accounts.get_account(id).await
    }

    async fn update_account(
        &self,
        id: &UserId,
        update: AccountUpdate,
        now: Timestamp,
    ) -> Result<Account> {
        self.write(self.accounts.update_account(id, update, now))
            .await
    }

    async fn delete_account(&self, id: &UserId) -> Result<bool> {
        self.write(self.accounts.delete_account(id)).await
    }

    async fn search_accounts(&self, query: &AccountQuery, page: Page) -> Result<Paged<Account>> {
        self.accounts.search_accounts(query, page).await
    }

    async fn record_login_success(&self, id: &UserId, now: Timestamp) -> Result<Account> {
        self.write(self.accounts.record_login_success(id, now))
            .await
    }

    async fn record_login_failure(
        &self,
        id: &UserId,
        now: Timestamp,
        lock_after: Option<u32>,
    ) -> Result<Account> {
        self.write(self.accounts.record_login_failure(id, now, lock_after))
            .await
    }

    async fn put_reset_ticket(&self, ticket: ResetTicket) -> Result<()> {
        self.write(self.accounts.put_reset_ticket(ticket)).await
    }

    async fn take_reset_ticket(&self, digest: &[u8; 32]) -> Result<Option<ResetTicket>> {
        self.write(self.accounts.take_reset_ticket(digest)).await
    }
}

#[async_trait]
impl ShareStore for CachedAuthStores {
    async fn grant_share(
        &self,
        account: &UserId,
        record: Option<&RecordId>,
        app: &AppId,
        now: Timestamp,
    ) -> Result<Share> {
        self.write(self.shares.grant_share(account, record, app, now))
            .await
    }

    async fn get_share(
        &self,
        account: &UserId,
        record: Option<&RecordId>,
        app: &AppId,
    ) -> Result<Option<Share>> {
        self.shares.get_share(account, record, app).await
    }

    async fn list_account_shares(&self, account: &UserId) -> Result<Vec<Share>> {
        self.shares.list_account_shares(account).await
    }

    async fn revoke_share(
        &self,
        account: &UserId,
        record: Option<&RecordId>,
        app: &AppId,
    ) -> Result<bool> {
        self.write(self.shares.revoke_share(account, record, app))
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use smart_auth::directory::{MemoryDirectory, NewApp, SecretPolicy};
    use smart_core::manifest::{AppManifest, AppMode};

    const APP: &str = "a@apps.example.org";

    async fn cached() -> (Arc<MemoryDirectory>, CachedAuthStores) {
        let dir = Arc::new(MemoryDirectory::new());
        let manifest = AppManifest::new("A", "An app", APP, AppMode::Background);
        dir.register_app(NewApp::new(manifest, "secret"), SecretPolicy::Keep, at(0))
            .await
            .unwrap();
        let c = CachedAuthStores::new(dir.clone(), dir.clone(), dir.clone(), dir.clone());
        (dir, c)
    }

    fn at(secs: i64) -> Timestamp {
        Timestamp::from_unix_secs(1_000_000_000 + secs)
    }

    fn token(name: &str) -> OAuthToken {
        OAuthToken::new(
            name,
            "s",
            TokenKind::Background,
            Some(AppId::new(APP).unwrap()),
            at(0),
            at(1_000_000_000),
        )
    }

    #[tokio::test]
    async fn a_revoked_token_is_gone_at_the_next_read() {
        let (_, c) = cached().await;
        c.insert_token(token("t1")).await.unwrap();
        assert!(c.find_token("t1").await.unwrap().is_some());
        assert!(c.find_token("t1").await.unwrap().is_some()); // now from the cache
        assert!(c.revoke_token("t1").await.unwrap());
        assert!(c.find_token("t1").await.unwrap().is_none());
    }

    #[tokio::test]
    async fn any_write_empties_the_cache_even_one_to_another_store() {
        let (dir, c) = cached().await;
        c.insert_token(token("t2")).await.unwrap();
        assert!(c.find_token("t2").await.unwrap().is_some());
        // Behind the cache's back (as a cascade in the directory would)...
        dir.revoke_token("t2").await.unwrap();
        assert!(c.find_token("t2").await.unwrap().is_some(), "still cached");
        // ...then any write through the cache, here to shares, makes it read again.
        let _ = c
            .revoke_share(
                &UserId::new("nobody@example.org").unwrap(),
                None,
                &AppId::new(APP).unwrap(),
            )
            .await;
        assert!(c.find_token("t2").await.unwrap().is_none());
    }

    #[tokio::test]
    async fn unknown_tokens_are_not_cached() {
        let (_, c) = cached().await;
        assert!(c.find_token("nope").await.unwrap().is_none());
        assert!(c.lock().tokens.is_empty());
    }
}
