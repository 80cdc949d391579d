//! The SMART Connect launch: for (user, record, app), a connect token whose secret stays on
//! the server, a REST token for the app's back end, and the signed launch header
//! (`oauth_header`) that the back end can verify with its consumer secret.

use super::{Authenticated, Provider};
use crate::directory::TokenKind;
use crate::error::AuthError;
use crate::oauth::{
    HeaderSigner, Request, SignatureError, SignatureMethod, SignedRequest, VerifierConfig,
    split_absolute,
};
use crate::policy::{ContainerEndpoint as C, Target};
use crate::principal::{AppId, UserId};
use crate::random::{Secret, random_string};
use crate::time::Timestamp;
use smart_core::RecordId;
use smart_core::manifest::{AppMode, Scope};
use std::time::Duration;

/// Everything a launch produces. The connect secret is for the server side only; send the
/// browser [`LaunchCredentials::browser_view`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct LaunchCredentials {
    /// The app launched.
    pub app: AppId,
    /// The user.
    pub user: UserId,
    /// The record (`None` for a container-scope app).
    pub record: Option<RecordId>,
    /// The container's public API base, without trailing `/`.
    pub api_base: String,
    /// The SMART Connect token (sent by the container page with each relayed call).
    pub connect_token: String,
    /// Its secret: never sent to the browser.
    pub connect_secret: Secret,
    /// The REST token for the app's back end.
    pub rest_token: String,
    /// Its secret.
    pub rest_secret: Secret,
    /// The signed launch header: `OAuth realm="", …` over `GET <app index>`, signed with
    /// the app's consumer secret, carrying the `smart_*` launch parameters.
    pub oauth_header: String,
    /// When the credentials expire (never after the session).
    pub expires_at: Timestamp,
}

/// What the container page receives (no connect secret): `{app_id, connect_token,
/// api_base, rest_token, rest_secret, oauth_header}` as in the reference container.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct BrowserLaunch {
    /// The app id.
    pub app_id: String,
    /// The connect token.
    pub connect_token: String,
    /// The API base.
    pub api_base: String,
    /// The REST token.
    pub rest_token: String,
    /// The REST secret (it is also inside `oauth_header`, for the app's back end).
    pub rest_secret: String,
    /// The launch header.
    pub oauth_header: String,
}

impl LaunchCredentials {
    /// The part the browser may see.
    pub fn browser_view(&self) -> BrowserLaunch {
        BrowserLaunch {
            app_id: self.app.as_str().to_owned(),
            connect_token: self.connect_token.clone(),
            api_base: self.api_base.clone(),
            rest_token: self.rest_token.clone(),
            rest_secret: self.rest_secret.expose().to_owned(),
            oauth_header: self.oauth_header.clone(),
        }
    }
}

impl Provider {
    /// Launches `app` for the session's user on `record` (required for record-scope apps).
    /// The user in the path (`account`) must be the caller; a limited session can launch
    /// only on its record. Launching counts as approval (a share is remembered).
    pub async fn launch(
        &self,
        who: &Authenticated,
        account: &UserId,
        app: &AppId,
        record: Option<RecordId>,
    ) -> Result<LaunchCredentials, AuthError> {
        let mut target = Target::new().with_user(account.clone());
        target.record = record.clone();
        self.require(who, C::Launch, &target)?;
        let session_token = who.token().ok_or(AuthError::Forbidden("not a session"))?;
        let session = self
            .stores
            .tokens
            .find_token(session_token)
            .await?
            .ok_or(AuthError::UnknownToken)?;
        // A shared link's viewer launches its one app, on its one record, only.
        if let Some(bound) = who.bound_app() {
            if bound != app || record.as_ref() != who.principal().record() {
                return Err(AuthError::Forbidden(
                    "a shared link opens only its own app on its own record",
                ));
            }
        }
        let app = self.enabled_app(app).await?;
        // A temporary app (launched by URL) exists for its own session only.
        if app
            .owner_session
            .as_deref()
            .is_some_and(|owner| owner != session_token)
        {
            return Err(AuthError::NotFound("app"));
        }
        if app.manifest.mode == AppMode::Background {
            return Err(AuthError::Invalid(
                "a background app is not launched".into(),
            ));
        }
        match (&record, app.manifest.scope) {
            (Some(r), _) => self.record_must_exist(r).await?,
            (None, Some(Scope::Container)) => {}
            (None, _) => return Err(AuthError::Invalid("this app needs a record".into())),
        }
        let index = app
            .manifest
            .index
            .clone()
            .ok_or_else(|| AuthError::Invalid("the app has no index URL".into()))?;
        let now = self.now();
        let expires_at = now
            .saturating_add(self.config.lifetimes.launch_lifetime())
            .min(session.expires_at);
        // Launching counts as approval, except for a read-only caller, which writes
        // nothing.
        if !who.is_read_only() {
            self.stores
                .shares
                .grant_share(account, record.as_ref(), &app.id, now)
                .await?;
        }

        let mut connect = self.template(TokenKind::AccessConnect, expires_at);
        connect.app = Some(app.id.clone());
        connect.account = Some(account.clone());
        connect.record = record.clone();
        connect.parent = Some(session_token.to_owned());
        let mut rest = connect.clone();
        rest.kind = TokenKind::AccessRest;
        let connect = self.mint(connect).await?;
        let rest = self.mint(rest).await?;

        let api_base = self.config.verifier.base().as_url();
        let nonce = random_string(self.rng.as_ref(), 16)?;
        let app_secret = Secret::new(app.consumer_secret.clone());
        let header = HeaderSigner::new(SignatureMethod::HmacSha1, app.id.as_str(), &app_secret)
            .nonce(&nonce)
            .timestamp(now)
            .realm("")
            .param("smart_container_api_base", &api_base)
            .param("smart_oauth_token", &rest.token)
            .param("smart_oauth_token_secret", &rest.secret)
            .param("smart_user_id", account.as_str())
            .param("smart_app_id", app.id.as_str())
            .param(
                "smart_record_id",
                record.as_ref().map_or("", RecordId::as_str),
            )
            .sign("GET", &index, None)
            .map_err(|e| AuthError::Invalid(e.to_string()))?;
        Ok(LaunchCredentials {
            app: app.id,
            user: account.clone(),
            record,
            api_base,
            connect_token: connect.token,
            connect_secret: Secret::new(connect.secret),
            rest_token: rest.token,
            rest_secret: Secret::new(rest.secret),
            oauth_header: header,
            expires_at,
        })
    }
}

/// The launch context an app back end reads from a verified `oauth_header`.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct LaunchContext {
    /// `smart_container_api_base`.
    pub api_base: String,
    /// `smart_oauth_token`: the REST token.
    pub token: String,
    /// `smart_oauth_token_secret`.
    pub token_secret: Secret,
    /// `smart_user_id`.
    pub user: String,
    /// `smart_app_id`.
    pub app: String,
    /// `smart_record_id` (empty for a container-scope app).
    pub record: String,
    /// `oauth_nonce`: an app that wants replay protection remembers it.
    pub nonce: String,
}

/// For an app back end: verifies a launch header against the app's index URL and
/// consumer secret (HMAC-SHA1, timestamp within `window` of `now`), and returns the launch
/// context. Nonces are not checked here (see [`LaunchContext::nonce`]).
pub fn verify_launch_header(
    header: &str,
    index_url: &str,
    consumer_secret: &Secret,
    now: Timestamp,
    window: Duration,
) -> Result<LaunchContext, SignatureError> {
    let (uri, rest) = split_absolute(index_url).map_err(|_| SignatureError::BadTarget)?;
    let query = rest.split('#').next().unwrap_or("");
    let path_and_query = format!("{}{}", uri.path, query);
    let config = VerifierConfig::builder(&uri.origin)
        .map_err(|_| SignatureError::BadTarget)?
        .timestamp_window(window)
        .build()
        .map_err(|_| SignatureError::StaleTimestamp)?;
    let request = Request::new("GET", &path_and_query).with_authorization(header);
    let signed = SignedRequest::parse(&config, &request)?
        .ok_or(SignatureError::MalformedHeader("not an OAuth header"))?;
    signed.check_timestamp(now, window, None)?;
    signed.verify(consumer_secret.expose(), "")?;
    let get = |name: &'static str| {
        signed
            .parameter(name)
            .map(str::to_owned)
            .ok_or(SignatureError::MissingParameter(name))
    };
    let app = get("smart_app_id")?;
    if app != signed.consumer_key() {
        return Err(SignatureError::InvalidParameter("smart_app_id"));
    }
    Ok(LaunchContext {
        api_base: get("smart_container_api_base")?,
        token: get("smart_oauth_token")?,
        token_secret: Secret::new(get("smart_oauth_token_secret")?),
        user: get("smart_user_id")?,
        app,
        record: get("smart_record_id")?,
        nonce: signed.nonce().to_owned(),
    })
}
