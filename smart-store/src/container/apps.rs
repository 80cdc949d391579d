//! Registering apps on behalf of an administrator: the one code path behind
//! `smart apps register` and the web UI's app administration, so both apply the same
//! checks (a valid manifest, an id that is not a machine consumer key) and the same
//! consequences (a new secret for a new app, tokens revoked on a change of mode or a
//! rotated secret). Writes go through the provider's stores, so that a cache of app and
//! token look-ups in front of the directory sees them at once.

use super::{Container, ServiceError, ServiceErrorKind};
use crate::directory::{App, AppId, NewApp, SecretPolicy, Timestamp};
use smart_core::manifest::{AppManifest, ManifestError};

/// What [`Container::register_app`] did.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Registered {
    /// The app as stored, with the consumer secret in force.
    pub app: App,
    /// True if the app did not exist before.
    pub created: bool,
}

/// Reads and checks a manifest as an administrator submits it (a file, a pasted text):
/// JSON, then every rule of [`AppManifest::validate`]. The error lists each problem with
/// its field.
pub fn read_manifest(json: &str) -> Result<AppManifest, ManifestError> {
    AppManifest::from_json_validated(json)
}

impl Container {
    /// Registers the app of `manifest`, or replaces the manifest of the app with the same
    /// id. A new app gets a fresh consumer secret; an existing one keeps its secret unless
    /// `rotate_secret`, and keeps its container-wide switch. `enabled_by_default`: `None`
    /// keeps an existing app's setting (off for a new app). A change of mode or a rotated
    /// secret revokes the app's tokens (they were granted for the old mode, or are signed
    /// with the old secret).
    pub async fn register_app(
        &self,
        manifest: AppManifest,
        enabled_by_default: Option<bool>,
        rotate_secret: bool,
    ) -> Result<Registered, ServiceError> {
        if let Err(e) = manifest.validate() {
            return Err(ServiceError::bad_request(format!(
                "not a valid app manifest: {e}"
            )));
        }
        if self.provider.config().is_machine_key(&manifest.id) {
            return Err(ServiceError::bad_request(format!(
                "app id {:?} is a configured machine consumer key (the UI or an admin credential)",
                manifest.id
            )));
        }
        let id = AppId::new(&manifest.id)
            .map_err(|e| ServiceError::bad_request(format!("app id {:?}: {e}", manifest.id)))?;
        let old = self.provider.stores().apps.get_app(&id).await?;
        let mode = manifest.mode;
        let mut new = NewApp::new(manifest, new_secret()?).enabled_by_default(
            enabled_by_default
                .unwrap_or_else(|| old.as_ref().is_some_and(|o| o.enabled_by_default)),
        );
        if let Some(o) = &old {
            new = new.enabled(o.enabled);
        }
        let policy = if rotate_secret || old.is_none() {
            SecretPolicy::Rotate
        } else {
            SecretPolicy::Keep
        };
        let app = self
            .provider
            .stores()
            .apps
            .register_app(new, policy, Timestamp::now())
            .await?;
        if old.as_ref().is_some_and(|o| o.mode != mode) || (rotate_secret && old.is_some()) {
            self.provider.stores().tokens.revoke_app_tokens(&id).await?;
        }
        Ok(Registered {
            app,
            created: old.is_none(),
        })
    }

    /// Draws a new consumer secret for a registered app (its tokens are revoked: they
    /// were signed with the old one). `NotFound` if there is no such app.
    pub async fn rotate_app_secret(&self, id: &AppId) -> Result<App, ServiceError> {
        let app = self
            .provider
            .stores()
            .apps
            .get_app(id)
            .await?
            .ok_or_else(|| ServiceError::new(ServiceErrorKind::NotFound, format!("no app {id}")))?;
        Ok(self
            .register_app(app.manifest, Some(app.enabled_by_default), true)
            .await?
            .app)
    }

    /// Sets an app's container-wide switch (off: hidden from every sidebar, unable to
    /// sign requests or be launched, its tokens revoked; its data kept) and its default
    /// for accounts that made no choice of their own, keeping its manifest and secret.
    /// `NotFound` if there is no such app.
    pub async fn set_app_switches(
        &self,
        id: &AppId,
        enabled: bool,
        enabled_by_default: bool,
    ) -> Result<App, ServiceError> {
        let app = self
            .provider
            .stores()
            .apps
            .get_app(id)
            .await?
            .ok_or_else(|| ServiceError::new(ServiceErrorKind::NotFound, format!("no app {id}")))?;
        let new = NewApp::new(app.manifest, app.consumer_secret)
            .enabled(enabled)
            .enabled_by_default(enabled_by_default);
        let stores = self.provider.stores();
        let app = stores
            .apps
            .register_app(new, SecretPolicy::Keep, Timestamp::now())
            .await?;
        if !enabled {
            // A hidden app can no longer act: its tokens go now, not at their expiry.
            stores.tokens.revoke_app_tokens(id).await?;
        }
        Ok(app)
    }
}

/// A consumer secret: 32 bytes from the operating system's CSPRNG.
fn new_secret() -> Result<String, ServiceError> {
    smart_auth::random_string(&smart_auth::OsRandom::new(), 32).map_err(|e| {
        ServiceError::new(
            ServiceErrorKind::Unavailable,
            format!("no operating-system randomness: {e}"),
        )
    })
}
