//! Accounts, apps, tokens, shares and nonces for one SQL backend. This file is included by
//! `sqlite.rs` and by `postgres.rs`, each with its own `Db` (the sqlx database) and `Store`
//! (the store type, which has `pool` and `config` fields): the statements are the same for
//! both.

use super::impl_at_rest::verifier_matches;
use super::{Db, Store};
use crate::directory::backend::app_not_found;
use crate::directory::backend::{account_exists, account_not_found};
use crate::directory::backend::{authorize_refusal, token_exists};
use crate::directory::backend::{check_nonce_key, in_window};
use crate::directory::backend::{check_opaque, search_key, secret_digest};
use crate::directory::sql::rows::{
    AccountRow, AppRow, ShareRow, TokenRow, convert_all, record_key, stored_account_id,
};
use crate::directory::sql::{
    db_error, is_foreign_key_violation, is_unique_violation, limit_plus_one, offset,
};
use crate::directory::*;
use crate::error::{StoreError, StoreResult};
use async_trait::async_trait;
use smart_auth::nonce::{NonceKey, NonceOutcome};
use smart_core::encoding::hex_lower as lower_hex;
use smart_core::ids::RecordId;
use sqlx::{query, query_as};

impl Store {
    /// Apps read from their rows, their secrets opened.
    fn open_apps(&self, rows: Vec<AppRow>) -> StoreResult<Vec<App>> {
        rows.into_iter()
            .map(|row| self.open_app(row.try_into()?))
            .collect()
    }

    /// Names the missing row after a foreign key violation: the account if it does not
    /// exist, otherwise the app.
    pub(super) async fn missing_reference(
        &self,
        account: Option<&UserId>,
        app: Option<&AppId>,
    ) -> StoreError {
        if let Some(account) = account {
            match self.get_account(account).await {
                Ok(Some(_)) => {}
                Ok(None) => return account_not_found(account),
                Err(e) => return e,
            }
        }
        if let Some(app) = app {
            match self.get_app(app).await {
                Ok(Some(_)) => {}
                Ok(None) => return app_not_found(app),
                Err(e) => return e,
            }
        }
        StoreError::not_found("a referenced account or app does not exist")
    }
}

#[async_trait]
impl AccountStore for Store {
    async fn create_account(&self, new: NewAccount, now: Timestamp) -> StoreResult<Account> {
        let id = new.validate()?;
        let row = query_as::<Db, AccountRow>(
            "INSERT INTO accounts (id, email, given_name, given_key, family_name, family_key, \
             department, role, password_hash, state, failed_login_count, total_login_count, \
             created_at, updated_at, is_admin, limited_to) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 0, 0, $11, $11, $12, $13) \
             RETURNING *",
        )
        .bind(id.as_str())
        .bind(&new.email)
        .bind(&new.given_name)
        .bind(search_key(&new.given_name))
        .bind(&new.family_name)
        .bind(search_key(&new.family_name))
        .bind(&new.department)
        .bind(&new.role)
        .bind(&new.password_hash)
        .bind(new.state.as_str())
        .bind(now.as_unix_millis())
        .bind(new.admin)
        .bind(new.limited_to.as_ref().map(RecordId::as_str))
        .fetch_one(&self.pool)
        .await
        .map_err(|e| {
            if is_unique_violation(&e) {
                account_exists(&id)
            } else {
                db_error(e, format!("creating account {id}"))
            }
        })?;
        row.try_into()
    }

    async fn get_account(&self, id: &UserId) -> StoreResult<Option<Account>> {
        query_as::<Db, AccountRow>("SELECT * FROM accounts WHERE id = $1")
            .bind(id.as_str())
            .fetch_optional(&self.pool)
            .await
            .map_err(|e| db_error(e, format!("reading account {id}")))?
            .map(Account::try_from)
            .transpose()
    }

    async fn update_account(
        &self,
        id: &UserId,
        update: AccountUpdate,
        now: Timestamp,
    ) -> StoreResult<Account> {
        update.validate(id)?;
        query_as::<Db, AccountRow>(
            "UPDATE accounts SET \
             given_name = COALESCE($2, given_name), given_key = COALESCE($3, given_key), \
             family_name = COALESCE($4, family_name), family_key = COALESCE($5, family_key), \
             department = COALESCE($6, department), role = COALESCE($7, role), \
             password_hash = COALESCE($8, password_hash), \
             failed_login_count = CASE WHEN $16 IS NOT NULL THEN $16 \
                 WHEN $9 = 'active' AND state <> 'active' THEN 0 ELSE failed_login_count END, \
             state = COALESCE($9, state), updated_at = $10, \
             is_admin = COALESCE($11, is_admin), \
             limited_to = CASE WHEN $12 THEN $13 ELSE limited_to END, \
             locked_until = CASE WHEN $14 THEN $15 ELSE locked_until END, \
             last_login_at = COALESCE($17, last_login_at) \
             WHERE id = $1 RETURNING *",
        )
        .bind(id.as_str())
        .bind(&update.given_name)
        .bind(update.given_name.as_deref().map(search_key))
        .bind(&update.family_name)
        .bind(update.family_name.as_deref().map(search_key))
        .bind(&update.department)
        .bind(&update.role)
        .bind(&update.password_hash)
        .bind(update.state.map(AccountState::as_str))
        .bind(now.as_unix_millis())
        .bind(update.admin)
        .bind(update.limited_to.is_some())
        .bind(
            update
                .limited_to
                .as_ref()
                .and_then(|r| r.as_ref().map(RecordId::as_str)),
        )
        .bind(update.locked_until.is_some())
        .bind(update.locked_until.flatten().map(Timestamp::as_unix_millis))
        .bind(update.failed_login_count.map(i64::from))
        .bind(update.last_login_at.map(Timestamp::as_unix_millis))
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| db_error(e, format!("updating account {id}")))?
        .ok_or_else(|| account_not_found(id))?
        .try_into()
    }

    async fn delete_account(&self, id: &UserId) -> StoreResult<bool> {
        let done = query::<Db>("DELETE FROM accounts WHERE id = $1")
            .bind(id.as_str())
            .execute(&self.pool)
            .await
            .map_err(|e| db_error(e, format!("deleting account {id}")))?;
        Ok(done.rows_affected() > 0)
    }

    async fn put_reset_ticket(&self, ticket: ResetTicket) -> StoreResult<()> {
        let id = &ticket.user;
        let what = || format!("storing a password reset of account {id}");
        let mut tx = self.pool.begin().await.map_err(|e| db_error(e, what()))?;
        query::<Db>("DELETE FROM password_resets WHERE account_id = $1")
            .bind(id.as_str())
            .execute(&mut *tx)
            .await
            .map_err(|e| db_error(e, what()))?;
        let inserted = query::<Db>(
            "INSERT INTO password_resets (digest, account_id, expires_at) VALUES ($1, $2, $3)",
        )
        .bind(lower_hex(&ticket.digest))
        .bind(id.as_str())
        .bind(ticket.expires_at.as_unix_millis())
        .execute(&mut *tx)
        .await;
        match inserted {
            Ok(_) => tx.commit().await.map_err(|e| db_error(e, what())),
            Err(e) if is_foreign_key_violation(&e) => Err(account_not_found(id)),
            Err(e) if is_unique_violation(&e) => Err(StoreError::conflict(
                "a reset ticket with this digest exists already",
            )),
            Err(e) => Err(db_error(e, what())),
        }
    }

    async fn take_reset_ticket(&self, digest: &[u8; 32]) -> StoreResult<Option<ResetTicket>> {
        let row: Option<(String, i64)> = query_as::<Db, (String, i64)>(
            "DELETE FROM password_resets WHERE digest = $1 RETURNING account_id, expires_at",
        )
        .bind(lower_hex(digest))
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| db_error(e, "taking a password reset ticket"))?;
        row.map(|(account, expires)| {
            Ok(ResetTicket::new(
                *digest,
                stored_account_id(&account)?,
                Timestamp::from_unix_millis(expires),
            ))
        })
        .transpose()
    }

    async fn search_accounts(
        &self,
        query: &AccountQuery,
        page: Page,
    ) -> StoreResult<Paged<Account>> {
        let (given, family) = query.keys()?;
        let rows = query_as::<Db, AccountRow>(
            "SELECT * FROM accounts \
             WHERE substr(given_key, 1, length($1)) = $1 \
             AND substr(family_key, 1, length($2)) = $2 \
             ORDER BY family_key, given_key, id LIMIT $3 OFFSET $4",
        )
        .bind(&given)
        .bind(&family)
        .bind(limit_plus_one(page))
        .bind(offset(page))
        .fetch_all(&self.pool)
        .await
        .map_err(|e| db_error(e, "searching accounts"))?;
        Ok(Paged::from_overfetch(convert_all(rows)?, page))
    }

    async fn record_login_success(&self, id: &UserId, now: Timestamp) -> StoreResult<Account> {
        query_as::<Db, AccountRow>(
            "UPDATE accounts SET failed_login_count = 0, \
             total_login_count = total_login_count + 1, last_login_at = $2 \
             WHERE id = $1 RETURNING *",
        )
        .bind(id.as_str())
        .bind(now.as_unix_millis())
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| db_error(e, format!("recording a login of account {id}")))?
        .ok_or_else(|| account_not_found(id))?
        .try_into()
    }

    async fn record_login_failure(
        &self,
        id: &UserId,
        now: Timestamp,
        lock_after: Option<u32>,
    ) -> StoreResult<Account> {
        query_as::<Db, AccountRow>(
            "UPDATE accounts SET failed_login_count = failed_login_count + 1, \
             last_failed_login_at = $2, \
             state = CASE WHEN $3 IS NOT NULL AND state = 'active' \
                 AND failed_login_count + 1 >= $3 THEN 'locked' ELSE state END \
             WHERE id = $1 RETURNING *",
        )
        .bind(id.as_str())
        .bind(now.as_unix_millis())
        .bind(lock_after.map(i64::from))
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| db_error(e, format!("recording a failed login of account {id}")))?
        .ok_or_else(|| account_not_found(id))?
        .try_into()
    }
}

#[async_trait]
impl AppStore for Store {
    async fn register_app(
        &self,
        new: NewApp,
        secret: SecretPolicy,
        now: Timestamp,
    ) -> StoreResult<App> {
        let (id, manifest_json) = new.validate()?;
        let (sealed_secret, sealed_owner) = self.seal_app(
            id.as_str(),
            &new.consumer_secret,
            new.owner_session.as_deref(),
        )?;
        let row = query_as::<Db, AppRow>(
            "INSERT INTO apps (id, manifest, consumer_secret, mode, enabled_by_default, \
             created_at, updated_at, enabled, owner_session, at_rest) \
             VALUES ($1, $2, $3, $4, $5, $6, $6, $8, $9, 1) \
             ON CONFLICT (id) DO UPDATE SET manifest = excluded.manifest, \
             mode = excluded.mode, enabled_by_default = excluded.enabled_by_default, \
             enabled = excluded.enabled, owner_session = excluded.owner_session, \
             consumer_secret = CASE WHEN $7 THEN excluded.consumer_secret \
                 ELSE apps.consumer_secret END, \
             updated_at = excluded.updated_at \
             RETURNING *",
        )
        .bind(id.as_str())
        .bind(&manifest_json)
        .bind(&sealed_secret)
        .bind(new.manifest.mode.as_str())
        .bind(new.enabled_by_default)
        .bind(now.as_unix_millis())
        .bind(secret == SecretPolicy::Rotate)
        .bind(new.enabled)
        .bind(sealed_owner.as_deref())
        .fetch_one(&self.pool)
        .await
        .map_err(|e| db_error(e, format!("registering app {id}")))?;
        self.open_app(row.try_into()?)
    }

    async fn get_app(&self, id: &AppId) -> StoreResult<Option<App>> {
        query_as::<Db, AppRow>("SELECT * FROM apps WHERE id = $1")
            .bind(id.as_str())
            .fetch_optional(&self.pool)
            .await
            .map_err(|e| db_error(e, format!("reading app {id}")))?
            .map(|row| self.open_app(row.try_into()?))
            .transpose()
    }

    async fn list_apps(&self) -> StoreResult<Vec<App>> {
        let rows = query_as::<Db, AppRow>("SELECT * FROM apps ORDER BY id")
            .fetch_all(&self.pool)
            .await
            .map_err(|e| db_error(e, "listing apps"))?;
        self.open_apps(rows)
    }

    async fn delete_app(&self, id: &AppId) -> StoreResult<bool> {
        let done = query::<Db>("DELETE FROM apps WHERE id = $1")
            .bind(id.as_str())
            .execute(&self.pool)
            .await
            .map_err(|e| db_error(e, format!("deleting app {id}")))?;
        Ok(done.rows_affected() > 0)
    }

    async fn set_app_enabled(
        &self,
        account: &UserId,
        app: &AppId,
        enabled: bool,
        now: Timestamp,
    ) -> StoreResult<()> {
        let result = query::<Db>(
            "INSERT INTO account_apps (account_id, app_id, enabled, updated_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (account_id, app_id) \
             DO UPDATE SET enabled = excluded.enabled, updated_at = excluded.updated_at",
        )
        .bind(account.as_str())
        .bind(app.as_str())
        .bind(enabled)
        .bind(now.as_unix_millis())
        .execute(&self.pool)
        .await;
        match result {
            Ok(_) => Ok(()),
            Err(e) if is_foreign_key_violation(&e) => {
                Err(self.missing_reference(Some(account), Some(app)).await)
            }
            Err(e) => Err(db_error(
                e,
                format!("switching app {app} for account {account}"),
            )),
        }
    }

    async fn is_app_enabled(&self, account: &UserId, app: &AppId) -> StoreResult<bool> {
        let enabled = sqlx::query_scalar::<Db, bool>(
            "SELECT COALESCE(e.enabled, a.enabled_by_default) FROM apps a \
             LEFT JOIN account_apps e ON e.app_id = a.id AND e.account_id = $2 \
             WHERE a.id = $1",
        )
        .bind(app.as_str())
        .bind(account.as_str())
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| db_error(e, format!("reading app {app} for account {account}")))?;
        Ok(enabled.unwrap_or(false))
    }

    async fn enabled_apps(&self, account: &UserId) -> StoreResult<Vec<App>> {
        let rows = query_as::<Db, AppRow>(
            "SELECT a.* FROM apps a \
             LEFT JOIN account_apps e ON e.app_id = a.id AND e.account_id = $1 \
             WHERE COALESCE(e.enabled, a.enabled_by_default) ORDER BY a.id",
        )
        .bind(account.as_str())
        .fetch_all(&self.pool)
        .await
        .map_err(|e| db_error(e, format!("listing the apps of account {account}")))?;
        self.open_apps(rows)
    }
}

#[async_trait]
impl TokenStore for Store {
    async fn insert_token(&self, token: OAuthToken) -> StoreResult<OAuthToken> {
        token.validate()?;
        let stored = self.seal_token(&token)?;
        let result = query::<Db>(
            "INSERT INTO oauth_tokens (token, secret, kind, app_id, account_id, record_id, \
             verifier, callback, created_at, expires_at, parent, parent_sealed, at_rest) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 1)",
        )
        .bind(&stored.token)
        .bind(&stored.secret)
        .bind(token.kind.as_str())
        .bind(token.app.as_ref().map(AppId::as_str))
        .bind(token.account.as_ref().map(UserId::as_str))
        .bind(token.record.as_ref().map(RecordId::as_str))
        .bind(&stored.verifier)
        .bind(&token.callback)
        .bind(token.created_at.as_unix_millis())
        .bind(token.expires_at.as_unix_millis())
        .bind(&stored.parent)
        .bind(&stored.parent_sealed)
        .execute(&self.pool)
        .await;
        match result {
            Ok(_) => Ok(token),
            Err(e) if is_unique_violation(&e) => Err(token_exists(token.kind)),
            Err(e) if is_foreign_key_violation(&e) => Err(self
                .missing_reference(token.account.as_ref(), token.app.as_ref())
                .await),
            Err(e) => Err(db_error(e, format!("storing a {} token", token.kind))),
        }
    }

    async fn find_token(&self, token: &str) -> StoreResult<Option<OAuthToken>> {
        query_as::<Db, TokenRow>("SELECT * FROM oauth_tokens WHERE token = $1")
            .bind(secret_digest(token))
            .fetch_optional(&self.pool)
            .await
            .map_err(|e| db_error(e, "reading a token"))?
            .map(|row| self.open_token(row.try_into()?, token))
            .transpose()
    }

    async fn authorize_request_token(
        &self,
        token: &str,
        account: &UserId,
        verifier: &str,
        now: Timestamp,
    ) -> StoreResult<OAuthToken> {
        check_opaque("token verifier", verifier, 256)?;
        let row = query_as::<Db, TokenRow>(
            "UPDATE oauth_tokens SET account_id = $2, verifier = $3 \
             WHERE token = $1 AND kind = 'request' AND verifier IS NULL AND expires_at > $4 \
             RETURNING *",
        )
        .bind(secret_digest(token))
        .bind(account.as_str())
        .bind(secret_digest(verifier))
        .bind(now.as_unix_millis())
        .fetch_optional(&self.pool)
        .await;
        match row {
            Ok(Some(row)) => {
                let mut authorized = self.open_token(row.try_into()?, token)?;
                authorized.verifier = Some(verifier.to_owned());
                Ok(authorized)
            }
            Ok(None) => Err(authorize_refusal(
                self.get_token(token, now).await?.as_ref(),
            )),
            Err(e) if is_foreign_key_violation(&e) => Err(account_not_found(account)),
            Err(e) => Err(db_error(
                e,
                format!("authorizing a request token for account {account}"),
            )),
        }
    }

    async fn consume_verifier(
        &self,
        token: &str,
        verifier: &str,
        now: Timestamp,
    ) -> StoreResult<Option<OAuthToken>> {
        let row = query_as::<Db, TokenRow>(
            "DELETE FROM oauth_tokens \
             WHERE token = $1 AND kind = 'request' AND verifier IS NOT NULL RETURNING *",
        )
        .bind(secret_digest(token))
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| db_error(e, "exchanging a request token"))?;
        let Some(row) = row else { return Ok(None) };
        let mut consumed = self.open_token(row.try_into()?, token)?;
        // The digests are compared, in constant time.
        let matches = verifier_matches(consumed.verifier.as_deref(), verifier);
        consumed.verifier = Some(verifier.to_owned());
        Ok((matches && consumed.is_valid_at(now)).then_some(consumed))
    }

    async fn revoke_token(&self, token: &str) -> StoreResult<bool> {
        let done = query::<Db>("DELETE FROM oauth_tokens WHERE token = $1")
            .bind(secret_digest(token))
            .execute(&self.pool)
            .await
            .map_err(|e| db_error(e, "revoking a token"))?;
        Ok(done.rows_affected() > 0)
    }

    async fn revoke_app_tokens(&self, app: &AppId) -> StoreResult<u64> {
        let done = query::<Db>("DELETE FROM oauth_tokens WHERE app_id = $1")
            .bind(app.as_str())
            .execute(&self.pool)
            .await
            .map_err(|e| db_error(e, format!("revoking the tokens of app {app}")))?;
        Ok(done.rows_affected())
    }

    async fn revoke_account_tokens(&self, account: &UserId) -> StoreResult<u64> {
        let done = query::<Db>("DELETE FROM oauth_tokens WHERE account_id = $1")
            .bind(account.as_str())
            .execute(&self.pool)
            .await
            .map_err(|e| db_error(e, format!("revoking the tokens of account {account}")))?;
        Ok(done.rows_affected())
    }

    async fn revoke_account_tokens_of_kind(
        &self,
        account: &UserId,
        kind: TokenKind,
    ) -> StoreResult<u64> {
        let done = query::<Db>("DELETE FROM oauth_tokens WHERE account_id = $1 AND kind = $2")
            .bind(account.as_str())
            .bind(kind.as_str())
            .execute(&self.pool)
            .await
            .map_err(|e| {
                db_error(
                    e,
                    format!("revoking the {kind} tokens of account {account}"),
                )
            })?;
        Ok(done.rows_affected())
    }

    async fn revoke_child_tokens(&self, parent: &str) -> StoreResult<u64> {
        let done = query::<Db>("DELETE FROM oauth_tokens WHERE parent = $1")
            .bind(secret_digest(parent))
            .execute(&self.pool)
            .await
            .map_err(|e| db_error(e, "revoking the tokens launched from a token"))?;
        Ok(done.rows_affected())
    }

    async fn revoke_app_account_tokens(&self, app: &AppId, account: &UserId) -> StoreResult<u64> {
        let done = query::<Db>("DELETE FROM oauth_tokens WHERE app_id = $1 AND account_id = $2")
            .bind(app.as_str())
            .bind(account.as_str())
            .execute(&self.pool)
            .await
            .map_err(|e| {
                db_error(
                    e,
                    format!("revoking the tokens of app {app} for account {account}"),
                )
            })?;
        Ok(done.rows_affected())
    }

    async fn revoke_grant_tokens(
        &self,
        app: &AppId,
        account: &UserId,
        record: Option<&RecordId>,
    ) -> StoreResult<u64> {
        let done = query::<Db>(GRANT_TOKENS_DELETE)
            .bind(app.as_str())
            .bind(account.as_str())
            .bind(record.map(RecordId::as_str))
            .execute(&self.pool)
            .await
            .map_err(|e| db_error(e, grant_name(app, account, record)))?;
        Ok(done.rows_affected())
    }

    async fn cleanup_expired(&self, now: Timestamp) -> StoreResult<u64> {
        let done = query::<Db>("DELETE FROM oauth_tokens WHERE expires_at <= $1")
            .bind(now.as_unix_millis())
            .execute(&self.pool)
            .await
            .map_err(|e| db_error(e, "deleting expired tokens"))?;
        Ok(done.rows_affected())
    }
}

const GRANT_TOKENS_DELETE: &str = "DELETE FROM oauth_tokens \
     WHERE app_id = $1 AND account_id = $2 AND record_id IS NOT DISTINCT FROM $3";

fn grant_name(app: &AppId, account: &UserId, record: Option<&RecordId>) -> String {
    match record {
        Some(record) => format!("grant of app {app} by account {account} on record {record}"),
        None => format!("grant of app {app} by account {account} (no record)"),
    }
}

#[async_trait]
impl ShareStore for Store {
    async fn grant_share(
        &self,
        account: &UserId,
        record: Option<&RecordId>,
        app: &AppId,
        now: Timestamp,
    ) -> StoreResult<Share> {
        let row = query_as::<Db, ShareRow>(
            "INSERT INTO shares (account_id, record_id, app_id, created_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (account_id, record_id, app_id) \
             DO UPDATE SET created_at = shares.created_at RETURNING *",
        )
        .bind(account.as_str())
        .bind(record_key(record))
        .bind(app.as_str())
        .bind(now.as_unix_millis())
        .fetch_one(&self.pool)
        .await;
        match row {
            Ok(row) => row.try_into(),
            Err(e) if is_foreign_key_violation(&e) => {
                Err(self.missing_reference(Some(account), Some(app)).await)
            }
            Err(e) => Err(db_error(e, grant_name(app, account, record))),
        }
    }

    async fn get_share(
        &self,
        account: &UserId,
        record: Option<&RecordId>,
        app: &AppId,
    ) -> StoreResult<Option<Share>> {
        query_as::<Db, ShareRow>(
            "SELECT * FROM shares WHERE account_id = $1 AND record_id = $2 AND app_id = $3",
        )
        .bind(account.as_str())
        .bind(record_key(record))
        .bind(app.as_str())
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| db_error(e, grant_name(app, account, record)))?
        .map(Share::try_from)
        .transpose()
    }

    async fn list_account_shares(&self, account: &UserId) -> StoreResult<Vec<Share>> {
        let rows = query_as::<Db, ShareRow>(
            "SELECT * FROM shares WHERE account_id = $1 ORDER BY record_id, app_id",
        )
        .bind(account.as_str())
        .fetch_all(&self.pool)
        .await
        .map_err(|e| db_error(e, format!("listing the shares of account {account}")))?;
        convert_all(rows)
    }

    async fn revoke_share(
        &self,
        account: &UserId,
        record: Option<&RecordId>,
        app: &AppId,
    ) -> StoreResult<bool> {
        let what = || format!("revoking the {}", grant_name(app, account, record));
        let mut tx = self.pool.begin().await.map_err(|e| db_error(e, what()))?;
        let done = query::<Db>(
            "DELETE FROM shares WHERE account_id = $1 AND record_id = $2 AND app_id = $3",
        )
        .bind(account.as_str())
        .bind(record_key(record))
        .bind(app.as_str())
        .execute(&mut *tx)
        .await
        .map_err(|e| db_error(e, what()))?;
        query::<Db>(GRANT_TOKENS_DELETE)
            .bind(app.as_str())
            .bind(account.as_str())
            .bind(record.map(RecordId::as_str))
            .execute(&mut *tx)
            .await
            .map_err(|e| db_error(e, what()))?;
        tx.commit().await.map_err(|e| db_error(e, what()))?;
        Ok(done.rows_affected() > 0)
    }
}

#[async_trait]
impl NonceStore for Store {
    async fn check_and_remember(
        &self,
        key: &NonceKey,
        now: Timestamp,
        _keep_until: Timestamp,
    ) -> StoreResult<NonceOutcome> {
        let (consumer, token, nonce, timestamp) = (
            &key.consumer,
            key.token.as_deref(),
            &key.nonce,
            key.timestamp,
        );
        check_nonce_key(consumer, token, nonce)?;
        if !in_window(timestamp, now, self.config.nonce_window) {
            return Ok(NonceOutcome::Replayed);
        }
        let done = query::<Db>(
            "INSERT INTO oauth_nonces (consumer, token, nonce, request_ts, seen_at, at_rest) \
             VALUES ($1, $2, $3, $4, $5, 1) ON CONFLICT DO NOTHING",
        )
        .bind(consumer)
        // The token is only part of the key: its digest (as in `oauth_tokens`).
        .bind(token.map(secret_digest).unwrap_or_default())
        .bind(nonce)
        .bind(timestamp.as_unix_millis())
        .bind(now.as_unix_millis())
        .execute(&self.pool)
        .await
        .map_err(|e| db_error(e, format!("checking a nonce of consumer {consumer}")))?;
        Ok(NonceOutcome::fresh_if(done.rows_affected() == 1))
    }

    async fn purge_older_than(&self, cutoff: Timestamp) -> StoreResult<u64> {
        let done = query::<Db>("DELETE FROM oauth_nonces WHERE request_ts < $1")
            .bind(cutoff.as_unix_millis())
            .execute(&self.pool)
            .await
            .map_err(|e| db_error(e, "purging nonces"))?;
        Ok(done.rows_affected())
    }
}
