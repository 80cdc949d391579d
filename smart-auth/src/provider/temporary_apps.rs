//! Temporary apps: an app under development that a UI session registers by its URL
//! ("Launch by URL" in the web UI). It lives in the app registry like any app (so launch,
//! tokens and the access policy work unchanged), with two differences: its id is drawn
//! under [`AppId::TEMPORARY_PREFIX`], which registration refuses to callers, and it
//! records its owner session ([`App::owner_session`]). Only that session launches it; the
//! app is deleted at logout, and [`Provider::sweep_temporary_apps`] deletes those whose
//! session ended otherwise (expiry, sign-out elsewhere, a crash), on every server process,
//! since the registry is shared.

use super::{Authenticated, Provider};
use crate::directory::{App, NewApp, SecretPolicy};
use crate::error::AuthError;
use crate::policy::{ContainerEndpoint as C, Target};
use crate::principal::{AppId, Principal, UserId};
use crate::random::random_string;
use smart_core::RecordId;
use smart_core::manifest::AppManifest;

/// At most this many temporary apps per session (one per index URL).
pub const MAX_TEMPORARY_APPS: usize = 10;

impl Provider {
    /// Registers `manifest` as a temporary app of the caller's session, for launching on
    /// `record` (the same policy as a launch: the session's own user, in its record
    /// scope). The manifest's `id` is replaced by a fresh temporary id; a second
    /// registration with the same `index` replaces the first (keeping its id). The
    /// manifest must be valid and launchable (not `background`).
    pub async fn register_temporary_app(
        &self,
        who: &Authenticated,
        account: &UserId,
        record: Option<&RecordId>,
        mut manifest: AppManifest,
    ) -> Result<AppId, AuthError> {
        let mut target = Target::new().with_user(account.clone());
        target.record = record.cloned();
        self.require(who, C::Launch, &target)?;
        let session = session_token(who)?;
        if manifest.mode == smart_core::manifest::AppMode::Background {
            return Err(AuthError::Invalid(
                "a background app cannot be launched by URL".into(),
            ));
        }
        // Left-overs of ended sessions go first: this also bounds how long one survives.
        self.sweep_temporary_apps().await?;
        let owned = self.owned_apps(session).await?;
        let id = match owned.iter().find(|a| a.manifest.index == manifest.index) {
            Some(same) => same.id.clone(),
            None if owned.len() >= MAX_TEMPORARY_APPS => {
                return Err(AuthError::Invalid(format!(
                    "at most {MAX_TEMPORARY_APPS} apps can be launched by URL in one session; \
                     sign out to remove them"
                )));
            }
            None => {
                let random = random_string(self.rng.as_ref(), 18)?;
                AppId::new(format!("{}{random}", AppId::TEMPORARY_PREFIX))
                    .map_err(|e| AuthError::Invalid(e.to_string()))?
            }
        };
        manifest.id = id.as_str().to_owned();
        manifest
            .validate()
            .map_err(|e| AuthError::Invalid(e.to_string()))?;
        let replaced = owned.iter().find(|a| a.id == id);
        let secret = self.secret(32)?;
        self.stores
            .apps
            .register_app(
                NewApp::new(manifest, secret.expose()).owned_by_session(session),
                SecretPolicy::Rotate,
                self.now(),
            )
            .await?;
        if replaced.is_some() {
            // Launches of the old manifest end with it.
            self.stores.tokens.revoke_app_tokens(&id).await?;
        }
        Ok(id)
    }

    /// The temporary apps of the caller's session, by id.
    pub async fn temporary_apps(&self, who: &Authenticated) -> Result<Vec<App>, AuthError> {
        self.owned_apps(session_token(who)?).await
    }

    /// Deletes the temporary apps of a session (with their tokens); returns how many.
    /// Logout calls it; the web UI calls it when it finds a session expired.
    pub async fn end_temporary_apps(&self, session_token: &str) -> Result<u64, AuthError> {
        let mut gone = 0;
        for app in self.owned_apps(session_token).await? {
            if self.stores.apps.delete_app(&app.id).await? {
                gone += 1;
            }
        }
        Ok(gone)
    }

    /// Deletes every temporary app whose owner session is no longer valid (revoked,
    /// expired, unknown); returns how many. Servers run it at start-up, and it runs before
    /// each registration.
    pub async fn sweep_temporary_apps(&self) -> Result<u64, AuthError> {
        let now = self.now();
        let mut gone = 0;
        for app in self.stores.apps.list_apps().await? {
            let Some(owner) = &app.owner_session else {
                continue;
            };
            let alive = self
                .stores
                .tokens
                .get_token(owner, now)
                .await?
                .is_some_and(|t| t.kind == crate::directory::TokenKind::Session);
            if !alive && self.stores.apps.delete_app(&app.id).await? {
                gone += 1;
            }
        }
        Ok(gone)
    }

    async fn owned_apps(&self, session_token: &str) -> Result<Vec<App>, AuthError> {
        Ok(self
            .stores
            .apps
            .list_apps()
            .await?
            .into_iter()
            .filter(|a| a.owner_session.as_deref() == Some(session_token))
            .collect())
    }
}

/// The session token of a UI session principal.
fn session_token(who: &Authenticated) -> Result<&str, AuthError> {
    match (who.principal(), who.token()) {
        (Principal::Session { .. }, Some(token)) => Ok(token),
        _ => Err(AuthError::Forbidden("not a session")),
    }
}
