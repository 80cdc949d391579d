//! Secrets at rest for one SQL backend (included by `sqlite.rs` and `postgres.rs` like
//! `impl_directory.rs`).
//!
//! Per column, decided by what reads it (see also SECURITY.md):
//!
//! - `oauth_tokens.token`: hex SHA-256 of the token string, for every kind (request,
//!   access, SMART Connect, session, background). Every method that reads a token is
//!   given its string (nothing lists tokens), so the string is never needed back: a copy
//!   of the database holds no usable session cookie or token. `parent` (a session's
//!   token) is hashed the same way, since revoking a session's children looks it up.
//! - `oauth_nonces.token` (the token a request was signed with): hex SHA-256, like the
//!   token itself; the nonce table only tells whether a key was seen.
//! - `oauth_tokens.verifier`: hex SHA-256; `TokenStore::consume_verifier` compares
//!   digests in constant time. Read back, a token's `verifier` is that digest: it only
//!   tells that the token is authorized.
//! - `oauth_tokens.secret`, `apps.consumer_secret`: HMAC keys, sealed with the
//!   `AtRestKey` (the context names the column and the row).
//! - `oauth_tokens.parent_sealed`, `apps.owner_session`: a session token the provider
//!   compares with the caller's, so read back: sealed.
//!
//! Rows written before migration 0009 (`at_rest = 0`) are converted when the store opens,
//! all in one transaction.

use super::{Db, Store};
use crate::at_rest::{AtRestKey, KeySource};
use crate::directory::backend::secret_digest;
use crate::directory::sql::db_error;
use crate::directory::{App, OAuthToken};
use crate::error::{StoreError, StoreResult};
use sqlx::{query, query_as, query_scalar};

const CHECK_CONTEXT: &str = "at_rest_check";
const CHECK_VALUE: &str = "smart-rs secrets at rest, v1";

fn consumer_context(app: &str) -> String {
    format!("apps.consumer_secret:{app}")
}
fn owner_context(app: &str) -> String {
    format!("apps.owner_session:{app}")
}
fn secret_context(digest: &str) -> String {
    format!("oauth_tokens.secret:{digest}")
}
fn parent_context(digest: &str) -> String {
    format!("oauth_tokens.parent:{digest}")
}

/// A new row's sealed and hashed columns.
pub(super) struct StoredToken {
    pub(super) token: String,
    pub(super) secret: String,
    pub(super) verifier: Option<String>,
    pub(super) parent: Option<String>,
    pub(super) parent_sealed: Option<String>,
}

impl Store {
    /// The app's consumer secret and owner session sealed for its row.
    pub(super) fn seal_app(
        &self,
        app: &str,
        secret: &str,
        owner: Option<&str>,
    ) -> StoreResult<(String, Option<String>)> {
        let key = &self.at_rest;
        Ok((
            key.seal(secret, &consumer_context(app))?,
            owner
                .map(|o| key.seal(o, &owner_context(app)))
                .transpose()?,
        ))
    }

    /// Opens what `Store::seal_app` sealed, in an app read from its row.
    pub(super) fn open_app(&self, mut app: App) -> StoreResult<App> {
        let id = app.id.as_str().to_owned();
        app.consumer_secret = self
            .at_rest
            .open(&app.consumer_secret, &consumer_context(&id))?;
        app.owner_session = app
            .owner_session
            .map(|o| self.at_rest.open(&o, &owner_context(&id)))
            .transpose()?;
        Ok(app)
    }

    /// The stored columns of a new token.
    pub(super) fn seal_token(&self, t: &OAuthToken) -> StoreResult<StoredToken> {
        let token = secret_digest(&t.token);
        Ok(StoredToken {
            secret: self.at_rest.seal(&t.secret, &secret_context(&token))?,
            verifier: t.verifier.as_deref().map(secret_digest),
            parent: t.parent.as_deref().map(secret_digest),
            parent_sealed: t
                .parent
                .as_deref()
                .map(|p| self.at_rest.seal(p, &parent_context(&token)))
                .transpose()?,
            token,
        })
    }

    /// A token read from its row (whose `parent` the row conversion took from
    /// `parent_sealed`), given the token string it was looked up by.
    pub(super) fn open_token(&self, mut t: OAuthToken, token: &str) -> StoreResult<OAuthToken> {
        let digest = std::mem::replace(&mut t.token, token.to_owned());
        t.secret = self.at_rest.open(&t.secret, &secret_context(&digest))?;
        t.parent = t
            .parent
            .map(|p| self.at_rest.open(&p, &parent_context(&digest)))
            .transpose()?;
        Ok(t)
    }

    /// Checks the key against the database and converts the rows written before migration
    /// 0009, in one transaction. Returns the key the store seals with.
    pub(super) async fn prepare_at_rest(
        pool: &sqlx::Pool<Db>,
        source: KeySource,
        name: &str,
    ) -> StoreResult<AtRestKey> {
        let check = |pool| async move {
            query_scalar::<Db, String>("SELECT sealed FROM at_rest_check WHERE id = 1")
                .fetch_optional(pool)
                .await
                .map_err(|e| db_error(e, format!("{name}: reading the secrets key check")))
        };
        let sealed_check = check(pool).await?;
        let (key, key_name) = match source {
            KeySource::Key(key) => (key, "the given secrets key".to_owned()),
            KeySource::File(path) => {
                let key_name = format!("the secrets key file {}", path.display());
                match AtRestKey::load(&path)? {
                    Some(key) => (key, key_name),
                    None if sealed_check.is_some() => {
                        return Err(StoreError::invalid(format!(
                            "{name}: {key_name} is missing, and the consumer and token \
                             secrets in this database are sealed with it: restore it from \
                             the backup of the data directory (a new key would make every \
                             stored secret unreadable)"
                        )));
                    }
                    // Another server starting at the same time may have just made it.
                    None => match AtRestKey::create(&path) {
                        Ok(key) => (key, key_name),
                        Err(e) => (AtRestKey::load(&path)?.ok_or(e)?, key_name),
                    },
                }
            }
        };
        let mut tx = pool
            .begin()
            .await
            .map_err(|e| db_error(e, format!("{name}: converting secrets at rest")))?;
        if sealed_check.is_none() {
            // Several servers may open one PostgreSQL database at once: the first check
            // stored wins, and the others verify their key against it below.
            query::<Db>(
                "INSERT INTO at_rest_check (id, sealed) VALUES (1, $1) \
                 ON CONFLICT (id) DO NOTHING",
            )
            .bind(key.seal(CHECK_VALUE, CHECK_CONTEXT)?)
            .execute(&mut *tx)
            .await
            .map_err(|e| db_error(e, format!("{name}: storing the secrets key check")))?;
        }
        let stored = query_scalar::<Db, String>("SELECT sealed FROM at_rest_check WHERE id = 1")
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| db_error(e, format!("{name}: reading the secrets key check")))?;
        if key.open(&stored, CHECK_CONTEXT).ok().as_deref() != Some(CHECK_VALUE) {
            return Err(StoreError::invalid(format!(
                "{name}: {key_name} is not the key this database's secrets are sealed with"
            )));
        }
        let apps = query_as::<Db, (String, String, Option<String>)>(
            "SELECT id, consumer_secret, owner_session FROM apps WHERE at_rest = 0",
        )
        .fetch_all(&mut *tx)
        .await
        .map_err(|e| db_error(e, format!("{name}: reading apps to convert")))?;
        for (id, secret, owner) in apps {
            let seal = |v: &str, ctx: String| key.seal(v, &ctx);
            query::<Db>(
                "UPDATE apps SET consumer_secret = $2, owner_session = $3, at_rest = 1 \
                 WHERE id = $1",
            )
            .bind(&id)
            .bind(seal(&secret, consumer_context(&id))?)
            .bind(
                owner
                    .as_deref()
                    .map(|o| seal(o, owner_context(&id)))
                    .transpose()?,
            )
            .execute(&mut *tx)
            .await
            .map_err(|e| db_error(e, format!("{name}: converting app {id}")))?;
        }
        let tokens = query_as::<Db, (String, String, Option<String>, Option<String>)>(
            "SELECT token, secret, verifier, parent FROM oauth_tokens WHERE at_rest = 0",
        )
        .fetch_all(&mut *tx)
        .await
        .map_err(|e| db_error(e, format!("{name}: reading tokens to convert")))?;
        for (token, secret, verifier, parent) in tokens {
            let digest = secret_digest(&token);
            query::<Db>(
                "UPDATE oauth_tokens SET token = $2, secret = $3, verifier = $4, parent = $5, \
                 parent_sealed = $6, at_rest = 1 WHERE token = $1",
            )
            .bind(&token)
            .bind(&digest)
            .bind(key.seal(&secret, &secret_context(&digest))?)
            .bind(verifier.as_deref().map(secret_digest))
            .bind(parent.as_deref().map(secret_digest))
            .bind(
                parent
                    .as_deref()
                    .map(|p| key.seal(p, &parent_context(&digest)))
                    .transpose()?,
            )
            .execute(&mut *tx)
            .await
            .map_err(|e| db_error(e, format!("{name}: converting a token")))?;
        }
        let nonces = query_as::<Db, (String, String, String, i64)>(
            "SELECT consumer, token, nonce, request_ts FROM oauth_nonces \
             WHERE at_rest = 0 AND token <> ''",
        )
        .fetch_all(&mut *tx)
        .await
        .map_err(|e| db_error(e, format!("{name}: reading nonces to convert")))?;
        for (consumer, token, nonce, request_ts) in nonces {
            query::<Db>(
                "UPDATE oauth_nonces SET token = $5, at_rest = 1 \
                 WHERE consumer = $1 AND token = $2 AND nonce = $3 AND request_ts = $4",
            )
            .bind(&consumer)
            .bind(&token)
            .bind(&nonce)
            .bind(request_ts)
            .bind(secret_digest(&token))
            .execute(&mut *tx)
            .await
            .map_err(|e| db_error(e, format!("{name}: converting a nonce")))?;
        }
        query::<Db>("UPDATE oauth_nonces SET at_rest = 1 WHERE at_rest = 0")
            .execute(&mut *tx)
            .await
            .map_err(|e| db_error(e, format!("{name}: converting nonces")))?;
        tx.commit()
            .await
            .map_err(|e| db_error(e, format!("{name}: converting secrets at rest")))?;
        Ok(key)
    }
}

/// Whether `verifier` is the one stored (as its digest), in constant time.
pub(super) fn verifier_matches(stored: Option<&str>, verifier: &str) -> bool {
    stored.is_some_and(|v| crate::directory::backend::constant_time_eq(v, &secret_digest(verifier)))
}
