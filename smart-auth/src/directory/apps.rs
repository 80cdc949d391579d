//! Apps (registered from their manifests) and which accounts have them switched on.

use super::types::{AppId, Timestamp, UserId, check_opaque};
use super::{StoreError, StoreResult};
use async_trait::async_trait;
use smart_core::manifest::{AppManifest, AppMode};
use std::fmt;

/// A registered app.
#[expect(
    clippy::exhaustive_structs,
    reason = "every backend builds these records (smart-store's SQL rows, a vendor's store)"
)]
#[derive(Clone, PartialEq, Eq)]
pub struct App {
    /// The manifest id, which is also the OAuth consumer key.
    pub id: AppId,
    /// The manifest as registered.
    pub manifest: AppManifest,
    /// The OAuth consumer secret, exactly as the caller gave it: the caller decides
    /// whether it is stored encrypted.
    pub consumer_secret: String,
    /// The manifest's mode, kept beside it for listing.
    pub mode: AppMode,
    /// Whether the app is on for accounts that have not switched it on or off themselves.
    pub enabled_by_default: bool,
    /// When the app was first registered.
    pub created_at: Timestamp,
    /// When it was last registered or changed.
    pub updated_at: Timestamp,
    /// False once an administrator disabled the app container-wide: it can then neither
    /// sign requests nor be launched by anyone.
    pub enabled: bool,
    /// For a temporary app (one launched by URL from the web UI, its id under
    /// [`AppId::TEMPORARY_PREFIX`]): the UI session token that registered it. Only that
    /// session sees and launches it; it is deleted when the session ends. `None` for a
    /// registered app.
    pub owner_session: Option<String>,
}

impl fmt::Debug for App {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("App")
            .field("id", &self.id)
            .field("name", &self.manifest.name)
            .field("mode", &self.mode)
            .field("enabled_by_default", &self.enabled_by_default)
            .field("created_at", &self.created_at)
            .field("updated_at", &self.updated_at)
            .field("temporary", &self.owner_session.is_some())
            .finish_non_exhaustive()
    }
}

/// What [`AppStore::register_app`] needs.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct NewApp {
    /// The manifest; its `id` becomes the app id.
    pub manifest: AppManifest,
    /// The consumer secret to store for a new app, or for an existing one when rotating.
    pub consumer_secret: String,
    /// See [`App::enabled_by_default`].
    pub enabled_by_default: bool,
    /// Container-wide switch (see [`App::enabled`]); true unless set otherwise.
    pub enabled: bool,
    /// See [`App::owner_session`]; `None` unless set otherwise.
    pub owner_session: Option<String>,
}

impl fmt::Debug for NewApp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewApp")
            .field("id", &self.manifest.id)
            .field("enabled_by_default", &self.enabled_by_default)
            .finish_non_exhaustive()
    }
}

impl NewApp {
    /// An app from this manifest with this consumer secret, not enabled by default.
    pub fn new(manifest: AppManifest, consumer_secret: impl Into<String>) -> Self {
        Self {
            manifest,
            consumer_secret: consumer_secret.into(),
            enabled_by_default: false,
            enabled: true,
            owner_session: None,
        }
    }

    /// Makes the app temporary, owned by this UI session token (see
    /// [`App::owner_session`]).
    pub fn owned_by_session(mut self, session_token: impl Into<String>) -> Self {
        self.owner_session = Some(session_token.into());
        self
    }

    /// Sets [`NewApp::enabled_by_default`].
    pub fn enabled_by_default(mut self, on: bool) -> Self {
        self.enabled_by_default = on;
        self
    }

    /// Sets the container-wide switch (see [`App::enabled`]).
    pub fn enabled(mut self, on: bool) -> Self {
        self.enabled = on;
        self
    }

    /// Checks the fields, derives the id, and serializes the manifest, refusing one that
    /// would not read back as the same manifest (so that a stored manifest is never
    /// reported as corrupt later).
    pub fn validate(&self) -> StoreResult<(AppId, String)> {
        let id = AppId::new(&self.manifest.id)?;
        check_opaque(
            &format!("app {id}: consumer secret"),
            &self.consumer_secret,
            1024,
        )?;
        // A temporary id always has its owner, and only a temporary id has one.
        match (&self.owner_session, id.is_temporary()) {
            (None, true) => {
                return Err(StoreError::invalid(format!(
                    "app id {id} starts with {:?}, which is reserved for apps launched by URL",
                    AppId::TEMPORARY_PREFIX
                )));
            }
            (Some(_), false) => {
                return Err(StoreError::invalid(format!(
                    "app {id}: a temporary app's id must start with {:?}",
                    AppId::TEMPORARY_PREFIX
                )));
            }
            (Some(owner), true) => {
                check_opaque(&format!("app {id}: owner session"), owner, 1024)?;
            }
            (None, false) => {}
        }
        let json = self.manifest.to_json();
        match AppManifest::from_json(&json) {
            Ok(back) if back == self.manifest => Ok((id, json)),
            Ok(_) => Err(StoreError::invalid(format!(
                "app {id}: the manifest does not read back unchanged from its JSON form"
            ))),
            Err(e) => Err(StoreError::invalid(format!("app {id}: {e}"))),
        }
    }
}

/// What to do with the consumer secret when an app that exists is registered again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[expect(
    clippy::exhaustive_enums,
    reason = "keep or replace: there is no third way"
)]
pub enum SecretPolicy {
    /// Keep the stored secret (the default): re-registering only replaces the manifest.
    Keep,
    /// Replace the stored secret with [`NewApp::consumer_secret`].
    Rotate,
}

/// Storage of apps and of per-account enablement.
#[async_trait]
pub trait AppStore: Send + Sync + fmt::Debug {
    /// Registers an app, or replaces the manifest and `enabled_by_default` of the app with
    /// the same id. Replacing keeps the consumer secret unless `secret` is
    /// [`SecretPolicy::Rotate`], and never touches the app's tokens, shares, enablement,
    /// scratchpads or preferences. Returns the app as stored (with the secret in force).
    async fn register_app(
        &self,
        app: NewApp,
        secret: SecretPolicy,
        now: Timestamp,
    ) -> StoreResult<App>;

    /// The app with this id, or `None`.
    async fn get_app(&self, id: &AppId) -> StoreResult<Option<App>>;

    /// Every app, ordered by id.
    async fn list_apps(&self) -> StoreResult<Vec<App>>;

    /// Deletes the app and everything that belongs to it: tokens, shares, enablement,
    /// scratchpads and preferences. Returns whether it existed. Launch audit entries are
    /// kept.
    async fn delete_app(&self, id: &AppId) -> StoreResult<bool>;

    /// Switches the app on or off for one account (overriding `enabled_by_default`).
    /// `NotFound` if the account or the app does not exist.
    async fn set_app_enabled(
        &self,
        account: &UserId,
        app: &AppId,
        enabled: bool,
        now: Timestamp,
    ) -> StoreResult<()>;

    /// Whether the app is on for the account: the account's own choice if it made one,
    /// otherwise the app's `enabled_by_default`. `false` for an app that does not exist.
    async fn is_app_enabled(&self, account: &UserId, app: &AppId) -> StoreResult<bool>;

    /// The apps that are on for the account (see [`AppStore::is_app_enabled`]), by id.
    async fn enabled_apps(&self, account: &UserId) -> StoreResult<Vec<App>>;
}

/// The error for an app that does not exist.
pub fn app_not_found(id: &AppId) -> StoreError {
    StoreError::not_found(format!("app {id} is not registered"))
}
