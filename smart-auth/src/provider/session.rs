//! Accounts: password login and logout, password changes and resets, account creation
//! and administrative state.

use super::{Authenticated, Provider};
use crate::error::AuthError;
use crate::oauth::form_encode;
use crate::policy::{ContainerEndpoint as C, Target};
use crate::principal::UserId;
use crate::random::Secret;
use crate::store::{Account, AccountState, ResetTicket, TokenFilter, TokenKind};
use crate::time::UnixTime;
use sha2::{Digest, Sha256};

/// A new UI session: the token and secret the UI signs with from now on.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SessionGrant {
    /// The session token.
    pub token: String,
    /// The session token secret.
    pub secret: Secret,
    /// The logged-in user.
    pub user: UserId,
    /// When the session ends.
    pub expires_at: UnixTime,
}

impl SessionGrant {
    /// The reply body of the login endpoint:
    /// `oauth_token=…&oauth_token_secret=…&account_id=…`.
    pub fn to_form(&self) -> String {
        form_encode([
            ("oauth_token", self.token.as_str()),
            ("oauth_token_secret", self.secret.expose()),
            ("account_id", self.user.as_str()),
        ])
    }
}

/// A password-reset code to send to the user (for example in a link). Single use;
/// expires. Only its SHA-256 digest is stored.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ResetCode {
    /// The user it is for.
    pub user: UserId,
    /// The code.
    pub code: Secret,
    /// When it stops working.
    pub expires_at: UnixTime,
}

fn digest(code: &str) -> [u8; 32] {
    Sha256::digest(code.as_bytes()).into()
}

fn parse_user(email: &str) -> Result<UserId, AuthError> {
    UserId::new(email).map_err(|e| AuthError::Invalid(e.to_string()))
}

impl Provider {
    /// Password login through the UI principal. Creates a session that expires.
    ///
    /// Unknown e-mails and wrong passwords give the same error and take about the same
    /// time. After repeated failures the account is locked for a while (refused without
    /// checking the password); the lockout never changes the account's administrative
    /// state, and a correct password on a disabled account still fails.
    pub async fn login(
        &self,
        who: &Authenticated,
        email: &str,
        password: &str,
    ) -> Result<SessionGrant, AuthError> {
        self.require(who, C::Login, &Target::new())?;
        let now = self.now();
        let passwords = &self.config.passwords;
        let account = match UserId::new(email) {
            Ok(user) => self.stores.accounts.account(&user).await?,
            Err(_) => None,
        };
        let Some(mut account) = account else {
            passwords.dummy_verify(password, self.rng.as_ref());
            return Err(AuthError::InvalidCredentials);
        };
        if let Some(until) = account.locked_until.filter(|u| *u > now) {
            return Err(AuthError::Locked { until });
        }
        let ok = match &account.password_hash {
            Some(h) => passwords.verify(password, h)?,
            None => {
                passwords.dummy_verify(password, self.rng.as_ref());
                false
            }
        };
        if !ok {
            account.failed_logins = account.failed_logins.saturating_add(1);
            account.locked_until = passwords.lockout_after(account.failed_logins, now);
            self.stores.accounts.update_account(account).await?;
            return Err(AuthError::InvalidCredentials);
        }
        if account.state != AccountState::Active {
            return Err(AuthError::AccountDisabled);
        }
        account.failed_logins = 0;
        account.locked_until = None;
        account.last_login = Some(now);
        if account
            .password_hash
            .as_deref()
            .is_some_and(|h| passwords.needs_rehash(h))
        {
            account.password_hash = Some(passwords.hash(password, self.rng.as_ref())?);
        }
        let user = account.user.clone();
        self.stores.accounts.update_account(account).await?;

        let mut t = self.template(
            TokenKind::Session,
            now.plus(self.config.lifetimes.session_lifetime()),
        );
        t.user = Some(user.clone());
        let t = self.mint(t).await?;
        Ok(SessionGrant {
            token: t.token,
            secret: t.secret,
            user,
            expires_at: t.expires_at,
        })
    }

    /// Logout: revokes the caller's session and every credential launched from it.
    pub async fn logout(&self, who: &Authenticated) -> Result<(), AuthError> {
        self.require(who, C::Logout, &Target::new())?;
        let Some(token) = who.token() else {
            return Err(AuthError::Forbidden("not a session"));
        };
        self.stores
            .tokens
            .revoke_tokens(&TokenFilter::children_of(token))
            .await?;
        self.stores
            .tokens
            .revoke_tokens(&TokenFilter::token(token))
            .await?;
        Ok(())
    }

    /// Changes the caller's own password (the current one is required).
    pub async fn change_password(
        &self,
        who: &Authenticated,
        user: &UserId,
        current: &str,
        new: &str,
    ) -> Result<(), AuthError> {
        self.require(
            who,
            C::ChangePassword,
            &Target::new().with_user(user.clone()),
        )?;
        let passwords = &self.config.passwords;
        passwords.check_new_password(new)?;
        let mut account = self.active_account(user).await?;
        let ok = match &account.password_hash {
            Some(h) => passwords.verify(current, h)?,
            None => false,
        };
        if !ok {
            return Err(AuthError::InvalidCredentials);
        }
        account.password_hash = Some(passwords.hash(new, self.rng.as_ref())?);
        self.stores.accounts.update_account(account).await?;
        Ok(())
    }

    /// Starts a password reset (the UI, on behalf of a visitor). Returns the code to send
    /// to the account's e-mail, or `None` when there is no such active account (the UI
    /// should answer the same either way). A new code replaces any earlier one.
    pub async fn request_password_reset(
        &self,
        who: &Authenticated,
        email: &str,
    ) -> Result<Option<ResetCode>, AuthError> {
        self.require(who, C::RequestPasswordReset, &Target::new())?;
        let Ok(user) = UserId::new(email) else {
            return Ok(None);
        };
        match self.stores.accounts.account(&user).await? {
            Some(a) if matches!(a.state, AccountState::Active | AccountState::Uninitialized) => {}
            _ => return Ok(None),
        }
        let code = self.secret(32)?;
        let expires_at = self.now().plus(self.config.lifetimes.reset_lifetime());
        self.stores
            .accounts
            .put_reset_ticket(ResetTicket::new(
                digest(code.expose()),
                user.clone(),
                expires_at,
            ))
            .await?;
        Ok(Some(ResetCode {
            user,
            code,
            expires_at,
        }))
    }

    /// Sets a new password with a reset code. The code works once and expires. The
    /// account's lockout is cleared, but an account an administrator disabled stays
    /// disabled. Every token acting for the user (sessions included) is revoked.
    pub async fn reset_password(
        &self,
        who: &Authenticated,
        code: &str,
        new_password: &str,
    ) -> Result<UserId, AuthError> {
        self.require(who, C::ResetPassword, &Target::new())?;
        self.config.passwords.check_new_password(new_password)?;
        let bad = || AuthError::Invalid("the reset code is unknown, used or expired".into());
        let ticket = self
            .stores
            .accounts
            .take_reset_ticket(&digest(code))
            .await?
            .ok_or_else(bad)?;
        if ticket.expires_at <= self.now() {
            return Err(bad());
        }
        let mut account = self
            .stores
            .accounts
            .account(&ticket.user)
            .await?
            .ok_or_else(bad)?;
        match account.state {
            AccountState::Active => {}
            AccountState::Uninitialized => account.state = AccountState::Active,
            _ => return Err(AuthError::AccountDisabled),
        }
        account.password_hash = Some(
            self.config
                .passwords
                .hash(new_password, self.rng.as_ref())?,
        );
        account.failed_logins = 0;
        account.locked_until = None;
        let user = account.user.clone();
        self.stores.accounts.update_account(account).await?;
        self.stores
            .tokens
            .revoke_tokens(&TokenFilter::user(&user))
            .await?;
        Ok(user)
    }

    /// Creates an account (administrators). Without a password it stays
    /// [`AccountState::Uninitialized`] until a reset sets one.
    pub async fn create_account(
        &self,
        who: &Authenticated,
        email: &str,
        password: Option<&str>,
        admin: bool,
    ) -> Result<UserId, AuthError> {
        self.require(who, C::CreateAccount, &Target::new())?;
        self.insert_account(email, password, admin).await
    }

    /// Self-service registration through the UI, if the configuration allows it.
    pub async fn register_account(
        &self,
        who: &Authenticated,
        email: &str,
        password: &str,
    ) -> Result<UserId, AuthError> {
        self.require(who, C::RegisterAccount, &Target::new())?;
        if !self.config.self_registration {
            return Err(AuthError::Forbidden("self-registration is disabled"));
        }
        self.insert_account(email, Some(password), false).await
    }

    async fn insert_account(
        &self,
        email: &str,
        password: Option<&str>,
        admin: bool,
    ) -> Result<UserId, AuthError> {
        let user = parse_user(email)?;
        let mut account = Account::new(user.clone(), AccountState::Uninitialized);
        account.admin = admin;
        if let Some(pw) = password {
            self.config.passwords.check_new_password(pw)?;
            account.password_hash = Some(self.config.passwords.hash(pw, self.rng.as_ref())?);
            account.state = AccountState::Active;
        }
        self.stores.accounts.insert_account(account).await?;
        Ok(user)
    }

    /// Sets an account's administrative state and role (administrators). Any state but
    /// `Active` revokes every token acting for the user at once.
    pub async fn set_account_state(
        &self,
        who: &Authenticated,
        user: &UserId,
        state: AccountState,
        admin: bool,
    ) -> Result<(), AuthError> {
        self.require(who, C::SetAccountState, &Target::new())?;
        let mut account = self
            .stores
            .accounts
            .account(user)
            .await?
            .ok_or(AuthError::NotFound("account"))?;
        account.state = state;
        account.admin = admin;
        self.stores.accounts.update_account(account).await?;
        if state != AccountState::Active {
            self.stores
                .tokens
                .revoke_tokens(&TokenFilter::user(user))
                .await?;
        }
        Ok(())
    }
}
