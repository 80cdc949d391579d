//! Shared links: a signed-in user makes a link that opens one app on one record,
//! read-only, for whoever holds it (and its PIN, if it has one), until it expires or is
//! revoked.
//!
//! Opening a link gives a *viewer session*: a session token of the link's owner that is
//! bound to the link's app and record (`app` and `record` set on the token, which a login
//! session never has) and whose parent is the link (`link:<digest hex>`). Every
//! [`Authenticated`] made from such a token is read-only ([`Authenticated::is_read_only`]),
//! limited to the record and may launch only the app ([`Authenticated::bound_app`]), so
//! the access policy and the launch flow refuse the rest whoever holds the token.

use super::{Authenticated, Provider};
use crate::directory::{SharedLink, TokenKind};
use crate::error::AuthError;
use crate::policy::{ContainerEndpoint as C, Target};
use crate::principal::{AppId, Principal, UserId};
use crate::random::{Secret, random_string};
use crate::time::Timestamp;
use smart_core::RecordId;
use smart_core::manifest::AppMode;
use std::time::Duration;

/// The longest a shared link may live.
pub const MAX_LINK_LIFETIME: Duration = Duration::from_secs(30 * 24 * 3600);
/// Wrong PINs in a row before PINs are locked.
pub const MAX_PIN_FAILURES: u32 = 5;
/// How long PINs stay locked after [`MAX_PIN_FAILURES`] wrong ones.
pub const PIN_LOCK: Duration = Duration::from_secs(15 * 60);
/// The longest a viewer session lives (never after its link).
const VIEW_LIFETIME: Duration = Duration::from_secs(3600);

/// What a new shared link opens.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct NewLink {
    /// The app.
    pub app: AppId,
    /// The record.
    pub record: RecordId,
    /// How long the link works, at most [`MAX_LINK_LIFETIME`].
    pub lifetime: Duration,
    /// A PIN (4 to 32 characters) the opener must give, if any.
    pub pin: Option<Secret>,
}

impl NewLink {
    /// A link to `app` on `record` for `lifetime`, without PIN.
    pub fn new(app: AppId, record: RecordId, lifetime: Duration) -> Self {
        Self {
            app,
            record,
            lifetime,
            pin: None,
        }
    }

    /// Sets a PIN.
    pub fn with_pin(mut self, pin: Secret) -> Self {
        self.pin = Some(pin);
        self
    }
}

/// Why a link does not open.
#[derive(Debug)]
#[non_exhaustive]
pub enum LinkRefusal {
    /// No link has this token (or its owner or app is gone or disabled).
    Unknown,
    /// The link expired.
    Expired,
    /// The owner revoked the link.
    Revoked,
    /// The link has a PIN and none was given.
    PinRequired,
    /// The PIN is wrong.
    WrongPin,
    /// Too many wrong PINs: refused without checking until `until`.
    Locked {
        /// When PINs are checked again.
        until: Timestamp,
    },
    /// Something failed on the way.
    Failed(AuthError),
}

impl From<AuthError> for LinkRefusal {
    fn from(e: AuthError) -> Self {
        Self::Failed(e)
    }
}

impl From<crate::error::StorageError> for LinkRefusal {
    fn from(e: crate::error::StorageError) -> Self {
        Self::Failed(e.into())
    }
}

/// An opened link: the viewer session (its token and secret go into the viewer's cookie)
/// and the link.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SharedView {
    /// The viewer session token.
    pub token: String,
    /// Its secret.
    pub secret: Secret,
    /// The link.
    pub link: SharedLink,
    /// When the viewer session ends.
    pub expires_at: Timestamp,
}

/// The SHA-256 digest under which a link token is stored.
pub fn link_digest(token: &str) -> [u8; 32] {
    crate::directory::backend::sha256(token)
}

/// The parent recorded on a link's viewer sessions.
fn viewer_parent(digest: &[u8; 32]) -> String {
    format!("link:{}", smart_core::encoding::hex_lower(digest))
}

impl Provider {
    /// Makes a shared link for the session's own user (`owner`). Returns the link token
    /// (shown to the user once; only its digest is stored) and the link.
    pub async fn create_shared_link(
        &self,
        who: &Authenticated,
        owner: &UserId,
        new: NewLink,
    ) -> Result<(Secret, SharedLink), AuthError> {
        let target = Target::new()
            .with_user(owner.clone())
            .with_record(new.record.clone());
        self.require(who, C::SharedLinks, &target)?;
        if new.lifetime.is_zero() || new.lifetime > MAX_LINK_LIFETIME {
            return Err(AuthError::Invalid(
                "a shared link lives between a minute and 30 days".into(),
            ));
        }
        let app = self.enabled_app(&new.app).await?;
        if app.manifest.mode == AppMode::Background {
            return Err(AuthError::Invalid(
                "a background app cannot be shared".into(),
            ));
        }
        self.record_must_exist(&new.record).await?;
        let pin_hash = match &new.pin {
            None => None,
            Some(pin) => {
                let n = pin.expose().chars().count();
                if !(4..=32).contains(&n) {
                    return Err(AuthError::Invalid("a PIN has 4 to 32 characters".into()));
                }
                Some(
                    self.config
                        .passwords
                        .hash(pin.expose(), self.rng.as_ref())?,
                )
            }
        };
        let now = self.now();
        let token = random_string(self.rng.as_ref(), 32)?;
        let link = SharedLink::new(
            link_digest(&token),
            owner.clone(),
            app.id,
            new.record,
            pin_hash,
            now,
            now.saturating_add(new.lifetime),
        );
        let link = self.stores.links.create_shared_link(link).await?;
        Ok((Secret::new(token), link))
    }

    /// The user's shared links, newest first.
    pub async fn shared_links(
        &self,
        who: &Authenticated,
        owner: &UserId,
    ) -> Result<Vec<SharedLink>, AuthError> {
        self.require(who, C::SharedLinks, &Target::new().with_user(owner.clone()))?;
        Ok(self.stores.links.list_shared_links(owner).await?)
    }

    /// Revokes one of the user's links and ends its viewer sessions at once. Returns
    /// whether the user has such a link.
    pub async fn revoke_shared_link(
        &self,
        who: &Authenticated,
        owner: &UserId,
        digest: &[u8; 32],
    ) -> Result<bool, AuthError> {
        self.require(who, C::SharedLinks, &Target::new().with_user(owner.clone()))?;
        let revoked = self.stores.links.revoke_shared_link(owner, digest).await?;
        if revoked {
            self.stores
                .tokens
                .revoke_child_tokens(&viewer_parent(digest))
                .await?;
        }
        Ok(revoked)
    }

    /// The link of a token, as it is now (no PIN checked): for pages that say why a link
    /// does not open before asking for a PIN.
    pub async fn shared_link_state(&self, token: &str) -> Result<SharedLink, LinkRefusal> {
        let link = self
            .stores
            .links
            .get_shared_link(&link_digest(token))
            .await?
            .ok_or(LinkRefusal::Unknown)?;
        let now = self.now();
        if link.revoked {
            return Err(LinkRefusal::Revoked);
        }
        if !link.is_active_at(now) {
            return Err(LinkRefusal::Expired);
        }
        Ok(link)
    }

    /// Opens a link (anyone holding its token may): checks its state and its PIN (wrong
    /// PINs are counted by the store; after [`MAX_PIN_FAILURES`] PINs are locked for
    /// [`PIN_LOCK`]), then starts a viewer session.
    pub async fn open_shared_link(
        &self,
        token: &str,
        pin: Option<&str>,
    ) -> Result<SharedView, LinkRefusal> {
        let link = self.shared_link_state(token).await?;
        let now = self.now();
        if let Some(hash) = &link.pin_hash {
            if let Some(until) = link.pin_locked_until.filter(|u| now < *u) {
                return Err(LinkRefusal::Locked { until });
            }
            let Some(pin) = pin else {
                return Err(LinkRefusal::PinRequired);
            };
            if !self.config.passwords.verify(pin, hash)? {
                let after = self
                    .stores
                    .links
                    .record_pin_failure(
                        &link.digest,
                        MAX_PIN_FAILURES,
                        now.saturating_add(PIN_LOCK),
                    )
                    .await?;
                if let Some(until) = after.and_then(|l| l.pin_locked_until).filter(|u| now < *u) {
                    return Err(LinkRefusal::Locked { until });
                }
                return Err(LinkRefusal::WrongPin);
            }
            if link.failed_pin_count > 0 {
                self.stores.links.clear_pin_failures(&link.digest).await?;
            }
        }
        if self.active_account(&link.owner).await.is_err()
            || self.enabled_app(&link.app).await.is_err()
        {
            return Err(LinkRefusal::Unknown);
        }
        let expires_at = now.saturating_add(VIEW_LIFETIME).min(link.expires_at);
        let mut t = self
            .template(TokenKind::Session, expires_at)
            .with_account(link.owner.clone());
        t.app = Some(link.app.clone());
        t.record = Some(link.record.clone());
        t.parent = Some(viewer_parent(&link.digest));
        let t = self.mint(t).await?;
        Ok(SharedView {
            token: t.token,
            secret: Secret::new(t.secret),
            expires_at: t.expires_at,
            link,
        })
    }

    /// Resumes a viewer session from its token and secret: the session must be a link's
    /// viewer session, and the link must still be open (not revoked, not expired) for the
    /// same owner, app and record. The answer is read-only and bound to the app.
    pub async fn resume_shared_view(
        &self,
        token: &str,
        secret: &Secret,
    ) -> Result<(Authenticated, SharedLink), AuthError> {
        let who = self.resume_session(token, secret).await?;
        let stored = self
            .stores
            .tokens
            .find_token(token)
            .await?
            .ok_or(AuthError::UnknownToken)?;
        let digest = stored
            .parent
            .as_deref()
            .and_then(|p| p.strip_prefix("link:"))
            .and_then(crate::directory::parse_link_id)
            .ok_or(AuthError::UnknownToken)?;
        let link = self
            .stores
            .links
            .get_shared_link(&digest)
            .await?
            .ok_or(AuthError::UnknownToken)?;
        let Principal::Session {
            user, limited_to, ..
        } = who.principal()
        else {
            return Err(AuthError::UnknownToken);
        };
        let same = user == &link.owner
            && limited_to.as_ref() == Some(&link.record)
            && who.bound_app() == Some(&link.app);
        if !same || !who.is_read_only() || !link.is_active_at(self.now()) {
            return Err(AuthError::UnknownToken);
        }
        Ok((who, link))
    }
}

impl Provider {
    /// A session for an account without a password (a showcase's fixed visitor account),
    /// without any login: only the UI may ask (as for a login), only for an active account
    /// that has no password, so no account anyone can log in to is reachable this way.
    /// The UI makes the session read-only ([`Authenticated::into_read_only`]) at every
    /// request.
    pub async fn passwordless_session(
        &self,
        who: &Authenticated,
        user: &UserId,
    ) -> Result<crate::provider::SessionGrant, AuthError> {
        self.require(who, C::Login, &Target::new())?;
        let account = self.active_account(user).await?;
        if account.password_hash.is_some() {
            return Err(AuthError::Forbidden(
                "only an account without a password gets a session without login",
            ));
        }
        let t = self
            .template(
                TokenKind::Session,
                self.now()
                    .saturating_add(self.config.lifetimes.session_lifetime()),
            )
            .with_account(user.clone());
        let t = self.mint(t).await?;
        Ok(crate::provider::SessionGrant {
            token: t.token,
            secret: Secret::new(t.secret),
            user: user.clone(),
            expires_at: t.expires_at,
        })
    }
}
