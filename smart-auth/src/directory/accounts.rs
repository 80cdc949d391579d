//! Accounts: the people who log in to the container.

use super::types::{Page, Paged, Timestamp, UserId, check_opaque, check_text};
use super::{StoreError, StoreResult};
use async_trait::async_trait;
use smart_core::RecordId;
use std::fmt;

/// An account's administrative state (one enum for the provider and every directory
/// backend; stored as [`AccountState::as_str`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AccountState {
    /// Created but without a password yet.
    Uninitialized,
    /// May log in.
    Active,
    /// Disabled by an administrator. Only an administrator re-enables it; login throttling
    /// never does.
    Disabled,
    /// Locked by a directory's own failed-login counter (smart-store's
    /// `record_login_failure`); only an explicit update unlocks it. The provider treats it
    /// as disabled (its own lockout is time-based and never changes the state).
    Locked,
    /// Retired for good.
    Retired,
}

impl AccountState {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Uninitialized => "uninitialized",
            Self::Active => "active",
            Self::Disabled => "disabled",
            Self::Locked => "locked",
            Self::Retired => "retired",
        }
    }

    /// Reads the stored spelling.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "uninitialized" => Self::Uninitialized,
            "active" => Self::Active,
            "disabled" => Self::Disabled,
            "locked" => Self::Locked,
            "retired" => Self::Retired,
            _ => return None,
        })
    }
}

impl fmt::Display for AccountState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A pending password reset: the SHA-256 digest of the code sent to the user (the code
/// itself is never stored).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ResetTicket {
    /// SHA-256 of the reset code.
    pub digest: [u8; 32],
    /// Whose password.
    pub user: UserId,
    /// When the code stops working.
    pub expires_at: Timestamp,
}

impl ResetTicket {
    /// A ticket.
    pub fn new(digest: [u8; 32], user: UserId, expires_at: Timestamp) -> Self {
        Self {
            digest,
            user,
            expires_at,
        }
    }
}

/// A stored account.
#[expect(
    clippy::exhaustive_structs,
    reason = "every backend builds these records (smart-store's SQL rows, a vendor's store)"
)]
#[derive(Clone, PartialEq, Eq)]
pub struct Account {
    /// The lower-cased e-mail address: unique, case-insensitively.
    pub id: UserId,
    /// The e-mail address as it was entered at creation.
    pub email: String,
    /// Given name (may be empty).
    pub given_name: String,
    /// Family name (may be empty).
    pub family_name: String,
    /// Department, free text.
    pub department: String,
    /// Role, free text.
    pub role: String,
    /// The password hash in PHC string format, computed by the caller; `None` if no
    /// password is set. The store never looks inside it.
    pub password_hash: Option<String>,
    /// The account's state.
    pub state: AccountState,
    /// Failed logins since the last successful one (or the last unlock).
    pub failed_login_count: u32,
    /// Successful logins ever.
    pub total_login_count: u64,
    /// The last successful login.
    pub last_login_at: Option<Timestamp>,
    /// The last failed login.
    pub last_failed_login_at: Option<Timestamp>,
    /// When the account was created.
    pub created_at: Timestamp,
    /// When the profile, password or state last changed.
    pub updated_at: Timestamp,
    /// True for the administrator role (app registry, accounts).
    pub admin: bool,
    /// For a limited account (direct links): the one record it may see.
    pub limited_to: Option<RecordId>,
    /// Until when logins are refused without checking the password (smart-auth's
    /// time-based throttling; the state is not changed by it).
    pub locked_until: Option<Timestamp>,
}

impl fmt::Debug for Account {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Account")
            .field("id", &self.id)
            .field("email", &self.email)
            .field("given_name", &self.given_name)
            .field("family_name", &self.family_name)
            .field("department", &self.department)
            .field("role", &self.role)
            .field("password_hash", &self.password_hash.as_ref().map(|_| "…"))
            .field("state", &self.state)
            .field("failed_login_count", &self.failed_login_count)
            .field("total_login_count", &self.total_login_count)
            .field("last_login_at", &self.last_login_at)
            .field("last_failed_login_at", &self.last_failed_login_at)
            .field("created_at", &self.created_at)
            .field("updated_at", &self.updated_at)
            .field("admin", &self.admin)
            .field("limited_to", &self.limited_to)
            .field("locked_until", &self.locked_until)
            .finish()
    }
}

/// What [`AccountStore::create_account`] needs. Build with [`NewAccount::new`] and set the
/// public fields.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct NewAccount {
    /// The e-mail address as entered; the id is its lower-cased form.
    pub email: String,
    /// Given name.
    pub given_name: String,
    /// Family name.
    pub family_name: String,
    /// Department.
    pub department: String,
    /// Role.
    pub role: String,
    /// Password hash (PHC string), if the account starts with a password.
    pub password_hash: Option<String>,
    /// Initial state.
    pub state: AccountState,
    /// The administrator role.
    pub admin: bool,
    /// The one record a limited account may see.
    pub limited_to: Option<RecordId>,
}

impl fmt::Debug for NewAccount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewAccount")
            .field("email", &self.email)
            .field("given_name", &self.given_name)
            .field("family_name", &self.family_name)
            .field("state", &self.state)
            .finish_non_exhaustive()
    }
}

impl NewAccount {
    /// An account for this e-mail address with the given names, empty department and
    /// role, no password, state [`AccountState::Uninitialized`].
    pub fn new(
        email: impl Into<String>,
        given_name: impl Into<String>,
        family_name: impl Into<String>,
    ) -> Self {
        Self {
            email: email.into(),
            given_name: given_name.into(),
            family_name: family_name.into(),
            department: String::new(),
            role: String::new(),
            password_hash: None,
            state: AccountState::Uninitialized,
            admin: false,
            limited_to: None,
        }
    }

    /// Sets the password hash.
    pub fn with_password_hash(mut self, hash: impl Into<String>) -> Self {
        self.password_hash = Some(hash.into());
        self
    }

    /// Sets the state.
    pub fn with_state(mut self, state: AccountState) -> Self {
        self.state = state;
        self
    }

    /// Gives the account the administrator role.
    pub fn with_admin(mut self, admin: bool) -> Self {
        self.admin = admin;
        self
    }

    /// Limits the account to one record.
    pub fn with_limited_to(mut self, record: Option<RecordId>) -> Self {
        self.limited_to = record;
        self
    }

    /// Checks every field and derives the id.
    pub fn validate(&self) -> StoreResult<UserId> {
        let id = UserId::new(&self.email)?;
        check_profile(
            &id,
            Some(&self.given_name),
            Some(&self.family_name),
            Some(&self.department),
            Some(&self.role),
            self.password_hash.as_deref(),
        )?;
        Ok(id)
    }
}

const MAX_NAME: usize = 200;
const MAX_LABEL: usize = 100;
const MAX_HASH: usize = 1024;

fn check_profile(
    id: &UserId,
    given: Option<&str>,
    family: Option<&str>,
    department: Option<&str>,
    role: Option<&str>,
    hash: Option<&str>,
) -> StoreResult<()> {
    let fields = [
        ("given name", given, MAX_NAME),
        ("family name", family, MAX_NAME),
        ("department", department, MAX_LABEL),
        ("role", role, MAX_LABEL),
    ];
    for (what, value, max) in fields {
        if let Some(value) = value {
            check_text(&format!("account {id}: {what}"), value, max)?;
        }
    }
    if let Some(hash) = hash {
        check_opaque(&format!("account {id}: password hash"), hash, MAX_HASH)?;
    }
    Ok(())
}

/// A change to an account: each `Some` field replaces the stored value, `None` keeps it.
#[derive(Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct AccountUpdate {
    /// New given name.
    pub given_name: Option<String>,
    /// New family name.
    pub family_name: Option<String>,
    /// New department.
    pub department: Option<String>,
    /// New role.
    pub role: Option<String>,
    /// New password hash (PHC string).
    pub password_hash: Option<String>,
    /// New state. Moving an account into [`AccountState::Active`] from any other state
    /// also resets its failed-login counter (this is how a locked account is unlocked).
    pub state: Option<AccountState>,
    /// New administrator role.
    pub admin: Option<bool>,
    /// New record limit (`Some(None)`: no limit).
    pub limited_to: Option<Option<RecordId>>,
    /// New lockout end (`Some(None)`: not locked out).
    pub locked_until: Option<Option<Timestamp>>,
    /// New failed-login count, applied after the state (so it wins over the reset that
    /// moving into [`AccountState::Active`] does).
    pub failed_login_count: Option<u32>,
    /// New last successful login (does not count a login; see
    /// [`AccountStore::record_login_success`] for that).
    pub last_login_at: Option<Timestamp>,
}

impl fmt::Debug for AccountUpdate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccountUpdate")
            .field("given_name", &self.given_name)
            .field("family_name", &self.family_name)
            .field("department", &self.department)
            .field("role", &self.role)
            .field("password_hash", &self.password_hash.as_ref().map(|_| "…"))
            .field("state", &self.state)
            .field("admin", &self.admin)
            .field("limited_to", &self.limited_to)
            .field("locked_until", &self.locked_until)
            .field("failed_login_count", &self.failed_login_count)
            .field("last_login_at", &self.last_login_at)
            .finish()
    }
}

impl AccountUpdate {
    /// Sets the given and family names.
    pub fn names(mut self, given: impl Into<String>, family: impl Into<String>) -> Self {
        self.given_name = Some(given.into());
        self.family_name = Some(family.into());
        self
    }

    /// Sets the department.
    pub fn department(mut self, department: impl Into<String>) -> Self {
        self.department = Some(department.into());
        self
    }

    /// Sets the role.
    pub fn role(mut self, role: impl Into<String>) -> Self {
        self.role = Some(role.into());
        self
    }

    /// Sets the password hash.
    pub fn password_hash(mut self, hash: impl Into<String>) -> Self {
        self.password_hash = Some(hash.into());
        self
    }

    /// Sets the state.
    pub fn state(mut self, state: AccountState) -> Self {
        self.state = Some(state);
        self
    }

    /// Sets the administrator role.
    pub fn admin(mut self, admin: bool) -> Self {
        self.admin = Some(admin);
        self
    }

    /// Sets (or, with `None`, removes) the record limit.
    pub fn limited_to(mut self, record: Option<RecordId>) -> Self {
        self.limited_to = Some(record);
        self
    }

    /// Sets (or, with `None`, ends) the lockout.
    pub fn locked_until(mut self, until: Option<Timestamp>) -> Self {
        self.locked_until = Some(until);
        self
    }

    /// Sets the failed-login count.
    pub fn failed_login_count(mut self, count: u32) -> Self {
        self.failed_login_count = Some(count);
        self
    }

    /// Sets the last successful login.
    pub fn last_login_at(mut self, at: Timestamp) -> Self {
        self.last_login_at = Some(at);
        self
    }

    /// Checks every field that is set.
    pub fn validate(&self, id: &UserId) -> StoreResult<()> {
        check_profile(
            id,
            self.given_name.as_deref(),
            self.family_name.as_deref(),
            self.department.as_deref(),
            self.role.as_deref(),
            self.password_hash.as_deref(),
        )
    }
}

/// A search over accounts. Both prefixes are matched case-insensitively against the start
/// of the name; an empty or absent prefix matches every account.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct AccountQuery {
    /// Prefix of the given name.
    pub given_name_prefix: Option<String>,
    /// Prefix of the family name.
    pub family_name_prefix: Option<String>,
}

impl AccountQuery {
    /// Every account.
    pub fn all() -> Self {
        Self::default()
    }

    /// Restricts to given names starting with `prefix`.
    pub fn given_name_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.given_name_prefix = Some(prefix.into());
        self
    }

    /// Restricts to family names starting with `prefix`.
    pub fn family_name_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.family_name_prefix = Some(prefix.into());
        self
    }

    /// The lower-cased prefixes (given, family), empty for "any".
    pub fn keys(&self) -> StoreResult<(String, String)> {
        let key = |what: &str, p: &Option<String>| -> StoreResult<String> {
            let p = p.as_deref().unwrap_or("");
            check_text(what, p, MAX_NAME)?;
            Ok(super::types::search_key(p))
        };
        Ok((
            key("given name prefix", &self.given_name_prefix)?,
            key("family name prefix", &self.family_name_prefix)?,
        ))
    }
}

/// Storage of accounts.
#[async_trait]
pub trait AccountStore: Send + Sync + fmt::Debug {
    /// Creates an account. Fails with `Conflict` if an account with the same e-mail
    /// address, compared case-insensitively, exists; with `Invalid` if a field is too long
    /// or malformed. `created_at` and `updated_at` are `now`.
    async fn create_account(&self, account: NewAccount, now: Timestamp) -> StoreResult<Account>;

    /// The account with this id, or `None`.
    async fn get_account(&self, id: &UserId) -> StoreResult<Option<Account>>;

    /// Applies `update` and returns the account as stored; `NotFound` if there is no such
    /// account. `updated_at` becomes `now`.
    async fn update_account(
        &self,
        id: &UserId,
        update: AccountUpdate,
        now: Timestamp,
    ) -> StoreResult<Account>;

    /// Deletes the account and, with it, its tokens, shares, app enablement and
    /// preferences. Returns whether it existed. Launch audit entries are kept.
    async fn delete_account(&self, id: &UserId) -> StoreResult<bool>;

    /// Accounts matching `query`, ordered by (lower-cased family name, lower-cased given
    /// name, id), one page at a time.
    async fn search_accounts(
        &self,
        query: &AccountQuery,
        page: Page,
    ) -> StoreResult<Paged<Account>>;

    /// Records a successful login, in one atomic step: the failed-login counter goes to
    /// zero, the total count goes up by one, `last_login_at` becomes `now`. The state is
    /// not changed: check it before calling. `NotFound` if there is no such account.
    async fn record_login_success(&self, id: &UserId, now: Timestamp) -> StoreResult<Account>;

    /// Records a failed login, in one atomic step: the failed-login counter goes up by one
    /// and `last_failed_login_at` becomes `now`; if `lock_after` is given and the counter
    /// reaches it while the account is [`AccountState::Active`], the state becomes
    /// [`AccountState::Locked`]. Concurrent failures are all counted. `NotFound` if there is
    /// no such account.
    async fn record_login_failure(
        &self,
        id: &UserId,
        now: Timestamp,
        lock_after: Option<u32>,
    ) -> StoreResult<Account>;

    /// Stores a pending password reset (the SHA-256 digest of the code, never the code),
    /// replacing any earlier ticket of the same account in the same step. `NotFound` if
    /// the account does not exist; deleting the account deletes its ticket.
    async fn put_reset_ticket(&self, ticket: ResetTicket) -> StoreResult<()>;

    /// Removes and returns the ticket with this digest, whether or not it has expired (the
    /// caller checks): single use, so of concurrent calls at most one gets it.
    async fn take_reset_ticket(&self, digest: &[u8; 32]) -> StoreResult<Option<ResetTicket>>;
}

/// The error for an account that does not exist.
pub fn account_not_found(id: &UserId) -> StoreError {
    StoreError::not_found(format!("account {id} does not exist"))
}

/// The error for an account that exists already.
pub fn account_exists(id: &UserId) -> StoreError {
    StoreError::conflict(format!("account {id} already exists"))
}
