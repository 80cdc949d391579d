//! Accounts: password login and logout, password changes and resets, account creation
//! and administrative state.

use super::{Authenticated, Provider};
use crate::directory::{AccountState, AccountUpdate, NewAccount, ResetTicket, TokenKind};
use crate::error::AuthError;
use crate::oauth::form_encode;
use crate::policy::{ContainerEndpoint as C, Target};
use crate::principal::UserId;
use crate::random::Secret;
use crate::time::Timestamp;

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
    pub expires_at: Timestamp,
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
    pub expires_at: Timestamp,
}

fn digest(code: &str) -> [u8; 32] {
    crate::directory::backend::sha256(code)
}

fn parse_user(email: &str) -> Result<UserId, AuthError> {
    UserId::new(email).map_err(|e| AuthError::Invalid(e.to_string()))
}

impl Provider {
    /// Password login through the UI principal. Creates a session that expires.
    ///
    /// Unknown e-mails, locked accounts and wrong passwords give the same error
    /// ([`AuthError::InvalidCredentials`]) and take about the same time (a verification
    /// against a throw-away hash stands in for the real one), so that neither the answer
    /// nor its timing tells which accounts exist or are locked. After repeated failures
    /// the account is locked for a while (refused without checking the password); the
    /// lockout never changes the account's administrative state, and a correct password on
    /// a disabled account still fails. Hashing runs on the blocking pool, a bounded number
    /// at once ([`crate::password::PasswordConfig::concurrency`]).
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
            Ok(user) => self.stores.accounts.get_account(&user).await?,
            Err(_) => None,
        };
        let Some(account) = account else {
            self.hashing.dummy_verify(password, self.rng.clone()).await;
            return Err(AuthError::InvalidCredentials);
        };
        if account.locked_until.is_some_and(|u| u > now) {
            // Refused without looking at the password, but as long as a check takes.
            self.hashing.dummy_verify(password, self.rng.clone()).await;
            return Err(AuthError::InvalidCredentials);
        }
        let ok = match &account.password_hash {
            Some(h) => self.hashing.verify(password, h).await?,
            None => {
                self.hashing.dummy_verify(password, self.rng.clone()).await;
                false
            }
        };
        let accounts = &self.stores.accounts;
        let user = account.id.clone();
        if !ok {
            // The directory counts the failure atomically (concurrent failures all count);
            // the lockout follows from the new count. The state is never changed here.
            let failed = accounts.record_login_failure(&user, now, None).await?;
            let until = passwords.lockout_after(failed.failed_login_count, now);
            accounts
                .update_account(&user, AccountUpdate::default().locked_until(until), now)
                .await?;
            return Err(AuthError::InvalidCredentials);
        }
        if account.state != AccountState::Active {
            return Err(AuthError::AccountDisabled);
        }
        accounts.record_login_success(&user, now).await?;
        let mut update = AccountUpdate::default().locked_until(None);
        if account
            .password_hash
            .as_deref()
            .is_some_and(|h| passwords.needs_rehash(h))
        {
            update = update.password_hash(self.hashing.hash(password, self.rng.as_ref()).await?);
        }
        accounts.update_account(&user, update, now).await?;

        let t = self
            .template(
                TokenKind::Session,
                now.saturating_add(self.config.lifetimes.session_lifetime()),
            )
            .with_account(user.clone());
        let t = self.mint(t).await?;
        Ok(SessionGrant {
            token: t.token,
            secret: Secret::new(t.secret),
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
        self.stores.tokens.revoke_child_tokens(token).await?;
        self.stores.tokens.revoke_token(token).await?;
        self.end_temporary_apps(token).await?;
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
        let account = self.active_account(user).await?;
        let ok = match &account.password_hash {
            Some(h) => self.hashing.verify(current, h).await?,
            None => false,
        };
        if !ok {
            return Err(AuthError::InvalidCredentials);
        }
        let update = AccountUpdate::default()
            .password_hash(self.hashing.hash(new, self.rng.as_ref()).await?);
        self.stores
            .accounts
            .update_account(user, update, self.now())
            .await?;
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
        match self.stores.accounts.get_account(&user).await? {
            Some(a) if matches!(a.state, AccountState::Active | AccountState::Uninitialized) => {}
            _ => return Ok(None),
        }
        let code = self.secret(32)?;
        let expires_at = self
            .now()
            .saturating_add(self.config.lifetimes.reset_lifetime());
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
        let account = self
            .stores
            .accounts
            .get_account(&ticket.user)
            .await?
            .ok_or_else(bad)?;
        match account.state {
            AccountState::Active | AccountState::Uninitialized => {}
            _ => return Err(AuthError::AccountDisabled),
        }
        let hash = self.hashing.hash(new_password, self.rng.as_ref()).await?;
        // The state is set (to Active) before the failed-login count, so both end as here.
        let update = AccountUpdate::default()
            .state(AccountState::Active)
            .password_hash(hash)
            .failed_login_count(0)
            .locked_until(None);
        let user = account.id;
        self.stores
            .accounts
            .update_account(&user, update, self.now())
            .await?;
        self.stores.tokens.revoke_account_tokens(&user).await?;
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
        let mut account = NewAccount::new(user.as_str(), "", "").with_admin(admin);
        if let Some(pw) = password {
            self.config.passwords.check_new_password(pw)?;
            account = account
                .with_password_hash(self.hashing.hash(pw, self.rng.as_ref()).await?)
                .with_state(AccountState::Active);
        }
        self.stores
            .accounts
            .create_account(account, self.now())
            .await?;
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
        if self.stores.accounts.get_account(user).await?.is_none() {
            return Err(AuthError::NotFound("account"));
        }
        let update = AccountUpdate::default().state(state).admin(admin);
        self.stores
            .accounts
            .update_account(user, update, self.now())
            .await?;
        if state != AccountState::Active {
            self.stores.tokens.revoke_account_tokens(user).await?;
        }
        Ok(())
    }
}
