//! `smart users`: accounts.
//!
//! Accounts are created and switched on and off through the OAuth provider's admin flows
//! (as the local admin, `Container::local_admin`), so the password hash (argon2id, with the
//! server's rules and parameters) and the administrator flag are stored exactly as the
//! server's login reads them. The provider has no flow for an administrator to set a
//! password, so `passwd` writes the hash to the directory (the very store the provider
//! reads), hashing with the provider's own password configuration. Profile names live in
//! the same account record.

use std::io::{BufRead, IsTerminal};
use std::process::ExitCode;

use anyhow::{Context as _, Result, bail};
use clap::{Args, Subcommand};
use smart_auth::{OsRandom, UserId};
use smart_http::Container;
use smart_store::directory::{Account, AccountQuery, AccountState, AccountUpdate, Page, Timestamp};

use crate::{Global, context};

/// `smart users ...`
#[derive(Debug, Subcommand)]
pub(crate) enum UsersCommand {
    /// Create an account. Without a password it cannot log in until one is set
    /// (`smart users passwd`).
    Create {
        /// The e-mail address (the login; compared case-insensitively).
        email: String,
        #[command(flatten)]
        password: PasswordArgs,
        /// Give the account the administrator role.
        #[arg(long)]
        admin: bool,
        /// Given name.
        #[arg(long)]
        given_name: Option<String>,
        /// Family name.
        #[arg(long)]
        family_name: Option<String>,
    },
    /// List the accounts.
    List {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Set an account's password (read from standard input unless --password is given)
    /// and end its sessions.
    Passwd {
        /// The e-mail address.
        email: String,
        #[command(flatten)]
        password: PasswordArgs,
    },
    /// Disable an account: it can no longer log in, and its tokens are revoked.
    Disable {
        /// The e-mail address.
        email: String,
    },
    /// Enable a disabled account again.
    Enable {
        /// The e-mail address.
        email: String,
    },
}

/// Where a password comes from.
#[derive(Debug, Args)]
pub(crate) struct PasswordArgs {
    /// Read the password from the first line of standard input.
    #[arg(long, conflicts_with = "password")]
    password_stdin: bool,
    /// The password (visible to other local users in the process list and kept in the
    /// shell history: prefer --password-stdin or the prompt; a warning is printed).
    #[arg(long, value_name = "P", allow_hyphen_values = true)]
    password: Option<String>,
}

impl PasswordArgs {
    /// The password given, if any; `required` reads standard input when no flag says where.
    fn read(&self, required: bool) -> Result<Option<String>> {
        if let Some(p) = &self.password {
            crate::warn_secret_argument("--password", "--password-stdin or the prompt");
            return Ok(Some(p.clone()));
        }
        if !(self.password_stdin || required) {
            return Ok(None);
        }
        let stdin = std::io::stdin();
        if stdin.is_terminal() {
            // At a terminal: a prompt without echo.
            let password = rpassword::prompt_password("password (not shown): ")
                .context("cannot read the password from the terminal")?;
            if password.is_empty() {
                bail!("no password given");
            }
            return Ok(Some(password));
        }
        let mut line = String::new();
        stdin
            .lock()
            .read_line(&mut line)
            .context("cannot read the password from standard input")?;
        let password = line.trim_end_matches(['\r', '\n']).to_owned();
        if password.is_empty() {
            bail!("no password on standard input");
        }
        Ok(Some(password))
    }
}

pub(crate) fn run(global: &Global, command: UsersCommand) -> Result<ExitCode> {
    match command {
        UsersCommand::Create {
            email,
            password,
            admin,
            given_name,
            family_name,
        } => {
            let user = user_id(&email)?;
            let password = password.read(false)?;
            context::with_container(global, async move |c| {
                create(
                    c,
                    &user,
                    password.as_deref(),
                    admin,
                    given_name,
                    family_name,
                )
                .await?;
                outln!(
                    "created {}account {user}{}",
                    if admin { "administrator " } else { "" },
                    if password.is_none() {
                        " (no password yet: set one with `smart users passwd`)"
                    } else {
                        ""
                    }
                );
                Ok(ExitCode::SUCCESS)
            })
        }
        UsersCommand::List { json } => {
            context::with_container(global, async |c| list(c, json).await)
        }
        UsersCommand::Passwd { email, password } => {
            let user = user_id(&email)?;
            let password = password.read(true)?.unwrap_or_default();
            context::with_container(global, async move |c| {
                let account = existing(c, &user).await?;
                let passwords = c.provider().config().passwords();
                passwords.check_new_password(&password)?;
                let mut update = AccountUpdate::default()
                    .password_hash(passwords.hash(&password, &OsRandom::new())?);
                if account.state == AccountState::Uninitialized {
                    update = update.state(AccountState::Active);
                }
                c.directory()
                    .update_account(&user, update, Timestamp::now())
                    .await?;
                c.directory().revoke_account_tokens(&user).await?;
                outln!("password of {user} set; its sessions were ended");
                Ok(ExitCode::SUCCESS)
            })
        }
        UsersCommand::Disable { email } => set_state(global, &email, false),
        UsersCommand::Enable { email } => set_state(global, &email, true),
    }
}

fn user_id(email: &str) -> Result<UserId> {
    UserId::new(email).with_context(|| format!("bad e-mail address {email:?}"))
}

async fn existing(c: &Container, user: &UserId) -> Result<Account> {
    c.directory()
        .get_account(user)
        .await?
        .with_context(|| format!("no account {user}"))
}

/// Creates the account through the provider's admin flow (password rules, argon2id hash,
/// administrator flag), then sets its names.
async fn create(
    c: &Container,
    user: &UserId,
    password: Option<&str>,
    admin: bool,
    given_name: Option<String>,
    family_name: Option<String>,
) -> Result<()> {
    if c.directory().get_account(user).await?.is_some() {
        bail!("an account {user} exists already");
    }
    let who = c
        .local_admin()
        .await
        .context("cannot act as the local admin")?;
    c.provider()
        .create_account(&who, user.as_str(), password, admin)
        .await
        .with_context(|| format!("cannot create account {user}"))?;
    if given_name.is_some() || family_name.is_some() {
        let id = user;
        let update = AccountUpdate::default().names(
            given_name.unwrap_or_default(),
            family_name.unwrap_or_default(),
        );
        if let Err(e) = c
            .directory()
            .update_account(id, update, Timestamp::now())
            .await
        {
            // No half-made account: take it back out.
            c.directory().delete_account(id).await?;
            return Err(e).with_context(|| format!("cannot set the names of {user}"));
        }
    }
    Ok(())
}

async fn list(c: &Container, json: bool) -> Result<ExitCode> {
    let mut rows = Vec::new();
    let mut page = Some(Page::first(Page::MAX_LIMIT));
    while let Some(p) = page {
        let listed = c
            .directory()
            .search_accounts(&AccountQuery::all(), p)
            .await?;
        for a in listed.items {
            let admin = a.admin;
            rows.push((a, admin));
        }
        page = listed.next;
    }
    if json {
        let list: Vec<_> = rows
            .iter()
            .map(|(a, admin)| {
                serde_json::json!({
                    "email": a.id.as_str(),
                    "given_name": a.given_name,
                    "family_name": a.family_name,
                    "state": a.state.as_str(),
                    "admin": admin,
                })
            })
            .collect();
        outln!("{}", serde_json::to_string_pretty(&list)?);
    } else {
        for (a, admin) in &rows {
            outln!(
                "{:<40} {:<14} {:<6} {} {}",
                a.id.as_str(),
                a.state.as_str(),
                if *admin { "admin" } else { "" },
                a.given_name,
                a.family_name
            );
        }
        outln!("{} accounts", rows.len());
    }
    Ok(ExitCode::SUCCESS)
}

fn set_state(global: &Global, email: &str, enable: bool) -> Result<ExitCode> {
    let user = user_id(email)?;
    context::with_container(global, async move |c| {
        let account = existing(c, &user).await?;
        let state = if !enable {
            AccountState::Disabled
        } else if account.password_hash.is_some() {
            AccountState::Active
        } else {
            AccountState::Uninitialized
        };
        // The provider's flow revokes every token of a user who is no longer active.
        let who = c
            .local_admin()
            .await
            .context("cannot act as the local admin")?;
        c.provider()
            .set_account_state(&who, &user, state, account.admin)
            .await
            .with_context(|| format!("cannot change account {user}"))?;
        outln!("{} {user}", if enable { "enabled" } else { "disabled" });
        Ok(ExitCode::SUCCESS)
    })
}
