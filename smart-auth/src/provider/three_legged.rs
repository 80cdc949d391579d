//! The SMART REST 3-legged flow for standalone apps: request token → the user approves
//! (and, if they ask for it, the approval is remembered per user × record × app) or
//! denies (the request token dies) → access token bound to one record.

use super::{Authenticated, Provider};
use crate::directory::{OAuthToken, TokenKind};
use crate::error::AuthError;
use crate::error::StorageErrorKind;
use crate::oauth::form_encode;
use crate::policy::{ContainerEndpoint as C, Target};
use crate::principal::{AppId, Principal, UserId};
use crate::random::Secret;
use crate::time::Timestamp;
use smart_core::RecordId;
use smart_core::manifest::{AppManifest, Scope};

/// The reply to `request_token`.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct TemporaryCredentials {
    /// The request token.
    pub token: String,
    /// Its secret.
    pub secret: Secret,
    /// When it expires.
    pub expires_at: Timestamp,
}

impl TemporaryCredentials {
    /// `oauth_token=…&oauth_token_secret=…&oauth_callback_confirmed=true`.
    pub fn to_form(&self) -> String {
        form_encode([
            ("oauth_token", self.token.as_str()),
            ("oauth_token_secret", self.secret.expose()),
            ("oauth_callback_confirmed", "true"),
        ])
    }
}

/// What the authorize page shows.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct AuthorizationRequest {
    /// The app asking.
    pub app: AppId,
    /// Its display name.
    pub app_name: String,
    /// Its description.
    pub app_description: String,
    /// The record it asks for.
    pub record: Option<RecordId>,
    /// True if this user already approved this app on this record: the UI may approve
    /// without asking again ([`Provider::approve_if_remembered`]).
    pub remembered: bool,
    /// The app's registered manifest (icon, author, `requires`, callback), for the page.
    pub manifest: AppManifest,
    /// When the request token expires.
    pub expires_at: Timestamp,
}

/// Whether an approval is stored, so that the same app gets the same record for the same
/// user next time without asking ([`Provider::approve_if_remembered`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Remember {
    /// This request only.
    No,
    /// Store the approval (a share, listed and revocable by the user).
    Yes,
}

/// A refusal: where to send the browser next.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Refusal {
    /// The request token, now unusable.
    pub token: String,
    /// The manifest's `oauth_callback` with `oauth_token` and
    /// `oauth_problem=user_refused` added, or `None` for an app without callback.
    pub redirect: Option<String>,
}

/// An approval: where to send the browser next.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Approval {
    /// The request token.
    pub token: String,
    /// The verifier (single use).
    pub verifier: Secret,
    /// The manifest's `oauth_callback` with `oauth_token` and `oauth_verifier` added, or
    /// `None` for an app without callback (the UI then shows the verifier).
    pub redirect: Option<String>,
}

/// The reply to `access_token`.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct TokenCredentials {
    /// The access token.
    pub token: String,
    /// Its secret.
    pub secret: Secret,
    /// The record it is bound to.
    pub record: Option<RecordId>,
    /// The user who approved.
    pub user: UserId,
    /// When it expires.
    pub expires_at: Timestamp,
}

impl TokenCredentials {
    /// `oauth_token=…&oauth_token_secret=…&record_id=…&user_id=…` (`user_id` is the
    /// e-mail, as in `/users/{user_id}`).
    pub fn to_form(&self) -> String {
        form_encode([
            ("oauth_token", self.token.as_str()),
            ("oauth_token_secret", self.secret.expose()),
            (
                "record_id",
                self.record.as_ref().map_or("", RecordId::as_str),
            ),
            ("user_id", self.user.as_str()),
        ])
    }
}

/// `url` with `pairs` added to its query.
fn with_query(url: &str, pairs: [(&str, &str); 2]) -> String {
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}{}", form_encode(pairs))
}

/// The manifest's callback, if it names one (`oob` and empty mean none). Never a URL of
/// the request: an approval cannot be sent anywhere the app did not register.
fn callback(manifest: &AppManifest) -> Option<&str> {
    manifest
        .oauth_callback
        .as_deref()
        .filter(|c| !c.is_empty() && *c != "oob")
}

impl Provider {
    /// `POST /oauth/request_token`, signed 2-legged by a user-facing app. The record comes
    /// from the signed parameter `smart_record_id` (form body or header); it is required
    /// unless the app's scope is `container`. Any `oauth_callback` in the request is
    /// ignored: approval redirects only to the manifest's callback.
    pub async fn request_token(
        &self,
        who: &Authenticated,
    ) -> Result<TemporaryCredentials, AuthError> {
        self.require(who, C::RequestToken, &Target::new())?;
        let Principal::App { app, .. } = who.principal() else {
            return Err(AuthError::Forbidden(
                "only an app can ask for a request token",
            ));
        };
        let app = self.enabled_app(app).await?;
        let record = match who.parameter("smart_record_id").filter(|r| !r.is_empty()) {
            // Whether the record exists is not checked here: an app would otherwise learn
            // which record ids exist from the answer. The approval page (a user allowed
            // to see the record) checks it, so a token for a missing record is never
            // approved.
            Some(r) => Some(RecordId::new(r).map_err(|e| AuthError::Invalid(e.to_string()))?),
            None if app.manifest.scope == Some(Scope::Container) => None,
            None => return Err(AuthError::Invalid("smart_record_id is required".into())),
        };
        let mut t = self.template(
            TokenKind::Request,
            self.now()
                .saturating_add(self.config.lifetimes.request_token_lifetime()),
        );
        t.app = Some(app.id);
        t.record = record;
        let t = self.mint(t).await?;
        Ok(TemporaryCredentials {
            token: t.token,
            secret: Secret::new(t.secret),
            expires_at: t.expires_at,
        })
    }

    /// The pending request token, checked: a request token, not expired, not yet approved.
    async fn pending_request(&self, token: &str) -> Result<OAuthToken, AuthError> {
        let t = self
            .stores
            .tokens
            .find_token(token)
            .await?
            .filter(|t| t.kind == TokenKind::Request)
            .ok_or(AuthError::NotFound("request token"))?;
        if !t.is_valid_at(self.now()) {
            return Err(AuthError::TokenExpired);
        }
        if t.verifier.is_some() {
            return Err(AuthError::Conflict(
                "the request token is already approved".into(),
            ));
        }
        Ok(t)
    }

    /// What the authorize page shows for a request token (a logged-in user).
    pub async fn authorization_request(
        &self,
        who: &Authenticated,
        request_token: &str,
    ) -> Result<AuthorizationRequest, AuthError> {
        let t = self.pending_request(request_token).await?;
        self.require(who, C::AuthorizeInfo, &record_target(&t))?;
        let user = who
            .principal()
            .user()
            .ok_or(AuthError::Forbidden("not a user"))?;
        if let Some(record) = &t.record {
            self.record_must_exist(record).await?;
        }
        let app_id = t.app.clone().ok_or(AuthError::NotFound("app"))?;
        let app = self.enabled_app(&app_id).await?;
        let remembered = self
            .stores
            .shares
            .get_share(user, t.record.as_ref(), &app_id)
            .await?
            .is_some();
        Ok(AuthorizationRequest {
            app: app_id,
            app_name: app.manifest.name.clone(),
            app_description: app.manifest.description.clone(),
            record: t.record,
            remembered,
            manifest: app.manifest,
            expires_at: t.expires_at,
        })
    }

    /// The user approves the request token: draws the verifier, stores the approval
    /// (user × record × app) if `remember` says so, and returns the redirect to the
    /// manifest's callback.
    pub async fn approve(
        &self,
        who: &Authenticated,
        request_token: &str,
        remember: Remember,
    ) -> Result<Approval, AuthError> {
        let t = self.pending_request(request_token).await?;
        self.require(who, C::AuthorizeApprove, &record_target(&t))?;
        let user = who
            .principal()
            .user()
            .cloned()
            .ok_or(AuthError::Forbidden("not a user"))?;
        if let Some(record) = &t.record {
            self.record_must_exist(record).await?;
        }
        let app_id = t.app.clone().ok_or(AuthError::NotFound("app"))?;
        let app = self.enabled_app(&app_id).await?;
        let verifier = self.secret(16)?;
        let now = self.now();
        let approved = self
            .stores
            .tokens
            .authorize_request_token(&t.token, &user, verifier.expose(), now)
            .await;
        match approved {
            Ok(_) => {}
            Err(e) if e.kind() == StorageErrorKind::NotFound => {
                return Err(AuthError::NotFound("request token"));
            }
            Err(e) if e.kind() == StorageErrorKind::Conflict => {
                return Err(AuthError::Conflict(
                    "the request token is already approved".into(),
                ));
            }
            Err(e) => return Err(e.into()),
        }
        if remember == Remember::Yes {
            self.stores
                .shares
                .grant_share(&user, t.record.as_ref(), &app_id, now)
                .await?;
        }
        let redirect = callback(&app.manifest).map(|c| {
            with_query(
                c,
                [
                    ("oauth_token", t.token.as_str()),
                    ("oauth_verifier", verifier.expose()),
                ],
            )
        });
        Ok(Approval {
            token: t.token,
            verifier,
            redirect,
        })
    }

    /// The user refuses the request token: it is removed at once, so it can be neither
    /// approved nor exchanged any more. The redirect tells the app
    /// (`oauth_problem=user_refused`, the wording of the OAuth problem reporting
    /// extension). Nothing is stored, and a remembered approval of the same app and
    /// record stays as it is (the user revokes those on their account page).
    pub async fn deny(
        &self,
        who: &Authenticated,
        request_token: &str,
    ) -> Result<Refusal, AuthError> {
        let t = self.pending_request(request_token).await?;
        self.require(who, C::AuthorizeApprove, &record_target(&t))?;
        who.principal()
            .user()
            .ok_or(AuthError::Forbidden("not a user"))?;
        let app_id = t.app.clone().ok_or(AuthError::NotFound("app"))?;
        // Deleted, not updated: a concurrent approval or exchange of the same token then
        // finds nothing.
        if !self.stores.tokens.revoke_token(&t.token).await? {
            return Err(AuthError::NotFound("request token"));
        }
        let redirect = self.enabled_app(&app_id).await.ok().and_then(|app| {
            callback(&app.manifest).map(|c| {
                with_query(
                    c,
                    [
                        ("oauth_token", t.token.as_str()),
                        ("oauth_problem", "user_refused"),
                    ],
                )
            })
        });
        Ok(Refusal {
            token: t.token,
            redirect,
        })
    }

    /// Approves without asking if the user approved this app on this record before;
    /// `None` if the user must be asked.
    pub async fn approve_if_remembered(
        &self,
        who: &Authenticated,
        request_token: &str,
    ) -> Result<Option<Approval>, AuthError> {
        if self
            .authorization_request(who, request_token)
            .await?
            .remembered
        {
            // Already stored: not stored again (the date shown is the user's own choice).
            self.approve(who, request_token, Remember::No)
                .await
                .map(Some)
        } else {
            Ok(None)
        }
    }

    /// `POST /oauth/access_token`, signed by the app with its approved request token and
    /// `oauth_verifier`. The request token is used up by this call whatever the outcome,
    /// so a verifier works once.
    pub async fn access_token(&self, who: &Authenticated) -> Result<TokenCredentials, AuthError> {
        self.require(who, C::AccessToken, &Target::new())?;
        let Principal::RequestToken { app, .. } = who.principal() else {
            return Err(AuthError::Forbidden(
                "only a request token can be exchanged",
            ));
        };
        let token = who.token().ok_or(AuthError::UnknownToken)?;
        let verifier = who.parameter("oauth_verifier").unwrap_or("");
        let tokens = &self.stores.tokens;
        let t = tokens
            .find_token(token)
            .await?
            .filter(|t| t.kind == TokenKind::Request && t.app.as_ref() == Some(app))
            .ok_or(AuthError::UnknownToken)?;
        let now = self.now();
        // Used up whatever the outcome: expired and unapproved tokens are deleted here,
        // approved ones by the exchange itself (which also eats a wrong verifier).
        if !t.is_valid_at(now) {
            tokens.revoke_token(token).await?;
            return Err(AuthError::TokenExpired);
        }
        if t.verifier.is_none() {
            tokens.revoke_token(token).await?;
            return Err(AuthError::BadVerifier);
        }
        let t = tokens
            .consume_verifier(token, verifier, now)
            .await?
            .ok_or(AuthError::BadVerifier)?;
        let Some(user) = t.account.clone() else {
            return Err(AuthError::BadVerifier);
        };
        let mut access = self.template(
            TokenKind::AccessRest,
            now.saturating_add(self.config.lifetimes.rest_token_lifetime()),
        );
        access.app = t.app;
        access.account = Some(user.clone());
        access.record = t.record;
        let access = self.mint(access).await?;
        Ok(TokenCredentials {
            token: access.token,
            secret: Secret::new(access.secret),
            record: access.record,
            user,
            expires_at: access.expires_at,
        })
    }
}

fn record_target(t: &OAuthToken) -> Target {
    match &t.record {
        Some(r) => Target::new().with_record(r.clone()),
        None => Target::new(),
    }
}
