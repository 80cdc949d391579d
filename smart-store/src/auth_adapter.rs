//! smart-auth's storage traits on a [`DirectoryStore`]: [`AuthDirectory`] lets the
//! authentication provider run on the SQLite, PostgreSQL or in-memory directory.
//!
//! # Mapping decisions
//!
//! * **Errors and ids** are the same types on both sides ([`StorageError`], [`UserId`],
//!   [`smart_auth::AppId`]): nothing is converted. "Not found" never becomes an error where
//!   smart-auth expects absence: it maps to `Ok(None)` / `Ok(false)` at those call sites.
//! * **Time.** smart-auth counts whole seconds ([`UnixTime`]), the directory milliseconds
//!   ([`Timestamp`]); values written by this adapter are whole seconds and read back exactly.
//!   Bookkeeping times that smart-auth does not supply (an app's `created_at`) use the system
//!   clock.
//! * **Accounts.** One account record, typed columns for every field (state, password
//!   hash, administrator role, record limit, failed-login count, lockout, last login); a
//!   newer last login is also counted as a login by the directory
//!   ([`crate::directory::AccountStore::record_login_success`]). Clearing a password hash
//!   is refused (the directory has no way to, and smart-auth never does).
//! * **Reset tickets** are the directory's own (`password_resets`, keyed by the digest):
//!   putting one replaces the account's earlier ticket, taking one deletes it (single use).
//! * **Apps.** The consumer secret and manifest map directly; smart-auth's container-wide
//!   `enabled` switch is the directory's [`App::enabled`]. `insert_app` checks the id is free
//!   before registering (two concurrent inserts of one id may both succeed, the later one
//!   winning); the per-account `enabled_by_default` flag is kept on update.
//! * **Tokens.** Kinds map one to one (`Rest` ↔ `AccessRest`, `Connect` ↔ `AccessConnect`,
//!   `Background` ↔ `Background`); the user is the token's account and the parent is the
//!   directory's [`OAuthToken::parent`]. Reads ignore expiry (smart-auth checks it).
//!   `update_token` supports what smart-auth does with it, approving a request token
//!   (through [`crate::directory::TokenStore::authorize_request_token`]); any other change is refused.
//!   `take_token` reads then deletes: the delete decides the single winner; a token approved
//!   between the two steps is returned unapproved, so the exchange fails safely.
//!   Token filters map to the directory's revoke operations (one token, children of a
//!   session, an app, a user, a share); other combinations are refused.
//! * **Shares** map directly (re-approving keeps the first approval time). Removing the
//!   shares of an app is done by the directory when the app is deleted (cascade), which is
//!   when smart-auth asks for it; while the app is still registered it is refused.
//! * **Records** come from the record registry in id order; `next_record` pages through it.
//! * **Nonces** go to the directory's database-backed nonce table, shared by every node. A
//!   nonce outside the directory's window counts as replayed (so the directory's
//!   `nonce_window` must be at least smart-auth's timestamp window); expired nonces are
//!   purged by the directory's housekeeping, not by `keep_until`.

use crate::directory::{
    Account, AccountUpdate, App, DirectoryStore, NewAccount, NewApp, OAuthToken, Page,
    SecretPolicy, Share, Timestamp, TokenKind,
};
use crate::error::{ErrorKind, StoreError};
use async_trait::async_trait;
use smart_auth::error::{StorageError, StorageErrorKind};
use smart_auth::nonce::{NonceKey, NonceOutcome};
use smart_auth::store as auth;
use smart_auth::{Secret, Stores, UnixTime, UserId};
use smart_core::RecordId;
use std::fmt;
use std::sync::Arc;

/// A [`DirectoryStore`] seen through smart-auth's storage traits ([`auth::AccountStore`],
/// [`auth::AppStore`], [`auth::TokenStore`], [`auth::ShareStore`],
/// [`auth::RecordDirectory`] and [`smart_auth::nonce::NonceStore`]). See the module
/// documentation for how each maps.
pub struct AuthDirectory<D: ?Sized> {
    dir: Arc<D>,
    remembers_since: Option<UnixTime>,
}

impl<D: ?Sized + fmt::Debug> fmt::Debug for AuthDirectory<D> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthDirectory")
            .field("dir", &self.dir)
            .field("remembers_since", &self.remembers_since)
            .finish()
    }
}

impl<D: ?Sized + DirectoryStore + 'static> AuthDirectory<D> {
    /// The adapter over a durable directory: its nonce table outlives restarts, so nonces
    /// are remembered with no start time.
    pub fn new(dir: Arc<D>) -> Self {
        Self {
            dir,
            remembers_since: None,
        }
    }

    /// Declares when the nonce memory starts (for a directory that does not survive a
    /// restart, such as the in-memory one: pass the time it was created).
    pub fn with_nonces_remembered_since(mut self, since: UnixTime) -> Self {
        self.remembers_since = Some(since);
        self
    }

    /// The directory underneath.
    pub fn directory(&self) -> &Arc<D> {
        &self.dir
    }

    /// smart-auth's [`Stores`], every one of them this adapter.
    pub fn into_stores(self) -> Stores {
        let me = Arc::new(self);
        Stores::new(
            me.clone(),
            me.clone(),
            me.clone(),
            me.clone(),
            me.clone(),
            me,
        )
    }
}

// ---------------------------------------------------------------------------------------
// Conversions

fn unsupported(what: &str) -> StorageError {
    StorageError::new(
        StorageErrorKind::Other,
        format!("the directory adapter does not support {what}"),
    )
}

fn corrupt(what: &str, detail: impl fmt::Display) -> StorageError {
    StorageError::new(StorageErrorKind::Other, format!("{what}: {detail}"))
}

/// Absence as `Ok(false)`, other failures as errors.
fn found<T>(r: Result<T, StoreError>) -> Result<bool, StorageError> {
    match r {
        Ok(_) => Ok(true),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(false),
        Err(e) => Err(e),
    }
}

fn ts(t: UnixTime) -> Timestamp {
    Timestamp::from_unix_secs(i64::try_from(t.as_secs()).unwrap_or(i64::MAX))
}

fn unix(t: Timestamp) -> UnixTime {
    UnixTime::from_secs(u64::try_from(t.as_unix_millis().div_euclid(1000)).unwrap_or(0))
}

/// Reads that must not filter by expiry.
const BEGINNING: Timestamp = Timestamp::from_unix_millis(i64::MIN);

fn auth_account(a: Account) -> Result<auth::Account, StorageError> {
    let mut out = auth::Account::new(a.id, a.state);
    out.admin = a.admin;
    out.limited_to = a.limited_to;
    out.password_hash = a.password_hash;
    out.failed_logins = a.failed_login_count;
    out.locked_until = a.locked_until.map(unix);
    out.last_login = a.last_login_at.map(unix);
    Ok(out)
}

fn dir_kind(k: auth::TokenKind) -> Result<TokenKind, StorageError> {
    Ok(match k {
        auth::TokenKind::Session => TokenKind::Session,
        auth::TokenKind::Request => TokenKind::Request,
        auth::TokenKind::Rest => TokenKind::AccessRest,
        auth::TokenKind::Connect => TokenKind::AccessConnect,
        auth::TokenKind::Background => TokenKind::Background,
        _ => return Err(unsupported("this token kind")),
    })
}

/// `None` for directory tokens that are not smart-auth tokens (reset tickets).
fn auth_kind(k: TokenKind) -> Option<auth::TokenKind> {
    Some(match k {
        TokenKind::Session => auth::TokenKind::Session,
        TokenKind::Request => auth::TokenKind::Request,
        TokenKind::AccessRest => auth::TokenKind::Rest,
        TokenKind::AccessConnect => auth::TokenKind::Connect,
        TokenKind::Background => auth::TokenKind::Background,
        _ => return None,
    })
}

fn dir_token(t: &auth::TokenRecord) -> Result<OAuthToken, StorageError> {
    let app = t.app.clone();
    let mut out = OAuthToken::new(
        t.token.clone(),
        t.secret.expose(),
        dir_kind(t.kind)?,
        app,
        ts(t.issued_at),
        ts(t.expires_at),
    );
    out.account = t.user.clone();
    out.record = t.record.clone();
    out.verifier = t.verifier.as_ref().map(|v| v.expose().to_owned());
    out.parent = t.parent.clone();
    Ok(out)
}

fn auth_token(t: OAuthToken) -> Result<Option<auth::TokenRecord>, StorageError> {
    let Some(kind) = auth_kind(t.kind) else {
        return Ok(None);
    };
    let mut out = auth::TokenRecord::new(
        t.token,
        Secret::new(t.secret),
        kind,
        unix(t.created_at),
        unix(t.expires_at),
    );
    out.app = t.app.clone();
    out.user = t.account.clone();
    out.record = t.record;
    out.parent = t.parent;
    out.verifier = t.verifier.map(Secret::new);
    Ok(Some(out))
}

fn auth_share(s: Share) -> Result<auth::Share, StorageError> {
    Ok(auth::Share::new(
        s.account,
        s.record,
        s.app,
        unix(s.created_at),
    ))
}

// ---------------------------------------------------------------------------------------
// The traits

#[async_trait]
impl<D: ?Sized + DirectoryStore + 'static> auth::AccountStore for AuthDirectory<D> {
    async fn account(&self, user: &UserId) -> Result<Option<auth::Account>, StorageError> {
        let id = user.clone();
        match self.dir.get_account(&id).await? {
            Some(a) => auth_account(a).map(Some),
            None => Ok(None),
        }
    }

    async fn insert_account(&self, account: auth::Account) -> Result<(), StorageError> {
        let mut new = NewAccount::new(account.user.as_str(), "", "")
            .with_state(account.state)
            .with_admin(account.admin)
            .with_limited_to(account.limited_to.clone());
        if let Some(hash) = &account.password_hash {
            new = new.with_password_hash(hash.clone());
        }
        let now = Timestamp::now();
        let created = self.dir.create_account(new, now).await?;
        // Login history comes with a full account record only when one is copied in.
        if account.failed_logins != 0
            || account.locked_until.is_some()
            || account.last_login.is_some()
        {
            let mut update = AccountUpdate::default()
                .failed_login_count(account.failed_logins)
                .locked_until(account.locked_until.map(ts));
            if let Some(last) = account.last_login {
                update = update.last_login_at(ts(last));
            }
            self.dir.update_account(&created.id, update, now).await?;
        }
        Ok(())
    }

    async fn update_account(&self, account: auth::Account) -> Result<bool, StorageError> {
        let id = &account.user;
        let Some(old) = self.dir.get_account(id).await? else {
            return Ok(false);
        };
        if account.password_hash.is_none() && old.password_hash.is_some() {
            return Err(unsupported("clearing a password hash"));
        }
        let old_last = old.last_login_at.map(unix);
        if let Some(last) = account.last_login.filter(|l| Some(*l) > old_last) {
            // A newer last login is a successful login: the directory counts it.
            if !found(self.dir.record_login_success(id, ts(last)).await)? {
                return Ok(false);
            }
        }
        let mut update = AccountUpdate::default()
            .state(account.state)
            .admin(account.admin)
            .limited_to(account.limited_to.clone())
            .locked_until(account.locked_until.map(ts))
            .failed_login_count(account.failed_logins);
        if let Some(hash) = &account.password_hash {
            update = update.password_hash(hash.clone());
        }
        found(self.dir.update_account(id, update, Timestamp::now()).await)
    }

    async fn put_reset_ticket(&self, ticket: auth::ResetTicket) -> Result<(), StorageError> {
        self.dir.put_reset_ticket(ticket).await
    }

    async fn take_reset_ticket(
        &self,
        digest: &[u8; 32],
    ) -> Result<Option<auth::ResetTicket>, StorageError> {
        self.dir.take_reset_ticket(digest).await
    }
}

impl<D: ?Sized + DirectoryStore + 'static> AuthDirectory<D> {
    async fn register(&self, app: auth::AppRecord, old: Option<&App>) -> Result<(), StorageError> {
        let new = NewApp::new(app.manifest, app.secret.expose())
            .enabled(app.enabled)
            .enabled_by_default(old.is_some_and(|o| o.enabled_by_default));
        self.dir
            .register_app(new, SecretPolicy::Rotate, Timestamp::now())
            .await?;
        Ok(())
    }
}

#[async_trait]
impl<D: ?Sized + DirectoryStore + 'static> auth::AppStore for AuthDirectory<D> {
    async fn app(&self, id: &smart_auth::AppId) -> Result<Option<auth::AppRecord>, StorageError> {
        let Some(app) = self.dir.get_app(id).await? else {
            return Ok(None);
        };
        let mut out = auth::AppRecord::new(app.id, app.manifest, Secret::new(app.consumer_secret));
        out.enabled = app.enabled;
        Ok(Some(out))
    }

    async fn insert_app(&self, app: auth::AppRecord) -> Result<(), StorageError> {
        if app.manifest.id != app.id.as_str() {
            return Err(corrupt("app record", "its id differs from its manifest's"));
        }
        if self.dir.get_app(&app.id).await?.is_some() {
            return Err(StorageError::new(
                StorageErrorKind::Conflict,
                format!("app {} exists already", app.id),
            ));
        }
        self.register(app, None).await
    }

    async fn update_app(&self, app: auth::AppRecord) -> Result<bool, StorageError> {
        if app.manifest.id != app.id.as_str() {
            return Err(corrupt("app record", "its id differs from its manifest's"));
        }
        let Some(old) = self.dir.get_app(&app.id).await? else {
            return Ok(false);
        };
        self.register(app, Some(&old)).await?;
        Ok(true)
    }

    async fn delete_app(&self, id: &smart_auth::AppId) -> Result<bool, StorageError> {
        self.dir.delete_app(id).await
    }

    async fn app_ids(&self) -> Result<Vec<smart_auth::AppId>, StorageError> {
        let mut ids = self
            .dir
            .list_apps()
            .await?
            .iter()
            .map(|a| a.id.clone())
            .collect::<Vec<_>>();
        ids.sort();
        Ok(ids)
    }
}

#[async_trait]
impl<D: ?Sized + DirectoryStore + 'static> auth::TokenStore for AuthDirectory<D> {
    async fn insert_token(&self, token: auth::TokenRecord) -> Result<(), StorageError> {
        self.dir.insert_token(dir_token(&token)?).await?;
        Ok(())
    }

    async fn token(&self, token: &str) -> Result<Option<auth::TokenRecord>, StorageError> {
        match self.dir.get_token(token, BEGINNING).await? {
            Some(t) => auth_token(t),
            None => Ok(None),
        }
    }

    async fn update_token(&self, token: auth::TokenRecord) -> Result<bool, StorageError> {
        let Some(old) = self.dir.get_token(&token.token, BEGINNING).await? else {
            return Ok(false);
        };
        let Some(old) = auth_token(old)? else {
            return Ok(false);
        };
        if old == token {
            return Ok(true);
        }
        // The one change smart-auth makes: approving a request token (user and verifier).
        let approval = old.kind == auth::TokenKind::Request
            && old.verifier.is_none()
            && old.user.is_none()
            && token.kind == old.kind
            && token.secret == old.secret
            && token.app == old.app
            && token.record == old.record
            && token.parent == old.parent
            && token.issued_at == old.issued_at
            && token.expires_at == old.expires_at;
        let (true, Some(user), Some(verifier)) = (approval, &token.user, &token.verifier) else {
            return Err(unsupported("this token change (only request approval)"));
        };
        found(
            self.dir
                .authorize_request_token(&token.token, user, verifier.expose(), BEGINNING)
                .await,
        )
    }

    async fn take_token(&self, token: &str) -> Result<Option<auth::TokenRecord>, StorageError> {
        let Some(t) = self.dir.get_token(token, BEGINNING).await? else {
            return Ok(None);
        };
        let Some(t) = auth_token(t)? else {
            return Ok(None);
        };
        if self.dir.revoke_token(token).await? {
            Ok(Some(t))
        } else {
            Ok(None)
        }
    }

    async fn revoke_tokens(&self, filter: &auth::TokenFilter) -> Result<usize, StorageError> {
        let d = &self.dir;
        let n = match (
            &filter.token,
            &filter.parent,
            &filter.app,
            &filter.user,
            &filter.record,
        ) {
            (None, None, None, None, None) => 0,
            (Some(t), None, None, None, None) => u64::from(d.revoke_token(t).await?),
            (None, Some(p), None, None, None) => d.revoke_child_tokens(p).await?,
            (None, None, Some(a), None, None) => d.revoke_app_tokens(a).await?,
            (None, None, None, Some(u), None) => d.revoke_account_tokens(u).await?,
            (None, None, Some(a), Some(u), None) => d.revoke_app_account_tokens(a, u).await?,
            (None, None, Some(a), Some(u), Some(r)) => d.revoke_grant_tokens(a, u, Some(r)).await?,
            _ => return Err(unsupported("this token filter")),
        };
        Ok(usize::try_from(n).unwrap_or(usize::MAX))
    }

    async fn remove_expired_tokens(&self, now: UnixTime) -> Result<usize, StorageError> {
        let n = self.dir.cleanup_expired(ts(now)).await?;
        Ok(usize::try_from(n).unwrap_or(usize::MAX))
    }
}

#[async_trait]
impl<D: ?Sized + DirectoryStore + 'static> auth::ShareStore for AuthDirectory<D> {
    async fn share(
        &self,
        user: &UserId,
        record: Option<&RecordId>,
        app: &smart_auth::AppId,
    ) -> Result<Option<auth::Share>, StorageError> {
        self.dir
            .get_share(user, record, app)
            .await?
            .map(auth_share)
            .transpose()
    }

    async fn put_share(&self, share: auth::Share) -> Result<(), StorageError> {
        self.dir
            .grant_share(
                &share.user,
                share.record.as_ref(),
                &share.app,
                ts(share.authorized_at),
            )
            .await?;
        Ok(())
    }

    async fn remove_share(
        &self,
        user: &UserId,
        record: Option<&RecordId>,
        app: &smart_auth::AppId,
    ) -> Result<bool, StorageError> {
        self.dir.revoke_share(user, record, app).await
    }

    async fn remove_shares_of_app(&self, app: &smart_auth::AppId) -> Result<usize, StorageError> {
        // Deleting an app deletes its shares in the directory; this is only asked after that.
        match self.dir.get_app(app).await? {
            None => Ok(0),
            Some(_) => Err(unsupported("removing the shares of a registered app")),
        }
    }

    async fn shares_of_user(&self, user: &UserId) -> Result<Vec<auth::Share>, StorageError> {
        self.dir
            .list_account_shares(user)
            .await?
            .into_iter()
            .map(auth_share)
            .collect()
    }
}

#[async_trait]
impl<D: ?Sized + DirectoryStore + 'static> auth::RecordDirectory for AuthDirectory<D> {
    async fn record_exists(&self, id: &RecordId) -> Result<bool, StorageError> {
        Ok(self.dir.get_record(id).await?.is_some())
    }

    async fn first_record(&self) -> Result<Option<RecordId>, StorageError> {
        let page = self.dir.list_records(Page::first(1)).await?;
        Ok(page.items.into_iter().next().map(|r| r.id))
    }

    async fn next_record(&self, after: &RecordId) -> Result<Option<RecordId>, StorageError> {
        // The registry lists in id order; walk it to the first id after `after` (which may
        // have been deleted meanwhile).
        let mut page = Some(Page::first(Page::MAX_LIMIT));
        while let Some(p) = page {
            let listed = self.dir.list_records(p).await?;
            if let Some(r) = listed.items.into_iter().find(|r| &r.id > after) {
                return Ok(Some(r.id));
            }
            page = listed.next;
        }
        Ok(None)
    }
}

#[async_trait]
impl<D: ?Sized + DirectoryStore + 'static> smart_auth::nonce::NonceStore for AuthDirectory<D> {
    async fn check_and_remember(
        &self,
        key: &NonceKey,
        now: UnixTime,
        _keep_until: UnixTime,
    ) -> Result<NonceOutcome, StorageError> {
        let fresh = self
            .dir
            .check_and_insert(
                &key.consumer,
                key.token.as_deref(),
                &key.nonce,
                ts(key.timestamp),
                ts(now),
            )
            .await?;
        Ok(if fresh {
            NonceOutcome::Fresh
        } else {
            NonceOutcome::Replayed
        })
    }

    fn remembers_since(&self) -> Option<UnixTime> {
        self.remembers_since
    }
}
