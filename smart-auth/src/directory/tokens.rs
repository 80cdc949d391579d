//! OAuth tokens: request tokens, REST and SMART Connect access tokens, UI sessions.

use super::types::{AppId, Timestamp, UserId, check_opaque, check_text};
use super::{StoreError, StoreResult};
use async_trait::async_trait;
use smart_core::ids::RecordId;
use std::fmt;

/// What a token is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TokenKind {
    /// An OAuth request token, waiting for authorization and exchange.
    Request,
    /// An access token for the REST API, used with its own app's consumer key.
    AccessRest,
    /// An access token for SMART Connect, used through the container's UI.
    AccessConnect,
    /// A login session of the container's UI.
    Session,
    /// A background app's per-record access token (no account).
    Background,
    /// A one-off token bound to an account, for callers' own use (the provider's password
    /// reset tickets no longer use it: they have their own table, see
    /// [`AccountStore::put_reset_ticket`](super::AccountStore::put_reset_ticket)).
    PasswordReset,
}

impl TokenKind {
    /// True if the token is used with the UI's consumer key rather than an app's (UI
    /// sessions and SMART Connect tokens).
    pub fn is_for_ui(self) -> bool {
        matches!(self, Self::Session | Self::AccessConnect)
    }

    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Request => "request",
            Self::AccessRest => "access_rest",
            Self::AccessConnect => "access_connect",
            Self::Session => "session",
            Self::Background => "background",
            Self::PasswordReset => "password_reset",
        }
    }

    /// Reads the stored spelling.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "request" => Self::Request,
            "access_rest" => Self::AccessRest,
            "access_connect" => Self::AccessConnect,
            "session" => Self::Session,
            "background" => Self::Background,
            "password_reset" => Self::PasswordReset,
            _ => return None,
        })
    }
}

impl fmt::Display for TokenKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A stored token. Also what [`TokenStore::insert_token`] takes (build it with
/// [`OAuthToken::new`]).
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct OAuthToken {
    /// The token string, unique over all kinds.
    pub token: String,
    /// The token secret, as the caller gave it.
    pub secret: String,
    /// What the token is for.
    pub kind: TokenKind,
    /// The app (consumer) the token belongs to; `None` for UI sessions.
    pub app: Option<AppId>,
    /// The account the token acts for, if any (set on a request token when authorized).
    pub account: Option<UserId>,
    /// The record the token is bound to, if any.
    pub record: Option<RecordId>,
    /// A request token's verifier, once authorized. A backend that hashes verifiers at
    /// rest (smart-store's SQL backends) returns its digest from lookups: it tells that
    /// the token is authorized; [`TokenStore::consume_verifier`] compares.
    pub verifier: Option<String>,
    /// The callback the request token was created with.
    pub callback: Option<String>,
    /// When the token was created.
    pub created_at: Timestamp,
    /// When the token stops being valid: it is valid strictly before this time.
    pub expires_at: Timestamp,
    /// The token this one was issued from (a session for launch tokens): revoking the
    /// children of the parent ([`TokenStore::revoke_child_tokens`]) revokes this one.
    pub parent: Option<String>,
}

impl fmt::Debug for OAuthToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuthToken")
            .field("kind", &self.kind)
            .field("app", &self.app)
            .field("account", &self.account)
            .field("record", &self.record)
            .field("authorized", &self.verifier.is_some())
            .field("created_at", &self.created_at)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

const MAX_TOKEN: usize = 256;
const MAX_CALLBACK: usize = 2048;

impl OAuthToken {
    /// A token with no account, record, verifier or callback.
    pub fn new(
        token: impl Into<String>,
        secret: impl Into<String>,
        kind: TokenKind,
        app: Option<AppId>,
        created_at: Timestamp,
        expires_at: Timestamp,
    ) -> Self {
        Self {
            token: token.into(),
            secret: secret.into(),
            kind,
            app,
            account: None,
            record: None,
            verifier: None,
            callback: None,
            created_at,
            expires_at,
            parent: None,
        }
    }

    /// Sets the parent token.
    pub fn with_parent(mut self, parent: impl Into<String>) -> Self {
        self.parent = Some(parent.into());
        self
    }

    /// Sets the account.
    pub fn with_account(mut self, account: UserId) -> Self {
        self.account = Some(account);
        self
    }

    /// Sets the record.
    pub fn with_record(mut self, record: RecordId) -> Self {
        self.record = Some(record);
        self
    }

    /// Sets the callback.
    pub fn with_callback(mut self, callback: impl Into<String>) -> Self {
        self.callback = Some(callback.into());
        self
    }

    /// Whether the token is valid at `now`: strictly before `expires_at`.
    pub fn is_valid_at(&self, now: Timestamp) -> bool {
        now < self.expires_at
    }

    /// Checks the fields before insertion.
    pub fn validate(&self) -> StoreResult<()> {
        check_opaque("token", &self.token, MAX_TOKEN)?;
        check_opaque("token secret", &self.secret, MAX_TOKEN)?;
        if let Some(verifier) = &self.verifier {
            check_opaque("token verifier", verifier, MAX_TOKEN)?;
        }
        if let Some(parent) = &self.parent {
            check_opaque("parent token", parent, MAX_TOKEN)?;
        }
        if let Some(callback) = &self.callback {
            check_text("token callback", callback, MAX_CALLBACK)?;
        }
        if self.expires_at <= self.created_at {
            return Err(StoreError::invalid(format!(
                "{} token expires at {} but was created at {}: expiry must be after creation",
                self.kind, self.expires_at, self.created_at
            )));
        }
        Ok(())
    }
}

/// Storage of OAuth tokens.
///
/// Every token has an expiry, and every lookup takes the current time: a token whose
/// `expires_at` is at or before `now` is treated as absent, whether or not
/// [`TokenStore::cleanup_expired`] has removed it yet.
#[async_trait]
pub trait TokenStore: Send + Sync + fmt::Debug {
    /// Stores a new token. `Conflict` if the token string exists (in any kind);
    /// `NotFound` if its app or account does not exist; `Invalid` if `expires_at` is not
    /// after `created_at` or a field is malformed.
    async fn insert_token(&self, token: OAuthToken) -> StoreResult<OAuthToken>;

    /// The token, if it exists, whether or not it has expired: for callers that tell an
    /// expired token from an unknown one (the OAuth provider does). Most callers want
    /// [`TokenStore::get_token`].
    async fn find_token(&self, token: &str) -> StoreResult<Option<OAuthToken>>;

    /// The token, if it exists and is valid at `now`.
    async fn get_token(&self, token: &str, now: Timestamp) -> StoreResult<Option<OAuthToken>> {
        Ok(self.find_token(token).await?.filter(|t| t.is_valid_at(now)))
    }

    /// Marks a valid, not yet authorized request token as authorized by `account`, with
    /// this verifier. `NotFound` if there is no such valid token (or no such account),
    /// `Invalid` if it is not a request token, `Conflict` if it is already authorized.
    async fn authorize_request_token(
        &self,
        token: &str,
        account: &UserId,
        verifier: &str,
        now: Timestamp,
    ) -> StoreResult<OAuthToken>;

    /// Exchanges an authorized request token, once: atomically removes it and returns it
    /// if it was valid at `now` and `verifier` matches. Of several concurrent calls at
    /// most one gets `Some`. A wrong verifier also consumes the token (an attacker gets
    /// one guess); a request token that is not yet authorized is left alone.
    async fn consume_verifier(
        &self,
        token: &str,
        verifier: &str,
        now: Timestamp,
    ) -> StoreResult<Option<OAuthToken>>;

    /// Deletes one token. Returns whether it existed.
    async fn revoke_token(&self, token: &str) -> StoreResult<bool>;

    /// Deletes every token of an app. Returns how many.
    async fn revoke_app_tokens(&self, app: &AppId) -> StoreResult<u64>;

    /// Deletes every token acting for an account (e.g. at logout or password change).
    /// Returns how many.
    async fn revoke_account_tokens(&self, account: &UserId) -> StoreResult<u64>;

    /// Deletes the tokens of one kind acting for an account (e.g. earlier password-reset
    /// tickets when a new one is issued). Returns how many.
    async fn revoke_account_tokens_of_kind(
        &self,
        account: &UserId,
        kind: TokenKind,
    ) -> StoreResult<u64>;

    /// Deletes every token whose parent is `parent` (what was launched from a session, at
    /// logout). Returns how many.
    async fn revoke_child_tokens(&self, parent: &str) -> StoreResult<u64>;

    /// Deletes every token of `app` acting for `account`, whatever record it is bound to
    /// (all the grants of one app by one account). Returns how many.
    async fn revoke_app_account_tokens(&self, app: &AppId, account: &UserId) -> StoreResult<u64>;

    /// Deletes the tokens of one grant: this app, this account, this record (`None`: the
    /// tokens bound to no record). Returns how many.
    async fn revoke_grant_tokens(
        &self,
        app: &AppId,
        account: &UserId,
        record: Option<&RecordId>,
    ) -> StoreResult<u64>;

    /// Deletes every token that has expired at `now`. Returns how many. Run it
    /// periodically; lookups never depend on it.
    async fn cleanup_expired(&self, now: Timestamp) -> StoreResult<u64>;
}

/// The error for a token string that exists already. The token itself is not repeated:
/// error messages end up in logs.
pub fn token_exists(kind: TokenKind) -> StoreError {
    StoreError::conflict(format!(
        "a token with this value exists already (new {kind} token)"
    ))
}

/// Why [`TokenStore::authorize_request_token`] found nothing to update.
pub fn authorize_refusal(found: Option<&OAuthToken>) -> StoreError {
    match found {
        None => StoreError::not_found("request token does not exist or has expired"),
        Some(t) if t.kind != TokenKind::Request => {
            StoreError::invalid(format!("token is a {} token, not a request token", t.kind))
        }
        Some(_) => StoreError::conflict("request token is already authorized"),
    }
}
