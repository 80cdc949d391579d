//! The OAuth provider: [`Provider`] authenticates requests against the stores
//! ([`Provider::authenticate`]) and runs the flows (login, 3-legged authorization, SMART
//! Connect launch, background tokens, administration), each in its own file.
//!
//! Every flow takes an [`Authenticated`], which only authentication produces, and checks
//! the access policy itself before doing anything, so an HTTP layer that forgets a check
//! still cannot, say, mint tokens for another app.

mod admin;
mod background;
mod launch;
mod links;
mod session;
mod temporary_apps;
mod three_legged;

pub use admin::AppCredentials;
pub use background::{BackgroundToken, RecordCursor};
pub use launch::{BrowserLaunch, LaunchContext, LaunchCredentials, verify_launch_header};
pub use links::{
    LinkRefusal, MAX_LINK_LIFETIME, MAX_PIN_FAILURES, NewLink, PIN_LOCK, SharedView, link_digest,
};
pub use session::{ResetCode, SessionGrant};
pub use temporary_apps::MAX_TEMPORARY_APPS;
pub use three_legged::{
    Approval, AuthorizationRequest, Refusal, Remember, TemporaryCredentials, TokenCredentials,
};

use crate::config::ProviderConfig;
use crate::directory::{
    Account, AccountState, AccountStore, App, AppStore, DirectoryStore, OAuthToken, RecordRegistry,
    ShareStore, SharedLinkStore, TokenKind, TokenStore, backend::constant_time_eq,
};
use crate::error::{AuthError, StorageErrorKind};
use crate::nonce::{NonceKey, NonceOutcome, NonceStore};
use crate::oauth::{Request, SignedRequest};
use crate::policy::{self, ContainerEndpoint, Decision, Endpoint, Target};
use crate::principal::{AccessKind, AppId, Principal, UserId};
use crate::random::{OsRandom, Secret, SecureRandom, random_string};
use crate::time::{Clock, SystemClock, Timestamp};
use smart_core::RecordId;
use smart_core::manifest::AppMode;
use std::sync::Arc;

/// The storage the provider works on.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Stores {
    /// Accounts and reset tickets.
    pub accounts: Arc<dyn AccountStore>,
    /// The app registry.
    pub apps: Arc<dyn AppStore>,
    /// Tokens.
    pub tokens: Arc<dyn TokenStore>,
    /// Approvals.
    pub shares: Arc<dyn ShareStore>,
    /// Which records exist.
    pub records: Arc<dyn RecordRegistry>,
    /// Nonces.
    pub nonces: Arc<dyn NonceStore>,
    /// Shared links.
    pub links: Arc<dyn SharedLinkStore>,
}

impl Stores {
    /// Stores from separate backends.
    pub fn new(
        accounts: Arc<dyn AccountStore>,
        apps: Arc<dyn AppStore>,
        tokens: Arc<dyn TokenStore>,
        shares: Arc<dyn ShareStore>,
        records: Arc<dyn RecordRegistry>,
        nonces: Arc<dyn NonceStore>,
        links: Arc<dyn SharedLinkStore>,
    ) -> Self {
        Self {
            accounts,
            apps,
            tokens,
            shares,
            records,
            nonces,
            links,
        }
    }

    /// Every store from one shared directory (`Arc<dyn DirectoryStore>`, whatever its
    /// backend), plus a nonce store (the directory itself, or a per-process cache).
    pub fn from_shared_directory(
        directory: Arc<dyn DirectoryStore>,
        nonces: Arc<dyn NonceStore>,
    ) -> Self {
        Self {
            accounts: directory.clone(),
            apps: directory.clone(),
            tokens: directory.clone(),
            shares: directory.clone(),
            links: directory.clone(),
            records: directory,
            nonces,
        }
    }

    /// Stores from one directory (such as [`crate::directory::MemoryDirectory`] or
    /// smart-store's SQL directories), plus a nonce store (the directory itself, for nonces
    /// shared by every node on its database, or a [`crate::nonce::MemoryNonceStore`]).
    pub fn from_directory<T>(directory: Arc<T>, nonces: Arc<dyn NonceStore>) -> Self
    where
        T: AccountStore
            + AppStore
            + TokenStore
            + ShareStore
            + RecordRegistry
            + SharedLinkStore
            + 'static,
    {
        Self {
            accounts: directory.clone(),
            apps: directory.clone(),
            tokens: directory.clone(),
            shares: directory.clone(),
            links: directory.clone(),
            records: directory,
            nonces,
        }
    }
}

/// An authenticated caller: the principal, and the signed request it came with (for the
/// parameters the flows read, such as `oauth_verifier` or `smart_record_id`).
///
/// Only [`Provider`] creates these.
#[derive(Debug, Clone)]
pub struct Authenticated {
    principal: Principal,
    consumer_key: String,
    token: Option<String>,
    signed: Option<SignedRequest>,
    /// True if every write is refused ([`crate::policy::read_only_allows`]).
    read_only: bool,
    /// A shared link's viewer: the one app it may launch.
    bound_app: Option<AppId>,
}

impl Authenticated {
    /// Who is calling.
    pub fn principal(&self) -> &Principal {
        &self.principal
    }

    /// The consumer key the request was signed with.
    pub fn consumer_key(&self) -> &str {
        &self.consumer_key
    }

    /// The token used, if any.
    pub fn token(&self) -> Option<&str> {
        self.token.as_deref()
    }

    /// A signed parameter (header, query or form body), if the caller sent a signed request
    /// and the value is UTF-8.
    pub fn parameter(&self, name: &str) -> Option<&str> {
        self.signed.as_ref().and_then(|s| s.parameter(name))
    }

    /// The signed request, if there was one (in-process callers have none).
    pub fn signed_request(&self) -> Option<&SignedRequest> {
        self.signed.as_ref()
    }

    /// True if this caller may only read: the access policy then refuses every write
    /// (see [`crate::policy::decide_with`]).
    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    /// The same caller, read-only from now on (e.g. a showcase visitor). A caller can be
    /// made weaker this way, never stronger.
    #[must_use]
    pub fn into_read_only(mut self) -> Self {
        self.read_only = true;
        self
    }

    /// For a shared link's viewer: the one app it may launch.
    pub fn bound_app(&self) -> Option<&AppId> {
        self.bound_app.as_ref()
    }

    /// A caller without a signed request (the UI's in-process principals).
    fn unsigned(principal: Principal, consumer_key: &str, token: Option<String>) -> Self {
        Self {
            principal,
            consumer_key: consumer_key.to_owned(),
            token,
            signed: None,
            read_only: false,
            bound_app: None,
        }
    }
}

/// The consumer a request was signed as.
enum Consumer {
    Ui,
    Admin,
    App(Box<App>),
}

/// The OAuth 1.0a provider of a SMART container. Cheap to share behind an `Arc`.
#[derive(Debug)]
pub struct Provider {
    config: ProviderConfig,
    stores: Stores,
    clock: Arc<dyn Clock>,
    rng: Arc<dyn SecureRandom>,
    /// Password hashing, off the async workers and bounded.
    hashing: crate::password::HashPool,
}

impl Provider {
    /// A provider with an explicit clock and random source.
    pub fn new(
        config: ProviderConfig,
        stores: Stores,
        clock: Arc<dyn Clock>,
        rng: Arc<dyn SecureRandom>,
    ) -> Self {
        let hashing = crate::password::HashPool::new(config.passwords.clone());
        Self {
            config,
            stores,
            clock,
            rng,
            hashing,
        }
    }

    /// A provider with the system clock and the operating system's random generator.
    pub fn with_system_defaults(config: ProviderConfig, stores: Stores) -> Self {
        Self::new(
            config,
            stores,
            Arc::new(SystemClock::new()),
            Arc::new(OsRandom::new()),
        )
    }

    /// The configuration.
    pub fn config(&self) -> &ProviderConfig {
        &self.config
    }

    /// The stores.
    pub fn stores(&self) -> &Stores {
        &self.stores
    }

    /// The current time of the provider's clock.
    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    /// Applies the access policy (see [`crate::policy::decide`]).
    pub fn authorize(
        &self,
        who: Option<&Authenticated>,
        endpoint: Endpoint,
        target: &Target,
    ) -> Decision {
        policy::decide_with(
            who.map(Authenticated::principal),
            who.is_some_and(Authenticated::is_read_only),
            endpoint,
            target,
        )
    }

    /// The UI principal, for a UI that runs in the same process as the provider and so
    /// does not sign its calls. Whoever holds the provider is trusted as the UI.
    pub fn internal_ui(&self) -> Authenticated {
        Authenticated::unsigned(Principal::Ui, self.config.ui.key(), None)
    }

    /// Authenticates a request.
    ///
    /// `Ok(None)`: the request carries no OAuth parameters (anonymous). `Ok(Some(_))`: the
    /// signature, timestamp, nonce and credentials are all valid. Otherwise the error says
    /// why; a request with OAuth parameters never falls back to anonymous.
    ///
    /// Order of checks: form of the parameters; timestamp (window and replay memory);
    /// consumer and token look-up; signature and body hash (constant-time); token expiry
    /// and the state of the app and account; and only then the nonce, which is remembered
    /// only for requests that passed everything else.
    pub async fn authenticate(
        &self,
        request: &Request<'_>,
    ) -> Result<Option<Authenticated>, AuthError> {
        let Some(signed) = SignedRequest::parse(&self.config.verifier, request)? else {
            return Ok(None);
        };
        let now = self.clock.now();
        let window = self.config.verifier.timestamp_window();
        signed.check_timestamp(now, window, self.stores.nonces.remembers_since())?;

        let key = signed.consumer_key();
        let consumer = if key == self.config.ui.key() {
            Consumer::Ui
        } else if self.config.admins.iter().any(|a| a.key() == key) {
            Consumer::Admin
        } else {
            let id = AppId::new(key).map_err(|_| AuthError::UnknownConsumer)?;
            let app = self
                .stores
                .apps
                .get_app(&id)
                .await?
                .ok_or(AuthError::UnknownConsumer)?;
            Consumer::App(Box::new(app))
        };
        let consumer_secret = match &consumer {
            Consumer::Ui => self.config.ui.secret().clone(),
            Consumer::Admin => self
                .config
                .admins
                .iter()
                .find(|a| a.key() == key)
                .map(|a| a.secret().clone())
                .unwrap_or_default(),
            Consumer::App(app) => Secret::new(app.consumer_secret.clone()),
        };

        let token = match signed.token() {
            None => None,
            Some(t) => {
                let record = self
                    .stores
                    .tokens
                    .find_token(t)
                    .await?
                    .ok_or(AuthError::UnknownToken)?;
                let bound = match &consumer {
                    Consumer::Ui => record.kind.is_for_ui(),
                    Consumer::Admin => false,
                    Consumer::App(app) => {
                        !record.kind.is_for_ui() && record.app.as_ref() == Some(&app.id)
                    }
                };
                if !bound {
                    return Err(AuthError::UnknownToken);
                }
                Some(record)
            }
        };
        let token_secret = token.as_ref().map_or("", |t| t.secret.as_str());
        signed.verify(consumer_secret.expose(), token_secret)?;

        if token.as_ref().is_some_and(|t| !t.is_valid_at(now)) {
            return Err(AuthError::TokenExpired);
        }
        let principal = self.principal_for(&consumer, key, token.as_ref()).await?;

        let nonce = NonceKey::new(key, signed.token(), signed.nonce(), signed.timestamp());
        let keep_until = signed.timestamp().saturating_add(window);
        match self
            .stores
            .nonces
            .check_and_remember(&nonce, now, keep_until)
            .await?
        {
            NonceOutcome::Fresh => {}
            _ => return Err(AuthError::Replay),
        }
        // A shared link's viewer session stays read-only and bound to its app whoever
        // signs with it.
        let bound_app = token
            .as_ref()
            .filter(|t| t.kind == TokenKind::Session)
            .and_then(|t| t.app.clone());
        Ok(Some(Authenticated {
            principal,
            consumer_key: key.to_owned(),
            token: signed.token().map(str::to_owned),
            signed: Some(signed),
            read_only: bound_app.is_some(),
            bound_app,
        }))
    }

    /// The principal for a verified (consumer, token) pair, checking that the app and the
    /// account are still enabled.
    async fn principal_for(
        &self,
        consumer: &Consumer,
        key: &str,
        token: Option<&OAuthToken>,
    ) -> Result<Principal, AuthError> {
        match (consumer, token) {
            (Consumer::Ui, None) => Ok(Principal::Ui),
            (Consumer::Admin, None) => Ok(Principal::Admin {
                consumer: key.to_owned(),
            }),
            (Consumer::App(app), None) => {
                if !app.enabled {
                    return Err(AuthError::UnknownConsumer);
                }
                Ok(Principal::App {
                    app: app.id.clone(),
                    mode: app.manifest.mode,
                })
            }
            // Admin credentials take no token; `authenticate` refused that already.
            (Consumer::Admin, Some(_)) => Err(AuthError::UnknownToken),
            (Consumer::App(app), Some(t)) => self.token_principal(t, Some(app)).await,
            (Consumer::Ui, Some(t)) => self.token_principal(t, None).await,
        }
    }

    /// The principal a stored token stands for.
    /// `app` is the token's app when the caller has already loaded it.
    async fn token_principal(
        &self,
        t: &OAuthToken,
        app: Option<&App>,
    ) -> Result<Principal, AuthError> {
        if t.kind == TokenKind::Session {
            let user = t.account.as_ref().ok_or(AuthError::UnknownToken)?;
            let account = self.active_account(user).await?;
            // A shared link's viewer session (bound to an app) is never an administrator
            // and sees only the link's record.
            if t.app.is_some() {
                let record = t.record.clone().ok_or(AuthError::UnknownToken)?;
                return Ok(Principal::Session {
                    user: account.id,
                    admin: false,
                    limited_to: Some(record),
                });
            }
            return Ok(Principal::Session {
                user: account.id,
                admin: account.admin,
                limited_to: account.limited_to,
            });
        }
        let app_id = t.app.as_ref().ok_or(AuthError::UnknownToken)?;
        let app = match app {
            Some(a) if &a.id == app_id && a.enabled => a.clone(),
            Some(_) => return Err(AuthError::UnknownToken),
            None => self
                .enabled_app(app_id)
                .await
                .map_err(|_| AuthError::UnknownToken)?,
        };
        if let Some(user) = &t.account {
            self.active_account(user).await?;
        }
        let access = match t.kind {
            TokenKind::Request => {
                return Ok(Principal::RequestToken {
                    app: app.id,
                    record: t.record.clone(),
                });
            }
            TokenKind::AccessRest => AccessKind::Rest,
            TokenKind::AccessConnect => AccessKind::Connect,
            TokenKind::Background if app.manifest.mode == AppMode::Background => {
                AccessKind::Background
            }
            _ => return Err(AuthError::UnknownToken),
        };
        Ok(Principal::Token {
            access,
            app: app.id,
            mode: app.manifest.mode,
            record: t.record.clone(),
            user: t.account.clone(),
        })
    }

    /// For a UI in the same process: resumes a session from its token and secret (kept
    /// server-side, e.g. behind a session cookie) without a signed request. Checks the
    /// secret in constant time, the expiry and the account.
    pub async fn resume_session(
        &self,
        token: &str,
        secret: &Secret,
    ) -> Result<Authenticated, AuthError> {
        let t = self
            .stores
            .tokens
            .find_token(token)
            .await?
            .filter(|t| t.kind == TokenKind::Session)
            .ok_or(AuthError::UnknownToken)?;
        if !constant_time_eq(&t.secret, secret.expose()) {
            return Err(AuthError::UnknownToken);
        }
        if !t.is_valid_at(self.clock.now()) {
            return Err(AuthError::TokenExpired);
        }
        let principal = self.token_principal(&t, None).await?;
        // A session bound to an app is a shared link's viewer: read-only, that app only.
        let mut who = Authenticated::unsigned(principal, self.config.ui.key(), None);
        who.read_only = t.app.is_some();
        who.bound_app = t.app;
        who.token = Some(t.token);
        Ok(who)
    }

    /// For a UI in the same process: the app principal of a SMART Connect token sent by
    /// the container page, which must have been launched from this very session (so a
    /// connect token is useless outside the browser session that launched it). The
    /// connect secret is not needed: it never leaves the server.
    pub async fn resume_connect(
        &self,
        session: &Authenticated,
        connect_token: &str,
    ) -> Result<Authenticated, AuthError> {
        if session.principal.kind() != crate::principal::PrincipalKind::Session {
            return Err(AuthError::Forbidden(
                "only a session can relay SMART Connect calls",
            ));
        }
        let t = self
            .stores
            .tokens
            .find_token(connect_token)
            .await?
            .filter(|t| t.kind == TokenKind::AccessConnect)
            .ok_or(AuthError::UnknownToken)?;
        if t.parent.is_none() || t.parent.as_deref() != session.token() {
            return Err(AuthError::UnknownToken);
        }
        if !t.is_valid_at(self.clock.now()) {
            return Err(AuthError::TokenExpired);
        }
        let principal = self.token_principal(&t, None).await?;
        let mut who = Authenticated::unsigned(principal, self.config.ui.key(), Some(t.token));
        // A launch from a read-only session is read-only.
        who.read_only = session.read_only;
        who.bound_app = session.bound_app.clone();
        Ok(who)
    }

    /// Removes expired tokens from the token store (housekeeping; expiry is enforced at
    /// every use regardless). Returns how many were removed.
    pub async fn remove_expired_tokens(&self) -> Result<u64, AuthError> {
        Ok(self.stores.tokens.cleanup_expired(self.clock.now()).await?)
    }

    // ---- helpers shared by the flows

    /// Applies the policy for a container endpoint; the flows call this first.
    fn require(
        &self,
        who: &Authenticated,
        endpoint: ContainerEndpoint,
        target: &Target,
    ) -> Result<(), AuthError> {
        match policy::decide_with(Some(&who.principal), who.read_only, endpoint.into(), target) {
            Decision::Allow => Ok(()),
            Decision::ReadOnly => Err(AuthError::Forbidden(
                "read-only access: this session may not change anything",
            )),
            _ => Err(AuthError::Forbidden(
                "the access policy does not allow this",
            )),
        }
    }

    async fn active_account(&self, user: &UserId) -> Result<Account, AuthError> {
        match self.stores.accounts.get_account(user).await? {
            Some(a) if a.state == AccountState::Active => Ok(a),
            _ => Err(AuthError::UnknownToken),
        }
    }

    async fn enabled_app(&self, id: &AppId) -> Result<App, AuthError> {
        match self.stores.apps.get_app(id).await? {
            Some(a) if a.enabled => Ok(a),
            _ => Err(AuthError::NotFound("app")),
        }
    }

    async fn record_must_exist(&self, id: &RecordId) -> Result<(), AuthError> {
        if self.stores.records.get_record(id).await?.is_some() {
            Ok(())
        } else {
            Err(AuthError::NotFound("record"))
        }
    }

    fn secret(&self, bytes: usize) -> Result<Secret, AuthError> {
        Ok(Secret::generate(self.rng.as_ref(), bytes)?)
    }

    /// Creates and stores a token with fresh random token and secret.
    async fn mint(&self, mut template: OAuthToken) -> Result<OAuthToken, AuthError> {
        for _ in 0..3 {
            template.token = random_string(self.rng.as_ref(), 16)?;
            template.secret = self.secret(32)?.expose().to_owned();
            match self.stores.tokens.insert_token(template.clone()).await {
                Ok(stored) => return Ok(stored),
                Err(e) if e.kind() == StorageErrorKind::Conflict => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(AuthError::Conflict("could not draw an unused token".into()))
    }

    /// A token template of `kind`, issued now, expiring at `expires_at`.
    fn template(&self, kind: TokenKind, expires_at: Timestamp) -> OAuthToken {
        OAuthToken::new(
            String::new(),
            String::new(),
            kind,
            None,
            self.clock.now(),
            expires_at,
        )
    }
}
