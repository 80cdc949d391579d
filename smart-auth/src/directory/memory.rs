//! [`MemoryDirectory`]: the directory in process memory, with the same semantics as the SQL
//! backends (uniqueness, cascades, expiry, atomic single-use operations).

use super::StoreResult;
use super::accounts::{account_exists, account_not_found};
use super::app_data::{check_app_data, preferences_name, scratchpad_name};
use super::apps::app_not_found;
use super::nonces::{check_nonce_key, in_window};
use super::records::check_label;
use super::tokens::{authorize_refusal, token_exists};
use super::types::{constant_time_eq, search_key};
use super::*;
use crate::nonce::{NonceKey, NonceOutcome};
use async_trait::async_trait;
use smart_core::ids::RecordId;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Mutex, MutexGuard, PoisonError};

mod links;

/// The directory in memory. Cheap to create; everything is lost when it is dropped.
#[derive(Debug, Default)]
pub struct MemoryDirectory {
    config: DirectoryConfig,
    state: Mutex<State>,
    /// The access log, apart from `state`: appends come in batches from a background
    /// writer and should not contend with the directory's lock.
    access: Mutex<Vec<AccessEntry>>,
}

type NonceEntry = (String, String, String, Timestamp);

#[derive(Debug, Default)]
struct State {
    accounts: BTreeMap<UserId, Account>,
    apps: BTreeMap<AppId, App>,
    enablement: BTreeMap<(UserId, AppId), bool>,
    tokens: HashMap<String, OAuthToken>,
    shares: BTreeMap<(UserId, Option<RecordId>, AppId), Share>,
    nonces: HashSet<NonceEntry>,
    scratchpads: BTreeMap<(RecordId, AppId), AppData>,
    preferences: BTreeMap<(UserId, AppId), AppData>,
    records: BTreeMap<RecordId, RecordEntry>,
    launches: Vec<LaunchEvent>,
    resets: HashMap<[u8; 32], ResetTicket>,
    links: BTreeMap<[u8; 32], SharedLink>,
}

impl MemoryDirectory {
    /// An empty directory with the default configuration.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty directory with this configuration.
    pub fn with_config(config: DirectoryConfig) -> Self {
        Self {
            config,
            state: Mutex::default(),
            access: Mutex::default(),
        }
    }

    /// How many tokens are stored, expired ones included (for tests of housekeeping).
    pub fn token_count(&self) -> usize {
        self.state().tokens.len()
    }

    /// The access log entries, in order of appending.
    pub(super) fn access_entries(&self) -> MutexGuard<'_, Vec<AccessEntry>> {
        self.access.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // Every critical section leaves the maps consistent, so a panic elsewhere while
        // the lock was held does not make the data unusable.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl State {
    fn account_mut(&mut self, id: &UserId) -> StoreResult<&mut Account> {
        self.accounts
            .get_mut(id)
            .ok_or_else(|| account_not_found(id))
    }

    fn require_account(&self, id: &UserId) -> StoreResult<()> {
        if self.accounts.contains_key(id) {
            Ok(())
        } else {
            Err(account_not_found(id))
        }
    }

    fn require_app(&self, id: &AppId) -> StoreResult<()> {
        if self.apps.contains_key(id) {
            Ok(())
        } else {
            Err(app_not_found(id))
        }
    }
}

fn count(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

#[async_trait]
impl AccountStore for MemoryDirectory {
    async fn create_account(&self, new: NewAccount, now: Timestamp) -> StoreResult<Account> {
        let id = new.validate()?;
        let mut state = self.state();
        if state.accounts.contains_key(&id) {
            return Err(account_exists(&id));
        }
        let account = Account {
            id: id.clone(),
            email: new.email,
            given_name: new.given_name,
            family_name: new.family_name,
            department: new.department,
            role: new.role,
            password_hash: new.password_hash,
            state: new.state,
            failed_login_count: 0,
            total_login_count: 0,
            last_login_at: None,
            last_failed_login_at: None,
            created_at: now,
            updated_at: now,
            admin: new.admin,
            limited_to: new.limited_to,
            locked_until: None,
        };
        state.accounts.insert(id, account.clone());
        Ok(account)
    }

    async fn get_account(&self, id: &UserId) -> StoreResult<Option<Account>> {
        Ok(self.state().accounts.get(id).cloned())
    }

    async fn update_account(
        &self,
        id: &UserId,
        update: AccountUpdate,
        now: Timestamp,
    ) -> StoreResult<Account> {
        update.validate(id)?;
        let mut state = self.state();
        let account = state.account_mut(id)?;
        let AccountUpdate {
            given_name,
            family_name,
            department,
            role,
            password_hash,
            state: new_state,
            admin,
            limited_to,
            locked_until,
            failed_login_count,
            last_login_at,
        } = update;
        if let Some(v) = given_name {
            account.given_name = v;
        }
        if let Some(v) = family_name {
            account.family_name = v;
        }
        if let Some(v) = department {
            account.department = v;
        }
        if let Some(v) = role {
            account.role = v;
        }
        if password_hash.is_some() {
            account.password_hash = password_hash;
        }
        if let Some(v) = admin {
            account.admin = v;
        }
        if let Some(v) = limited_to {
            account.limited_to = v;
        }
        if let Some(v) = locked_until {
            account.locked_until = v;
        }
        if let Some(s) = new_state {
            if s == AccountState::Active && account.state != AccountState::Active {
                account.failed_login_count = 0;
            }
            account.state = s;
        }
        if let Some(v) = failed_login_count {
            account.failed_login_count = v;
        }
        if last_login_at.is_some() {
            account.last_login_at = last_login_at;
        }
        account.updated_at = now;
        Ok(account.clone())
    }

    async fn delete_account(&self, id: &UserId) -> StoreResult<bool> {
        let mut state = self.state();
        if state.accounts.remove(id).is_none() {
            return Ok(false);
        }
        state.enablement.retain(|(a, _), _| a != id);
        state.tokens.retain(|_, t| t.account.as_ref() != Some(id));
        state.shares.retain(|(a, _, _), _| a != id);
        state.preferences.retain(|(a, _), _| a != id);
        state.resets.retain(|_, t| &t.user != id);
        state.links.retain(|_, l| &l.owner != id);
        Ok(true)
    }

    async fn put_reset_ticket(&self, ticket: ResetTicket) -> StoreResult<()> {
        let mut state = self.state();
        if !state.accounts.contains_key(&ticket.user) {
            return Err(account_not_found(&ticket.user));
        }
        state.resets.retain(|_, t| t.user != ticket.user);
        state.resets.insert(ticket.digest, ticket);
        Ok(())
    }

    async fn take_reset_ticket(&self, digest: &[u8; 32]) -> StoreResult<Option<ResetTicket>> {
        Ok(self.state().resets.remove(digest))
    }

    async fn search_accounts(
        &self,
        query: &AccountQuery,
        page: Page,
    ) -> StoreResult<Paged<Account>> {
        let (given, family) = query.keys()?;
        let state = self.state();
        let mut hits: Vec<(String, String, &Account)> = state
            .accounts
            .values()
            .map(|a| (search_key(&a.family_name), search_key(&a.given_name), a))
            .filter(|(f, g, _)| f.starts_with(&family) && g.starts_with(&given))
            .collect();
        hits.sort_by(|x, y| (&x.0, &x.1, &x.2.id).cmp(&(&y.0, &y.1, &y.2.id)));
        let items = hits
            .into_iter()
            .skip(usize::try_from(page.offset).unwrap_or(usize::MAX))
            .take(page.effective_limit() as usize + 1)
            .map(|(_, _, a)| a.clone())
            .collect();
        Ok(Paged::from_overfetch(items, page))
    }

    async fn record_login_success(&self, id: &UserId, now: Timestamp) -> StoreResult<Account> {
        let mut state = self.state();
        let account = state.account_mut(id)?;
        account.failed_login_count = 0;
        account.total_login_count = account.total_login_count.saturating_add(1);
        account.last_login_at = Some(now);
        Ok(account.clone())
    }

    async fn record_login_failure(
        &self,
        id: &UserId,
        now: Timestamp,
        lock_after: Option<u32>,
    ) -> StoreResult<Account> {
        let mut state = self.state();
        let account = state.account_mut(id)?;
        account.failed_login_count = account.failed_login_count.saturating_add(1);
        account.last_failed_login_at = Some(now);
        if lock_after.is_some_and(|n| account.failed_login_count >= n)
            && account.state == AccountState::Active
        {
            account.state = AccountState::Locked;
        }
        Ok(account.clone())
    }
}

#[async_trait]
impl AppStore for MemoryDirectory {
    async fn register_app(
        &self,
        new: NewApp,
        secret: SecretPolicy,
        now: Timestamp,
    ) -> StoreResult<App> {
        let (id, _) = new.validate()?;
        let mut state = self.state();
        let app = match state.apps.get(&id) {
            Some(old) => App {
                id: id.clone(),
                mode: new.manifest.mode,
                manifest: new.manifest,
                consumer_secret: match secret {
                    SecretPolicy::Keep => old.consumer_secret.clone(),
                    SecretPolicy::Rotate => new.consumer_secret,
                },
                enabled_by_default: new.enabled_by_default,
                created_at: old.created_at,
                updated_at: now,
                enabled: new.enabled,
                owner_session: new.owner_session,
            },
            None => App {
                id: id.clone(),
                mode: new.manifest.mode,
                manifest: new.manifest,
                consumer_secret: new.consumer_secret,
                enabled_by_default: new.enabled_by_default,
                created_at: now,
                updated_at: now,
                enabled: new.enabled,
                owner_session: new.owner_session,
            },
        };
        state.apps.insert(id, app.clone());
        Ok(app)
    }

    async fn get_app(&self, id: &AppId) -> StoreResult<Option<App>> {
        Ok(self.state().apps.get(id).cloned())
    }

    async fn list_apps(&self) -> StoreResult<Vec<App>> {
        Ok(self.state().apps.values().cloned().collect())
    }

    async fn delete_app(&self, id: &AppId) -> StoreResult<bool> {
        let mut state = self.state();
        if state.apps.remove(id).is_none() {
            return Ok(false);
        }
        state.enablement.retain(|(_, a), _| a != id);
        state.tokens.retain(|_, t| t.app.as_ref() != Some(id));
        state.shares.retain(|(_, _, a), _| a != id);
        state.scratchpads.retain(|(_, a), _| a != id);
        state.preferences.retain(|(_, a), _| a != id);
        state.links.retain(|_, l| &l.app != id);
        Ok(true)
    }

    async fn set_app_enabled(
        &self,
        account: &UserId,
        app: &AppId,
        enabled: bool,
        _now: Timestamp,
    ) -> StoreResult<()> {
        let mut state = self.state();
        state.require_account(account)?;
        state.require_app(app)?;
        state
            .enablement
            .insert((account.clone(), app.clone()), enabled);
        Ok(())
    }

    async fn is_app_enabled(&self, account: &UserId, app: &AppId) -> StoreResult<bool> {
        let state = self.state();
        Ok(state.apps.get(app).is_some_and(|a| {
            state
                .enablement
                .get(&(account.clone(), app.clone()))
                .copied()
                .unwrap_or(a.enabled_by_default)
        }))
    }

    async fn enabled_apps(&self, account: &UserId) -> StoreResult<Vec<App>> {
        let state = self.state();
        Ok(state
            .apps
            .values()
            .filter(|a| {
                state
                    .enablement
                    .get(&(account.clone(), a.id.clone()))
                    .copied()
                    .unwrap_or(a.enabled_by_default)
            })
            .cloned()
            .collect())
    }
}

#[async_trait]
impl TokenStore for MemoryDirectory {
    async fn insert_token(&self, token: OAuthToken) -> StoreResult<OAuthToken> {
        token.validate()?;
        let mut state = self.state();
        if state.tokens.contains_key(&token.token) {
            return Err(token_exists(token.kind));
        }
        if let Some(account) = &token.account {
            state.require_account(account)?;
        }
        if let Some(app) = &token.app {
            state.require_app(app)?;
        }
        state.tokens.insert(token.token.clone(), token.clone());
        Ok(token)
    }

    async fn find_token(&self, token: &str) -> StoreResult<Option<OAuthToken>> {
        Ok(self.state().tokens.get(token).cloned())
    }

    async fn authorize_request_token(
        &self,
        token: &str,
        account: &UserId,
        verifier: &str,
        now: Timestamp,
    ) -> StoreResult<OAuthToken> {
        super::types::check_opaque("token verifier", verifier, 256)?;
        let mut state = self.state();
        let found = state.tokens.get(token).filter(|t| t.is_valid_at(now));
        if !found.is_some_and(|t| t.kind == TokenKind::Request && t.verifier.is_none()) {
            return Err(authorize_refusal(found));
        }
        state.require_account(account)?;
        let t = state
            .tokens
            .get_mut(token)
            .ok_or_else(|| authorize_refusal(None))?;
        t.account = Some(account.clone());
        t.verifier = Some(verifier.to_owned());
        Ok(t.clone())
    }

    async fn consume_verifier(
        &self,
        token: &str,
        verifier: &str,
        now: Timestamp,
    ) -> StoreResult<Option<OAuthToken>> {
        let mut state = self.state();
        let authorized = state
            .tokens
            .get(token)
            .is_some_and(|t| t.kind == TokenKind::Request && t.verifier.is_some());
        if !authorized {
            return Ok(None);
        }
        Ok(state.tokens.remove(token).filter(|t| {
            t.is_valid_at(now)
                && t.verifier
                    .as_deref()
                    .is_some_and(|v| constant_time_eq(v, verifier))
        }))
    }

    async fn revoke_token(&self, token: &str) -> StoreResult<bool> {
        Ok(self.state().tokens.remove(token).is_some())
    }

    async fn revoke_app_tokens(&self, app: &AppId) -> StoreResult<u64> {
        let mut state = self.state();
        let before = state.tokens.len();
        state.tokens.retain(|_, t| t.app.as_ref() != Some(app));
        Ok(count(before - state.tokens.len()))
    }

    async fn revoke_account_tokens(&self, account: &UserId) -> StoreResult<u64> {
        let mut state = self.state();
        let before = state.tokens.len();
        state
            .tokens
            .retain(|_, t| t.account.as_ref() != Some(account));
        Ok(count(before - state.tokens.len()))
    }

    async fn revoke_account_tokens_of_kind(
        &self,
        account: &UserId,
        kind: TokenKind,
    ) -> StoreResult<u64> {
        let mut state = self.state();
        let before = state.tokens.len();
        state
            .tokens
            .retain(|_, t| !(t.kind == kind && t.account.as_ref() == Some(account)));
        Ok(count(before - state.tokens.len()))
    }

    async fn revoke_child_tokens(&self, parent: &str) -> StoreResult<u64> {
        let mut state = self.state();
        let before = state.tokens.len();
        state
            .tokens
            .retain(|_, t| t.parent.as_deref() != Some(parent));
        Ok(count(before - state.tokens.len()))
    }

    async fn revoke_app_account_tokens(&self, app: &AppId, account: &UserId) -> StoreResult<u64> {
        let mut state = self.state();
        let before = state.tokens.len();
        state
            .tokens
            .retain(|_, t| !(t.app.as_ref() == Some(app) && t.account.as_ref() == Some(account)));
        Ok(count(before - state.tokens.len()))
    }

    async fn revoke_grant_tokens(
        &self,
        app: &AppId,
        account: &UserId,
        record: Option<&RecordId>,
    ) -> StoreResult<u64> {
        let mut state = self.state();
        Ok(remove_grant_tokens(&mut state, app, account, record))
    }

    async fn cleanup_expired(&self, now: Timestamp) -> StoreResult<u64> {
        let mut state = self.state();
        let before = state.tokens.len();
        state.tokens.retain(|_, t| t.is_valid_at(now));
        Ok(count(before - state.tokens.len()))
    }
}

fn remove_grant_tokens(
    state: &mut State,
    app: &AppId,
    account: &UserId,
    record: Option<&RecordId>,
) -> u64 {
    let before = state.tokens.len();
    state.tokens.retain(|_, t| {
        !(t.app.as_ref() == Some(app)
            && t.account.as_ref() == Some(account)
            && t.record.as_ref() == record)
    });
    count(before - state.tokens.len())
}

#[async_trait]
impl ShareStore for MemoryDirectory {
    async fn grant_share(
        &self,
        account: &UserId,
        record: Option<&RecordId>,
        app: &AppId,
        now: Timestamp,
    ) -> StoreResult<Share> {
        let mut state = self.state();
        state.require_account(account)?;
        state.require_app(app)?;
        let share = state
            .shares
            .entry((account.clone(), record.cloned(), app.clone()))
            .or_insert_with(|| Share {
                account: account.clone(),
                record: record.cloned(),
                app: app.clone(),
                created_at: now,
            });
        Ok(share.clone())
    }

    async fn get_share(
        &self,
        account: &UserId,
        record: Option<&RecordId>,
        app: &AppId,
    ) -> StoreResult<Option<Share>> {
        let key = (account.clone(), record.cloned(), app.clone());
        Ok(self.state().shares.get(&key).cloned())
    }

    async fn list_account_shares(&self, account: &UserId) -> StoreResult<Vec<Share>> {
        Ok(self
            .state()
            .shares
            .values()
            .filter(|s| &s.account == account)
            .cloned()
            .collect())
    }

    async fn revoke_share(
        &self,
        account: &UserId,
        record: Option<&RecordId>,
        app: &AppId,
    ) -> StoreResult<bool> {
        let mut state = self.state();
        let key = (account.clone(), record.cloned(), app.clone());
        let existed = state.shares.remove(&key).is_some();
        remove_grant_tokens(&mut state, app, account, record);
        Ok(existed)
    }
}

#[async_trait]
impl NonceStore for MemoryDirectory {
    async fn check_and_remember(
        &self,
        key: &NonceKey,
        now: Timestamp,
        _keep_until: Timestamp,
    ) -> StoreResult<NonceOutcome> {
        let (consumer, token, nonce, timestamp) = (
            &key.consumer,
            key.token.as_deref(),
            &key.nonce,
            key.timestamp,
        );
        check_nonce_key(consumer, token, nonce)?;
        if !in_window(timestamp, now, self.config.nonce_window) {
            return Ok(NonceOutcome::Replayed);
        }
        let key = (
            consumer.to_owned(),
            token.unwrap_or_default().to_owned(),
            nonce.to_owned(),
            timestamp,
        );
        Ok(NonceOutcome::fresh_if(self.state().nonces.insert(key)))
    }

    async fn purge_older_than(&self, cutoff: Timestamp) -> StoreResult<u64> {
        let mut state = self.state();
        let before = state.nonces.len();
        state.nonces.retain(|(_, _, _, ts)| *ts >= cutoff);
        Ok(count(before - state.nonces.len()))
    }
}

fn app_data(content_type: &str, data: &[u8], now: Timestamp) -> AppData {
    AppData {
        content_type: content_type.to_owned(),
        data: data.to_vec(),
        updated_at: now,
    }
}

#[async_trait]
impl AppDataStore for MemoryDirectory {
    async fn get_scratchpad(&self, record: &RecordId, app: &AppId) -> StoreResult<Option<AppData>> {
        let key = (record.clone(), app.clone());
        Ok(self.state().scratchpads.get(&key).cloned())
    }

    async fn put_scratchpad(
        &self,
        record: &RecordId,
        app: &AppId,
        content_type: &str,
        data: &[u8],
        now: Timestamp,
    ) -> StoreResult<AppData> {
        let what = scratchpad_name(record, app);
        check_app_data(&what, content_type, data, self.config.max_app_data_bytes)?;
        let mut state = self.state();
        state.require_app(app)?;
        let stored = app_data(content_type, data, now);
        state
            .scratchpads
            .insert((record.clone(), app.clone()), stored.clone());
        Ok(stored)
    }

    async fn delete_scratchpad(&self, record: &RecordId, app: &AppId) -> StoreResult<bool> {
        let key = (record.clone(), app.clone());
        Ok(self.state().scratchpads.remove(&key).is_some())
    }

    async fn get_preferences(&self, account: &UserId, app: &AppId) -> StoreResult<Option<AppData>> {
        let key = (account.clone(), app.clone());
        Ok(self.state().preferences.get(&key).cloned())
    }

    async fn put_preferences(
        &self,
        account: &UserId,
        app: &AppId,
        content_type: &str,
        data: &[u8],
        now: Timestamp,
    ) -> StoreResult<AppData> {
        let what = preferences_name(account, app);
        check_app_data(&what, content_type, data, self.config.max_app_data_bytes)?;
        let mut state = self.state();
        state.require_account(account)?;
        state.require_app(app)?;
        let stored = app_data(content_type, data, now);
        state
            .preferences
            .insert((account.clone(), app.clone()), stored.clone());
        Ok(stored)
    }

    async fn delete_preferences(&self, account: &UserId, app: &AppId) -> StoreResult<bool> {
        let key = (account.clone(), app.clone());
        Ok(self.state().preferences.remove(&key).is_some())
    }
}

#[async_trait]
impl RecordRegistry for MemoryDirectory {
    async fn upsert_record(
        &self,
        id: &RecordId,
        label: &str,
        now: Timestamp,
    ) -> StoreResult<RecordEntry> {
        check_label(id, label)?;
        let mut state = self.state();
        let entry = state
            .records
            .entry(id.clone())
            .and_modify(|e| {
                e.label = label.to_owned();
                e.updated_at = now;
            })
            .or_insert_with(|| RecordEntry {
                id: id.clone(),
                label: label.to_owned(),
                created_at: now,
                updated_at: now,
            });
        Ok(entry.clone())
    }

    async fn get_record(&self, id: &RecordId) -> StoreResult<Option<RecordEntry>> {
        Ok(self.state().records.get(id).cloned())
    }

    async fn list_records(&self, page: Page) -> StoreResult<Paged<RecordEntry>> {
        let items = self
            .state()
            .records
            .values()
            .skip(usize::try_from(page.offset).unwrap_or(usize::MAX))
            .take(page.effective_limit() as usize + 1)
            .cloned()
            .collect();
        Ok(Paged::from_overfetch(items, page))
    }

    async fn delete_record(&self, id: &RecordId) -> StoreResult<bool> {
        let mut state = self.state();
        state.tokens.retain(|_, t| t.record.as_ref() != Some(id));
        state.shares.retain(|(_, r, _), _| r.as_ref() != Some(id));
        state.scratchpads.retain(|(r, _), _| r != id);
        state.links.retain(|_, l| &l.record != id);
        Ok(state.records.remove(id).is_some())
    }
}

#[async_trait]
impl AuditLog for MemoryDirectory {
    async fn append_launch(&self, event: &LaunchEvent) -> StoreResult<()> {
        self.state().launches.push(event.clone());
        Ok(())
    }

    async fn recent_launches(
        &self,
        account: Option<&UserId>,
        limit: u32,
    ) -> StoreResult<Vec<LaunchEvent>> {
        let state = self.state();
        let mut hits: Vec<(usize, &LaunchEvent)> = state
            .launches
            .iter()
            .enumerate()
            .filter(|(_, e)| account.is_none() || e.account.as_ref() == account)
            .collect();
        hits.sort_by_key(|(seq, e)| std::cmp::Reverse((e.at, *seq)));
        let limit = Page::first(limit).effective_limit() as usize;
        Ok(hits
            .into_iter()
            .take(limit)
            .map(|(_, e)| e.clone())
            .collect())
    }

    async fn purge_launches_before(&self, cutoff: Timestamp) -> StoreResult<u64> {
        let mut state = self.state();
        let before = state.launches.len();
        state.launches.retain(|e| e.at >= cutoff);
        Ok(count(before - state.launches.len()))
    }
}
