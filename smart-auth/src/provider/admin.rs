//! Administration of the app registry, and the user's own approvals (shares).

use super::{Authenticated, Provider};
use crate::directory::{NewApp, SecretPolicy, Share};
use crate::error::AuthError;
use crate::error::StorageError;
use crate::policy::{ContainerEndpoint as C, Target};
use crate::principal::{AppId, UserId};
use crate::random::Secret;
use smart_core::RecordId;
use smart_core::manifest::AppManifest;

/// An app's OAuth consumer credentials.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct AppCredentials {
    /// The consumer key (= the app id).
    pub consumer_key: AppId,
    /// The consumer secret.
    pub consumer_secret: Secret,
}

impl Provider {
    /// Registers an app (administrators): validates the manifest and draws a consumer
    /// secret from the CSPRNG.
    pub async fn register_app(
        &self,
        who: &Authenticated,
        manifest: AppManifest,
    ) -> Result<AppCredentials, AuthError> {
        self.require(who, C::RegisterApp, &Target::new())?;
        let id = self.check_manifest(&manifest)?;
        let secret = self.secret(32)?;
        // Registering is an upsert in the directory; a new registration must not replace
        // an app (two concurrent registrations of one id may both pass this check, the
        // later one winning).
        if self.stores.apps.get_app(&id).await?.is_some() {
            return Err(StorageError::conflict(format!("app {id} exists already")).into());
        }
        self.stores
            .apps
            .register_app(
                NewApp::new(manifest, secret.expose()),
                SecretPolicy::Rotate,
                self.now(),
            )
            .await?;
        Ok(AppCredentials {
            consumer_key: id,
            consumer_secret: secret,
        })
    }

    fn check_manifest(&self, manifest: &AppManifest) -> Result<AppId, AuthError> {
        manifest
            .validate()
            .map_err(|e| AuthError::Invalid(e.to_string()))?;
        let id = AppId::new(manifest.id.clone()).map_err(|e| AuthError::Invalid(e.to_string()))?;
        if id.is_temporary() {
            return Err(AuthError::Invalid(format!(
                "app id {id} starts with {:?}, which is reserved for apps launched by URL",
                AppId::TEMPORARY_PREFIX
            )));
        }
        if self.config.is_machine_key(id.as_str()) {
            return Err(AuthError::Conflict(
                "the app id is a configured machine consumer key".into(),
            ));
        }
        Ok(id)
    }

    /// Replaces an app's manifest (administrators). The secret and the enabled flag stay;
    /// if the mode changes, the app's tokens are revoked.
    pub async fn replace_app(
        &self,
        who: &Authenticated,
        manifest: AppManifest,
    ) -> Result<(), AuthError> {
        self.require(who, C::ReplaceApp, &Target::new())?;
        let id = self.check_manifest(&manifest)?;
        let app = self
            .stores
            .apps
            .get_app(&id)
            .await?
            .ok_or(AuthError::NotFound("app"))?;
        let mode_changed = app.manifest.mode != manifest.mode;
        // The secret, the container-wide switch and the per-account default stay.
        let new = NewApp::new(manifest, app.consumer_secret)
            .enabled(app.enabled)
            .enabled_by_default(app.enabled_by_default);
        self.stores
            .apps
            .register_app(new, SecretPolicy::Keep, self.now())
            .await?;
        if mode_changed {
            self.stores.tokens.revoke_app_tokens(&id).await?;
        }
        Ok(())
    }

    /// Deletes an app (administrators), with its tokens and shares.
    pub async fn delete_app(&self, who: &Authenticated, app: &AppId) -> Result<(), AuthError> {
        self.require(who, C::DeleteApp, &Target::new())?;
        // The directory deletes the app's tokens, shares and data with it.
        if !self.stores.apps.delete_app(app).await? {
            return Err(AuthError::NotFound("app"));
        }
        Ok(())
    }

    /// An app's consumer key and secret (administrators only; the UI principal cannot).
    pub async fn app_credentials(
        &self,
        who: &Authenticated,
        app: &AppId,
    ) -> Result<AppCredentials, AuthError> {
        self.require(who, C::AppCredentials, &Target::new())?;
        let app = self
            .stores
            .apps
            .get_app(app)
            .await?
            .ok_or(AuthError::NotFound("app"))?;
        Ok(AppCredentials {
            consumer_key: app.id,
            consumer_secret: Secret::new(app.consumer_secret),
        })
    }

    /// Enables or disables an app (administrators). Disabling revokes all its tokens; a
    /// disabled app can neither sign requests nor be launched.
    pub async fn set_app_enabled(
        &self,
        who: &Authenticated,
        app: &AppId,
        enabled: bool,
    ) -> Result<(), AuthError> {
        self.require(who, C::SetAppEnabled, &Target::new())?;
        let record = self
            .stores
            .apps
            .get_app(app)
            .await?
            .ok_or(AuthError::NotFound("app"))?;
        let new = NewApp::new(record.manifest, record.consumer_secret)
            .enabled(enabled)
            .enabled_by_default(record.enabled_by_default);
        self.stores
            .apps
            .register_app(new, SecretPolicy::Keep, self.now())
            .await?;
        if !enabled {
            self.stores.tokens.revoke_app_tokens(app).await?;
        }
        Ok(())
    }

    /// The caller's approvals.
    pub async fn shares(
        &self,
        who: &Authenticated,
        user: &UserId,
    ) -> Result<Vec<Share>, AuthError> {
        self.require(
            who,
            C::AccountShares,
            &Target::new().with_user(user.clone()),
        )?;
        Ok(self.stores.shares.list_account_shares(user).await?)
    }

    /// Revokes one of the caller's approvals and every token issued under it. With
    /// `record` `None`, the app's tokens for this user on every record are revoked too.
    pub async fn revoke_share(
        &self,
        who: &Authenticated,
        user: &UserId,
        record: Option<&RecordId>,
        app: &AppId,
    ) -> Result<(), AuthError> {
        self.require(who, C::RevokeShare, &Target::new().with_user(user.clone()))?;
        let removed = self.stores.shares.revoke_share(user, record, app).await?;
        // With no record, the app's tokens for this user on every record go too.
        let tokens = &self.stores.tokens;
        let revoked = match record {
            Some(r) => tokens.revoke_grant_tokens(app, user, Some(r)).await?,
            None => tokens.revoke_app_account_tokens(app, user).await?,
        };
        if !removed && revoked == 0 {
            return Err(AuthError::NotFound("share"));
        }
        Ok(())
    }
}
