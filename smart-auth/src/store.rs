//! The storage this crate needs, as small object-safe traits, and the records they hold.
//!
//! smart-store implements them on its databases; [`crate::memory`] implements them in
//! memory for tests and single-process use. Each method is one short operation; where a
//! flow needs atomicity (single-use verifiers and reset codes), the trait has a "take"
//! operation that removes and returns in one step.

use crate::error::StorageError;
use crate::principal::{AppId, UserId};
use crate::random::Secret;
use crate::time::UnixTime;
use async_trait::async_trait;
use smart_core::RecordId;
use smart_core::manifest::AppManifest;
use std::fmt;

/// An account's administrative state (one enum for the provider and every directory
/// backend; stored as [`AccountState::as_str`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AccountState {
    /// Created but without a password yet.
    Uninitialized,
    /// May log in.
    Active,
    /// Disabled by an administrator. Only an administrator re-enables it; login throttling
    /// never does.
    Disabled,
    /// Locked by a directory's own failed-login counter (smart-store's
    /// `record_login_failure`); only an explicit update unlocks it. The provider treats it
    /// as disabled (its own lockout is time-based and never changes the state).
    Locked,
    /// Retired for good.
    Retired,
}

impl AccountState {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Uninitialized => "uninitialized",
            Self::Active => "active",
            Self::Disabled => "disabled",
            Self::Locked => "locked",
            Self::Retired => "retired",
        }
    }

    /// Reads the stored spelling.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "uninitialized" => Self::Uninitialized,
            "active" => Self::Active,
            "disabled" => Self::Disabled,
            "locked" => Self::Locked,
            "retired" => Self::Retired,
            _ => return None,
        })
    }
}

impl fmt::Display for AccountState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What this crate stores about an account (profile data lives elsewhere).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Account {
    /// The login e-mail.
    pub user: UserId,
    /// The administrative state.
    pub state: AccountState,
    /// True for the administrator role (app registry, accounts).
    pub admin: bool,
    /// For a limited account (direct links): the one record it may see.
    pub limited_to: Option<RecordId>,
    /// The argon2id password hash as a PHC string, if a password is set.
    pub password_hash: Option<String>,
    /// Failed logins since the last success.
    pub failed_logins: u32,
    /// Until when logins are refused without checking the password.
    pub locked_until: Option<UnixTime>,
    /// The last successful login.
    pub last_login: Option<UnixTime>,
}

impl Account {
    /// A new account in `state`, without password, role or history.
    pub fn new(user: UserId, state: AccountState) -> Self {
        Self {
            user,
            state,
            admin: false,
            limited_to: None,
            password_hash: None,
            failed_logins: 0,
            locked_until: None,
            last_login: None,
        }
    }
}

/// A registered app: its manifest and its consumer secret.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct AppRecord {
    /// The app id (= the manifest's `id` = the consumer key).
    pub id: AppId,
    /// The manifest as registered.
    pub manifest: AppManifest,
    /// The consumer secret. OAuth 1.0a HMAC needs it in clear on both sides; encrypting it
    /// at rest is the backend's business.
    pub secret: Secret,
    /// False once an administrator disables the app: it can then neither sign nor be
    /// launched, and its tokens are revoked.
    pub enabled: bool,
}

impl AppRecord {
    /// A record for an enabled app.
    pub fn new(id: AppId, manifest: AppManifest, secret: Secret) -> Self {
        Self {
            id,
            manifest,
            secret,
            enabled: true,
        }
    }
}

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TokenKind {
    /// A UI login session (bound to the UI consumer and a user).
    Session,
    /// An OAuth request token (bound to an app).
    Request,
    /// A REST access token (bound to an app; used with the app's own consumer key).
    Rest,
    /// A SMART Connect token (bound to the UI consumer, acting as an app).
    Connect,
    /// A background app's per-record token.
    Background,
}

impl TokenKind {
    /// True if the token is used with the UI's consumer key rather than an app's.
    pub fn is_for_ui(self) -> bool {
        matches!(self, Self::Session | Self::Connect)
    }
}

/// A stored token of any kind.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct TokenRecord {
    /// The token (public half; `oauth_token`).
    pub token: String,
    /// The token secret.
    pub secret: Secret,
    /// What it is.
    pub kind: TokenKind,
    /// The app it belongs to (all kinds but `Session`).
    pub app: Option<AppId>,
    /// The user it acts for (sessions, approved request tokens, REST and Connect tokens).
    pub user: Option<UserId>,
    /// The record it is bound to.
    pub record: Option<RecordId>,
    /// The session token it was launched from (Connect and launch REST tokens): logging
    /// out revokes it too.
    pub parent: Option<String>,
    /// When it was issued.
    pub issued_at: UnixTime,
    /// When it stops working (checked at every use).
    pub expires_at: UnixTime,
    /// Request tokens: the verifier, set when the user approves.
    pub verifier: Option<Secret>,
}

impl TokenRecord {
    /// A token without app, user, record, parent or verifier.
    pub fn new(
        token: String,
        secret: Secret,
        kind: TokenKind,
        issued_at: UnixTime,
        expires_at: UnixTime,
    ) -> Self {
        Self {
            token,
            secret,
            kind,
            app: None,
            user: None,
            record: None,
            parent: None,
            issued_at,
            expires_at,
            verifier: None,
        }
    }

    /// True if the token has expired at `now`.
    pub fn is_expired(&self, now: UnixTime) -> bool {
        now >= self.expires_at
    }
}

/// Which tokens to revoke: every field that is set must match. A filter with no field set
/// matches nothing (so that a bug cannot revoke everything).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct TokenFilter {
    /// This token.
    pub token: Option<String>,
    /// Tokens launched from this session token.
    pub parent: Option<String>,
    /// Tokens of this app.
    pub app: Option<AppId>,
    /// Tokens acting for this user.
    pub user: Option<UserId>,
    /// Tokens bound to this record.
    pub record: Option<RecordId>,
}

impl TokenFilter {
    /// Exactly this token.
    pub fn token(token: &str) -> Self {
        Self {
            token: Some(token.to_owned()),
            ..Self::default()
        }
    }

    /// The tokens launched from a session.
    pub fn children_of(session_token: &str) -> Self {
        Self {
            parent: Some(session_token.to_owned()),
            ..Self::default()
        }
    }

    /// Every token of an app.
    pub fn app(app: &AppId) -> Self {
        Self {
            app: Some(app.clone()),
            ..Self::default()
        }
    }

    /// Every token acting for a user.
    pub fn user(user: &UserId) -> Self {
        Self {
            user: Some(user.clone()),
            ..Self::default()
        }
    }

    /// The tokens of one share: (user, record, app). With `record` `None`, every record's.
    pub fn share(user: &UserId, record: Option<&RecordId>, app: &AppId) -> Self {
        Self {
            user: Some(user.clone()),
            record: record.cloned(),
            app: Some(app.clone()),
            ..Self::default()
        }
    }

    /// True if `t` matches (and the filter is not empty).
    pub fn matches(&self, t: &TokenRecord) -> bool {
        if self == &Self::default() {
            return false;
        }
        self.token.as_ref().is_none_or(|x| *x == t.token)
            && self
                .parent
                .as_ref()
                .is_none_or(|x| t.parent.as_ref() == Some(x))
            && self.app.as_ref().is_none_or(|x| t.app.as_ref() == Some(x))
            && self
                .user
                .as_ref()
                .is_none_or(|x| t.user.as_ref() == Some(x))
            && self
                .record
                .as_ref()
                .is_none_or(|x| t.record.as_ref() == Some(x))
    }
}

/// A user's approval of an app on a record (or, for container-scope apps, on no record).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Share {
    /// Who approved.
    pub user: UserId,
    /// For which record.
    pub record: Option<RecordId>,
    /// Which app.
    pub app: AppId,
    /// When.
    pub authorized_at: UnixTime,
}

impl Share {
    /// A share.
    pub fn new(
        user: UserId,
        record: Option<RecordId>,
        app: AppId,
        authorized_at: UnixTime,
    ) -> Self {
        Self {
            user,
            record,
            app,
            authorized_at,
        }
    }
}

/// A pending password reset: the SHA-256 digest of the code sent to the user (the code
/// itself is never stored).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ResetTicket {
    /// SHA-256 of the reset code.
    pub digest: [u8; 32],
    /// Whose password.
    pub user: UserId,
    /// When the code stops working.
    pub expires_at: UnixTime,
}

impl ResetTicket {
    /// A ticket.
    pub fn new(digest: [u8; 32], user: UserId, expires_at: UnixTime) -> Self {
        Self {
            digest,
            user,
            expires_at,
        }
    }
}

/// Accounts and password-reset tickets.
#[async_trait]
pub trait AccountStore: Send + Sync + fmt::Debug {
    /// The account, if it exists.
    async fn account(&self, user: &UserId) -> Result<Option<Account>, StorageError>;
    /// Creates an account; a `Conflict` error if it exists.
    async fn insert_account(&self, account: Account) -> Result<(), StorageError>;
    /// Replaces an existing account; `false` if there is none.
    async fn update_account(&self, account: Account) -> Result<bool, StorageError>;
    /// Stores a reset ticket, replacing any earlier ticket of the same user.
    async fn put_reset_ticket(&self, ticket: ResetTicket) -> Result<(), StorageError>;
    /// Removes and returns the ticket with this digest (single use), if any.
    async fn take_reset_ticket(
        &self,
        digest: &[u8; 32],
    ) -> Result<Option<ResetTicket>, StorageError>;
}

/// The app registry.
#[async_trait]
pub trait AppStore: Send + Sync + fmt::Debug {
    /// The app, if registered.
    async fn app(&self, id: &AppId) -> Result<Option<AppRecord>, StorageError>;
    /// Registers an app; a `Conflict` error if the id is taken.
    async fn insert_app(&self, app: AppRecord) -> Result<(), StorageError>;
    /// Replaces a registered app; `false` if there is none.
    async fn update_app(&self, app: AppRecord) -> Result<bool, StorageError>;
    /// Removes an app; `false` if there was none.
    async fn delete_app(&self, id: &AppId) -> Result<bool, StorageError>;
    /// Every registered app id, sorted.
    async fn app_ids(&self) -> Result<Vec<AppId>, StorageError>;
}

/// Tokens of every kind.
#[async_trait]
pub trait TokenStore: Send + Sync + fmt::Debug {
    /// Stores a new token; a `Conflict` error if the token string exists.
    async fn insert_token(&self, token: TokenRecord) -> Result<(), StorageError>;
    /// The token, if it exists (expired tokens may still be returned: callers check).
    async fn token(&self, token: &str) -> Result<Option<TokenRecord>, StorageError>;
    /// Replaces an existing token; `false` if there is none.
    async fn update_token(&self, token: TokenRecord) -> Result<bool, StorageError>;
    /// Removes and returns the token in one atomic step (single-use exchange).
    async fn take_token(&self, token: &str) -> Result<Option<TokenRecord>, StorageError>;
    /// Removes every token matching the filter; returns how many.
    async fn revoke_tokens(&self, filter: &TokenFilter) -> Result<usize, StorageError>;
    /// Removes tokens that expired before `now` (housekeeping; expiry is checked at use
    /// anyway); returns how many.
    async fn remove_expired_tokens(&self, now: UnixTime) -> Result<usize, StorageError>;
}

/// Remembered approvals.
#[async_trait]
pub trait ShareStore: Send + Sync + fmt::Debug {
    /// The share of (user, record, app), if any.
    async fn share(
        &self,
        user: &UserId,
        record: Option<&RecordId>,
        app: &AppId,
    ) -> Result<Option<Share>, StorageError>;
    /// Stores a share (replacing the same (user, record, app)).
    async fn put_share(&self, share: Share) -> Result<(), StorageError>;
    /// Removes one share; `false` if there was none.
    async fn remove_share(
        &self,
        user: &UserId,
        record: Option<&RecordId>,
        app: &AppId,
    ) -> Result<bool, StorageError>;
    /// Removes every share of an app; returns how many.
    async fn remove_shares_of_app(&self, app: &AppId) -> Result<usize, StorageError>;
    /// A user's shares.
    async fn shares_of_user(&self, user: &UserId) -> Result<Vec<Share>, StorageError>;
}

/// The records that exist, in a stable order (background apps walk them).
#[async_trait]
pub trait RecordDirectory: Send + Sync + fmt::Debug {
    /// True if the record exists.
    async fn record_exists(&self, id: &RecordId) -> Result<bool, StorageError>;
    /// The first record in the directory's order.
    async fn first_record(&self) -> Result<Option<RecordId>, StorageError>;
    /// The record after `after` in the directory's order.
    async fn next_record(&self, after: &RecordId) -> Result<Option<RecordId>, StorageError>;
}
