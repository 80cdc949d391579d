//! In-memory implementations of the storage traits: for tests, examples and a
//! single-process container that keeps nothing across restarts.
//!
//! [`MemoryDirectory`] implements [`AccountStore`], [`AppStore`], [`TokenStore`],
//! [`ShareStore`] and [`RecordDirectory`] at once; the nonce cache is
//! [`crate::nonce::MemoryNonceStore`].

use crate::error::{StorageError, StorageErrorKind};
use crate::principal::{AppId, UserId};
use crate::store::{
    Account, AccountStore, AppRecord, AppStore, RecordDirectory, ResetTicket, Share, ShareStore,
    TokenFilter, TokenRecord, TokenStore,
};
use crate::time::UnixTime;
use async_trait::async_trait;
use smart_core::RecordId;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Mutex, MutexGuard};

type ShareKey = (UserId, Option<RecordId>, AppId);

#[derive(Debug, Default)]
struct Data {
    accounts: HashMap<UserId, Account>,
    resets: HashMap<[u8; 32], ResetTicket>,
    apps: BTreeMap<AppId, AppRecord>,
    tokens: HashMap<String, TokenRecord>,
    shares: BTreeMap<ShareKey, Share>,
    records: BTreeSet<RecordId>,
}

/// Accounts, apps, tokens, shares and records in memory, behind one lock.
#[derive(Debug, Default)]
pub struct MemoryDirectory {
    data: Mutex<Data>,
}

fn conflict(what: &str) -> StorageError {
    StorageError::new(StorageErrorKind::Conflict, format!("{what} exists already"))
}

impl MemoryDirectory {
    /// An empty directory.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a record to the directory (records themselves live in the clinical store).
    pub fn add_record(&self, id: RecordId) {
        self.lock().records.insert(id);
    }

    /// How many tokens are stored (expired ones included).
    pub fn token_count(&self) -> usize {
        self.lock().tokens.len()
    }

    fn lock(&self) -> MutexGuard<'_, Data> {
        self.data
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[async_trait]
impl AccountStore for MemoryDirectory {
    async fn account(&self, user: &UserId) -> Result<Option<Account>, StorageError> {
        Ok(self.lock().accounts.get(user).cloned())
    }

    async fn insert_account(&self, account: Account) -> Result<(), StorageError> {
        let mut d = self.lock();
        if d.accounts.contains_key(&account.user) {
            return Err(conflict("the account"));
        }
        d.accounts.insert(account.user.clone(), account);
        Ok(())
    }

    async fn update_account(&self, account: Account) -> Result<bool, StorageError> {
        let mut d = self.lock();
        Ok(match d.accounts.get_mut(&account.user) {
            Some(slot) => {
                *slot = account;
                true
            }
            None => false,
        })
    }

    async fn put_reset_ticket(&self, ticket: ResetTicket) -> Result<(), StorageError> {
        let mut d = self.lock();
        d.resets.retain(|_, t| t.user != ticket.user);
        d.resets.insert(ticket.digest, ticket);
        Ok(())
    }

    async fn take_reset_ticket(
        &self,
        digest: &[u8; 32],
    ) -> Result<Option<ResetTicket>, StorageError> {
        Ok(self.lock().resets.remove(digest))
    }
}

#[async_trait]
impl AppStore for MemoryDirectory {
    async fn app(&self, id: &AppId) -> Result<Option<AppRecord>, StorageError> {
        Ok(self.lock().apps.get(id).cloned())
    }

    async fn insert_app(&self, app: AppRecord) -> Result<(), StorageError> {
        let mut d = self.lock();
        if d.apps.contains_key(&app.id) {
            return Err(conflict("the app"));
        }
        d.apps.insert(app.id.clone(), app);
        Ok(())
    }

    async fn update_app(&self, app: AppRecord) -> Result<bool, StorageError> {
        let mut d = self.lock();
        Ok(match d.apps.get_mut(&app.id) {
            Some(slot) => {
                *slot = app;
                true
            }
            None => false,
        })
    }

    async fn delete_app(&self, id: &AppId) -> Result<bool, StorageError> {
        Ok(self.lock().apps.remove(id).is_some())
    }

    async fn app_ids(&self) -> Result<Vec<AppId>, StorageError> {
        Ok(self.lock().apps.keys().cloned().collect())
    }
}

#[async_trait]
impl TokenStore for MemoryDirectory {
    async fn insert_token(&self, token: TokenRecord) -> Result<(), StorageError> {
        let mut d = self.lock();
        if d.tokens.contains_key(&token.token) {
            return Err(conflict("the token"));
        }
        d.tokens.insert(token.token.clone(), token);
        Ok(())
    }

    async fn token(&self, token: &str) -> Result<Option<TokenRecord>, StorageError> {
        Ok(self.lock().tokens.get(token).cloned())
    }

    async fn update_token(&self, token: TokenRecord) -> Result<bool, StorageError> {
        let mut d = self.lock();
        Ok(match d.tokens.get_mut(&token.token) {
            Some(slot) => {
                *slot = token;
                true
            }
            None => false,
        })
    }

    async fn take_token(&self, token: &str) -> Result<Option<TokenRecord>, StorageError> {
        Ok(self.lock().tokens.remove(token))
    }

    async fn revoke_tokens(&self, filter: &TokenFilter) -> Result<usize, StorageError> {
        let mut d = self.lock();
        let before = d.tokens.len();
        d.tokens.retain(|_, t| !filter.matches(t));
        Ok(before - d.tokens.len())
    }

    async fn remove_expired_tokens(&self, now: UnixTime) -> Result<usize, StorageError> {
        let mut d = self.lock();
        let before = d.tokens.len();
        d.tokens.retain(|_, t| !t.is_expired(now));
        Ok(before - d.tokens.len())
    }
}

#[async_trait]
impl ShareStore for MemoryDirectory {
    async fn share(
        &self,
        user: &UserId,
        record: Option<&RecordId>,
        app: &AppId,
    ) -> Result<Option<Share>, StorageError> {
        let key = (user.clone(), record.cloned(), app.clone());
        Ok(self.lock().shares.get(&key).cloned())
    }

    async fn put_share(&self, share: Share) -> Result<(), StorageError> {
        let key = (share.user.clone(), share.record.clone(), share.app.clone());
        self.lock().shares.insert(key, share);
        Ok(())
    }

    async fn remove_share(
        &self,
        user: &UserId,
        record: Option<&RecordId>,
        app: &AppId,
    ) -> Result<bool, StorageError> {
        let key = (user.clone(), record.cloned(), app.clone());
        Ok(self.lock().shares.remove(&key).is_some())
    }

    async fn remove_shares_of_app(&self, app: &AppId) -> Result<usize, StorageError> {
        let mut d = self.lock();
        let before = d.shares.len();
        d.shares.retain(|(_, _, a), _| a != app);
        Ok(before - d.shares.len())
    }

    async fn shares_of_user(&self, user: &UserId) -> Result<Vec<Share>, StorageError> {
        Ok(self
            .lock()
            .shares
            .values()
            .filter(|s| &s.user == user)
            .cloned()
            .collect())
    }
}

#[async_trait]
impl RecordDirectory for MemoryDirectory {
    async fn record_exists(&self, id: &RecordId) -> Result<bool, StorageError> {
        Ok(self.lock().records.contains(id))
    }

    async fn first_record(&self) -> Result<Option<RecordId>, StorageError> {
        Ok(self.lock().records.first().cloned())
    }

    async fn next_record(&self, after: &RecordId) -> Result<Option<RecordId>, StorageError> {
        use std::ops::Bound::{Excluded, Unbounded};
        Ok(self
            .lock()
            .records
            .range((Excluded(after), Unbounded))
            .next()
            .cloned())
    }
}
