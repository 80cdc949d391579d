//! Who is calling: [`Principal`], the result of authentication that the access policy and
//! the flows work with, and the identifiers it names ([`AppId`], [`UserId`], defined once in
//! smart-core and re-exported here).

use smart_core::RecordId;
pub use smart_core::ids::{AppId, IdError, UserId};
use smart_core::manifest::AppMode;

/// What an access token was issued for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AccessKind {
    /// A SMART REST token: the app's back end signs with its own consumer key and this
    /// token (3-legged standalone apps, and the REST half of a launch).
    Rest,
    /// A SMART Connect token: the container signs on the app's behalf with the UI
    /// consumer key; its secret never reaches the browser.
    Connect,
    /// A background app's per-record token (no user).
    Background,
}

/// The broad class of a principal: the access policy has one column per kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum PrincipalKind {
    /// The web UI's own credential, without a user.
    Ui,
    /// A machine credential with the administrator role.
    Admin,
    /// A logged-in user (through the UI).
    Session,
    /// A user-facing app (`ui` or `frame_ui`) signing without a token.
    App,
    /// A background app signing without a token.
    BackgroundApp,
    /// An app holding a request token (between `request_token` and `access_token`).
    RequestToken,
    /// An app acting on a user's behalf with an access token (REST or Connect).
    AppToken,
    /// A background app with a per-record token.
    BackgroundToken,
}

impl PrincipalKind {
    /// Every kind, in order.
    pub const ALL: [PrincipalKind; 8] = [
        Self::Ui,
        Self::Admin,
        Self::Session,
        Self::App,
        Self::BackgroundApp,
        Self::RequestToken,
        Self::AppToken,
        Self::BackgroundToken,
    ];
}

/// An authenticated caller.
///
/// A `Principal` only describes; it grants nothing by itself. The access policy
/// ([`crate::policy::decide`]) reads it, and the flows take an
/// [`crate::provider::Authenticated`], which only authentication produces.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Principal {
    /// The web UI's credential, 2-legged: may log users in; reads no clinical data and no
    /// app secrets.
    Ui,
    /// A machine credential with the administrator role, 2-legged.
    Admin {
        /// Its consumer key.
        consumer: String,
    },
    /// A logged-in user acting through the UI.
    Session {
        /// The user.
        user: UserId,
        /// True if the account has the administrator role.
        admin: bool,
        /// For a limited account (direct links): the one record it may see.
        limited_to: Option<RecordId>,
    },
    /// An app signing with its consumer key and no token.
    App {
        /// The app.
        app: AppId,
        /// Its mode.
        mode: AppMode,
    },
    /// An app holding a request token.
    RequestToken {
        /// The app.
        app: AppId,
        /// The record the token was requested for.
        record: Option<RecordId>,
    },
    /// An access token (REST, Connect or background).
    Token {
        /// What the token was issued for.
        access: AccessKind,
        /// The app it acts as.
        app: AppId,
        /// The app's mode.
        mode: AppMode,
        /// The record it is bound to (`None` for a container-scope app).
        record: Option<RecordId>,
        /// The user it acts for (`None` for background tokens).
        user: Option<UserId>,
    },
}

impl Principal {
    /// The policy column of this principal.
    pub fn kind(&self) -> PrincipalKind {
        match self {
            Self::Ui => PrincipalKind::Ui,
            Self::Admin { .. } => PrincipalKind::Admin,
            Self::Session { .. } => PrincipalKind::Session,
            Self::App { mode, .. } => {
                if *mode == AppMode::Background {
                    PrincipalKind::BackgroundApp
                } else {
                    PrincipalKind::App
                }
            }
            Self::RequestToken { .. } => PrincipalKind::RequestToken,
            Self::Token { access, .. } => {
                if *access == AccessKind::Background {
                    PrincipalKind::BackgroundToken
                } else {
                    PrincipalKind::AppToken
                }
            }
        }
    }

    /// The user this principal acts for, if any.
    pub fn user(&self) -> Option<&UserId> {
        match self {
            Self::Session { user, .. } => Some(user),
            Self::Token { user, .. } => user.as_ref(),
            _ => None,
        }
    }

    /// The app this principal is or acts as, if any.
    pub fn app(&self) -> Option<&AppId> {
        match self {
            Self::App { app, .. } | Self::RequestToken { app, .. } | Self::Token { app, .. } => {
                Some(app)
            }
            _ => None,
        }
    }

    /// The record a token is bound to, or a limited session's record.
    pub fn record(&self) -> Option<&RecordId> {
        match self {
            Self::Token { record, .. } | Self::RequestToken { record, .. } => record.as_ref(),
            Self::Session { limited_to, .. } => limited_to.as_ref(),
            _ => None,
        }
    }

    /// True for an administrator: an admin machine credential, or a session of an account
    /// with the administrator role.
    pub fn is_admin(&self) -> bool {
        matches!(self, Self::Admin { .. } | Self::Session { admin: true, .. })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_path_safe() {
        assert!(AppId::new("med-list@apps.smartplatforms.org").is_ok());
        assert!(AppId::new("a/b").is_err());
        assert!(AppId::new("").is_err());
        assert!(AppId::new("..").is_err());
        assert!(AppId::new("x".repeat(201)).is_err());
        assert_eq!(
            UserId::new("Demo@Example.org").unwrap().as_str(),
            "demo@example.org"
        );
        assert!(UserId::new("a b@x").is_err());
    }

    #[test]
    fn kinds_and_accessors() {
        let app = AppId::new("a@x").unwrap();
        let user = UserId::new("u@x").unwrap();
        let rec = RecordId::new("1").unwrap();
        let p = Principal::Token {
            access: AccessKind::Background,
            app: app.clone(),
            mode: AppMode::Background,
            record: Some(rec.clone()),
            user: None,
        };
        assert_eq!(p.kind(), PrincipalKind::BackgroundToken);
        assert_eq!(p.record(), Some(&rec));
        assert_eq!(p.app(), Some(&app));
        assert_eq!(p.user(), None);
        let s = Principal::Session {
            user: user.clone(),
            admin: true,
            limited_to: None,
        };
        assert!(s.is_admin());
        assert_eq!(s.user(), Some(&user));
        assert_eq!(
            Principal::App {
                app,
                mode: AppMode::Background
            }
            .kind(),
            PrincipalKind::BackgroundApp
        );
    }
}
