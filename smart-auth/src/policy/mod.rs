//! The static access policy: for each principal kind and each endpoint (an API call of the
//! smart-core catalog, by name, or a container endpoint), one [`Rule`].
//!
//! [`decide`] applies it: an endpoint that is public is allowed for everyone; otherwise an
//! absent principal gets [`Decision::Unauthenticated`] and a principal whose rule does not
//! hold gets [`Decision::Forbidden`]. Nothing is allowed by default: a missing entry means
//! "deny". The table itself is in the source of this module (`table.rs`); the reasons are
//! in [`crate::manual`].
//!
//! ```
//! use smart_auth::policy::{decide, Decision, Endpoint, Target};
//! use smart_auth::{AccessKind, AppId, Principal};
//! use smart_core::{RecordId, manifest::AppMode};
//!
//! let token = Principal::Token {
//!     access: AccessKind::Rest,
//!     app: AppId::new("med-list@apps.smartplatforms.org").unwrap(),
//!     mode: AppMode::Ui,
//!     record: Some(RecordId::new("1").unwrap()),
//!     user: None,
//! };
//! let meds = Endpoint::api("get_medications").unwrap();
//! let own = Target::new().with_record(RecordId::new("1").unwrap());
//! let other = Target::new().with_record(RecordId::new("2").unwrap());
//! assert_eq!(decide(Some(&token), meds, &own), Decision::Allow);
//! assert_eq!(decide(Some(&token), meds, &other), Decision::Forbidden);
//! assert_eq!(decide(None, meds, &own), Decision::Unauthenticated);
//! ```

mod table;

use crate::principal::{AppId, Principal, PrincipalKind, UserId};
use smart_core::RecordId;
use smart_core::catalog::{self, ApiCall};

pub use table::CALL_NAMES;

/// An endpoint of the container that is not an API call of the catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ContainerEndpoint {
    /// `GET /apps/`: the list of registered apps (names, descriptions, icons).
    ListApps,
    /// `POST /oauth/request_token` (an app, 2-legged).
    RequestToken,
    /// `POST /oauth/access_token` (an app with its approved request token).
    AccessToken,
    /// Password login, creating a session (the UI, 2-legged).
    Login,
    /// Ending the caller's session.
    Logout,
    /// What the authorize page shows about a request token (a session).
    AuthorizeInfo,
    /// Approving a request token (a session).
    AuthorizeApprove,
    /// `/accounts/{account_id}/apps/{app_id}/launch[?record_id=]`: launch credentials.
    Launch,
    /// `/accounts/{account_id}`: the account's own data.
    AccountInfo,
    /// `/accounts/{account_id}/apps/…`: the apps in the user's sidebar.
    AccountApps,
    /// `/accounts/{account_id}/shares/`: the user's approvals.
    AccountShares,
    /// Revoking one of the user's approvals.
    RevokeShare,
    /// Changing the user's own password.
    ChangePassword,
    /// `/apps/{app_id}/tokens/records/…`: background tokens (the app itself, 2-legged).
    BackgroundTokens,
    /// Registering an app (administrators).
    RegisterApp,
    /// Replacing an app's manifest (administrators).
    ReplaceApp,
    /// Deleting an app (administrators).
    DeleteApp,
    /// Reading an app's consumer key and secret (administrators).
    AppCredentials,
    /// Enabling or disabling an app (administrators).
    SetAppEnabled,
    /// Creating an account (administrators).
    CreateAccount,
    /// Enabling, disabling or retiring an account, or changing its role (administrators).
    SetAccountState,
    /// Self-service registration (the UI, when the configuration allows it).
    RegisterAccount,
    /// Asking for a password-reset code (the UI).
    RequestPasswordReset,
    /// Resetting a password with a code (the UI).
    ResetPassword,
    /// Creating, listing and revoking the user's own shared links (a session, for a record
    /// within its scope).
    SharedLinks,
}

impl ContainerEndpoint {
    /// Every container endpoint.
    pub const ALL: [ContainerEndpoint; 25] = [
        Self::ListApps,
        Self::RequestToken,
        Self::AccessToken,
        Self::Login,
        Self::Logout,
        Self::AuthorizeInfo,
        Self::AuthorizeApprove,
        Self::Launch,
        Self::AccountInfo,
        Self::AccountApps,
        Self::AccountShares,
        Self::RevokeShare,
        Self::ChangePassword,
        Self::BackgroundTokens,
        Self::RegisterApp,
        Self::ReplaceApp,
        Self::DeleteApp,
        Self::AppCredentials,
        Self::SetAppEnabled,
        Self::CreateAccount,
        Self::SetAccountState,
        Self::RegisterAccount,
        Self::RequestPasswordReset,
        Self::ResetPassword,
        Self::SharedLinks,
    ];
}

/// What is being accessed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Endpoint {
    /// An API call of the smart-core catalog.
    Api(&'static ApiCall),
    /// A container endpoint.
    Container(ContainerEndpoint),
}

impl Endpoint {
    /// The catalog call with this client method name (`get_medications`).
    pub fn api(name: &str) -> Option<Self> {
        catalog::call(name).map(Self::Api)
    }
}

impl From<&'static ApiCall> for Endpoint {
    fn from(call: &'static ApiCall) -> Self {
        Self::Api(call)
    }
}

impl From<ContainerEndpoint> for Endpoint {
    fn from(e: ContainerEndpoint) -> Self {
        Self::Container(e)
    }
}

/// The record, app and user a request is aimed at (from its path, and for launches from
/// `?record_id=`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Target {
    /// `{record_id}`.
    pub record: Option<RecordId>,
    /// `{smart_app_id}` or `{app_id}`.
    pub app: Option<AppId>,
    /// `{user_id}` or `{account_id}`.
    pub user: Option<UserId>,
    /// True if a path variable held an invalid id: every non-public endpoint is then
    /// refused.
    pub invalid: bool,
}

impl Target {
    /// Aimed at nothing in particular.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the record.
    pub fn with_record(mut self, record: RecordId) -> Self {
        self.record = Some(record);
        self
    }

    /// Sets the app.
    pub fn with_app(mut self, app: AppId) -> Self {
        self.app = Some(app);
        self
    }

    /// Sets the user.
    pub fn with_user(mut self, user: UserId) -> Self {
        self.user = Some(user);
        self
    }

    /// From path bindings as [`smart_core::catalog::match_path`] returns them:
    /// `record_id` → record; `smart_app_id`, `app_id` → app; `user_id`, `account_id` →
    /// user. Other names are ignored.
    pub fn from_bindings<S: AsRef<str>>(bindings: &[(&str, S)]) -> Self {
        let mut t = Self::new();
        for (name, value) in bindings {
            let value = value.as_ref();
            match *name {
                "record_id" => match RecordId::new(value) {
                    Ok(r) => t.record = Some(r),
                    Err(_) => t.invalid = true,
                },
                "smart_app_id" | "app_id" => match AppId::new(value) {
                    Ok(a) => t.app = Some(a),
                    Err(_) => t.invalid = true,
                },
                "user_id" | "account_id" => match UserId::new(value) {
                    Ok(u) => t.user = Some(u),
                    Err(_) => t.invalid = true,
                },
                _ => {}
            }
        }
        t
    }
}

/// A condition on (principal, target).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Rule {
    /// Never.
    Deny,
    /// Always (for this principal kind).
    Allow,
    /// The target record is the token's record.
    SameRecord,
    /// The target app is the principal's app.
    SameApp,
    /// The target user is the principal's user.
    SameUser,
    /// The target record is the token's, and the target app is the token's app.
    SameRecordAndApp,
    /// The target user is the token's user, and the target app is the token's app.
    SameUserAndApp,
    /// The target user is the session's user, and a target record (if any) is within a
    /// limited session's one record.
    SameUserInRecordScope,
    /// A target record (if any) is within a limited session's one record.
    InRecordScope,
    /// The session is not limited to one record.
    Unlimited,
    /// The principal is an administrator.
    Admin,
}

impl Rule {
    /// True if the rule holds for this principal and target.
    pub fn holds(self, p: &Principal, t: &Target) -> bool {
        fn same<T: PartialEq>(a: Option<&T>, b: Option<&T>) -> bool {
            matches!((a, b), (Some(a), Some(b)) if a == b)
        }
        let record = || same(p.record(), t.record.as_ref());
        let app = || same(p.app(), t.app.as_ref());
        let user = || same(p.user(), t.user.as_ref());
        let in_scope = || match (p.record(), t.record.as_ref()) {
            (Some(limit), Some(r)) => limit == r,
            _ => true,
        };
        match self {
            Self::Deny => false,
            Self::Allow => true,
            Self::SameRecord => record(),
            Self::SameApp => app(),
            Self::SameUser => user(),
            Self::SameRecordAndApp => record() && app(),
            Self::SameUserAndApp => user() && app(),
            Self::SameUserInRecordScope => user() && in_scope(),
            Self::InRecordScope => in_scope(),
            Self::Unlimited => p.record().is_none(),
            Self::Admin => p.is_admin(),
        }
    }
}

/// The outcome of [`decide`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Decision {
    /// Go ahead.
    Allow,
    /// No principal, and the endpoint is not public: authenticate (HTTP 401).
    Unauthenticated,
    /// A known principal that may not do this (HTTP 403).
    Forbidden,
    /// The principal may do this, but it acts read-only (a showcase visitor, a shared
    /// link's viewer) and this would change something (HTTP 403).
    ReadOnly,
}

impl Decision {
    /// True for [`Decision::Allow`].
    pub fn is_allowed(self) -> bool {
        self == Self::Allow
    }
}

/// True if the endpoint is open to everyone, anonymous callers included.
pub fn is_public(endpoint: Endpoint) -> bool {
    table::row(endpoint).public
}

/// The rule for a principal kind on an endpoint.
pub fn rule(kind: PrincipalKind, endpoint: Endpoint) -> Rule {
    table::row(endpoint).rule(kind)
}

/// True if a read-only caller may call the endpoint: the API calls that only read (`GET`),
/// and the container endpoints that read, launch (to view) or end the caller's own
/// session. Everything else (notes, scratchpad and preferences writes, passwords,
/// approvals, shared links, administration) changes something and is refused.
pub fn read_only_allows(endpoint: Endpoint) -> bool {
    use ContainerEndpoint as C;
    match endpoint {
        Endpoint::Api(call) => call.method == smart_core::catalog::HttpMethod::Get,
        Endpoint::Container(e) => matches!(
            e,
            C::ListApps
                | C::Logout
                | C::AuthorizeInfo
                | C::Launch
                | C::AccountInfo
                | C::AccountApps
                | C::AccountShares
        ),
    }
}

/// [`decide`] for a caller that may be read-only: what `decide` allows becomes
/// [`Decision::ReadOnly`] when `read_only` holds and [`read_only_allows`] does not.
pub fn decide_with(
    principal: Option<&Principal>,
    read_only: bool,
    endpoint: Endpoint,
    target: &Target,
) -> Decision {
    match decide(principal, endpoint, target) {
        Decision::Allow if read_only && !read_only_allows(endpoint) => Decision::ReadOnly,
        other => other,
    }
}

/// Decides whether `principal` (`None` when the request was not authenticated) may call
/// `endpoint` aimed at `target`.
pub fn decide(principal: Option<&Principal>, endpoint: Endpoint, target: &Target) -> Decision {
    let row = table::row(endpoint);
    if row.public {
        return Decision::Allow;
    }
    let Some(p) = principal else {
        return Decision::Unauthenticated;
    };
    if !target.invalid && row.rule(p.kind()).holds(p, target) {
        Decision::Allow
    } else {
        Decision::Forbidden
    }
}
