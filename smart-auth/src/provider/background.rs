//! Background apps (2-legged): walking the records and getting a token per record, for
//! the app itself only.

use super::{Authenticated, Provider};
use crate::directory::TokenKind;
use crate::error::AuthError;
use crate::oauth::form_encode;
use crate::policy::{ContainerEndpoint as C, Target};
use crate::principal::AppId;
use crate::random::Secret;
use crate::time::Timestamp;
use smart_core::RecordId;
use smart_core::manifest::AppMode;

/// Which record a background token is for.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RecordCursor {
    /// `/apps/{app_id}/tokens/records/first`: the first record.
    First,
    /// `/apps/{app_id}/tokens/records/{record_id}/next`: the record after this one.
    After(RecordId),
    /// `/apps/{app_id}/tokens/records/{record_id}`: this record.
    Record(RecordId),
}

/// A background token for one record.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct BackgroundToken {
    /// The token.
    pub token: String,
    /// Its secret.
    pub secret: Secret,
    /// The record it is bound to.
    pub record: RecordId,
    /// When it expires.
    pub expires_at: Timestamp,
}

impl BackgroundToken {
    /// The reply body: `oauth_token=…&oauth_token_secret=…&smart_record_id=…`.
    pub fn to_form(&self) -> String {
        form_encode([
            ("oauth_token", self.token.as_str()),
            ("oauth_token_secret", self.secret.expose()),
            ("smart_record_id", self.record.as_str()),
        ])
    }
}

impl Provider {
    /// A token for `app` (which must be the calling background app itself) on the record
    /// the cursor names. `NotFound("record")` when there is no such record (the end of the
    /// walk).
    pub async fn background_token(
        &self,
        who: &Authenticated,
        app: &AppId,
        cursor: RecordCursor,
    ) -> Result<BackgroundToken, AuthError> {
        self.require(
            who,
            C::BackgroundTokens,
            &Target::new().with_app(app.clone()),
        )?;
        let record = self.enabled_app(app).await?;
        if record.manifest.mode != AppMode::Background {
            return Err(AuthError::Forbidden("not a background app"));
        }
        let records = &self.stores.records;
        let found = match cursor {
            RecordCursor::First => records.record_after(None).await?,
            RecordCursor::After(r) => records.record_after(Some(&r)).await?,
            RecordCursor::Record(r) => records.get_record(&r).await?.map(|e| e.id),
        };
        let rid = found.ok_or(AuthError::NotFound("record"))?;
        let mut t = self.template(
            TokenKind::Background,
            self.now()
                .saturating_add(self.config.lifetimes.background_lifetime()),
        );
        t.app = Some(app.clone());
        t.record = Some(rid.clone());
        let t = self.mint(t).await?;
        Ok(BackgroundToken {
            token: t.token,
            secret: Secret::new(t.secret),
            record: rid,
            expires_at: t.expires_at,
        })
    }
}
