//! The directory: everything relational about a container, defined once for the whole
//! workspace.
//!
//! [`DirectoryStore`] is the union of small role traits, each usable on its own (the
//! [`Provider`](crate::Provider) takes the ones it needs through
//! [`Stores`](crate::Stores)): [`AccountStore`], [`AppStore`] (with per-account
//! enablement), [`TokenStore`], [`ShareStore`], [`NonceStore`], [`AppDataStore`]
//! (scratchpads and preferences), [`RecordRegistry`], [`AuditLog`] (launches),
//! [`AccessLog`] (every record API call) and [`SharedLinkStore`]. Every method takes
//! `&self`, the traits are object-safe, and a store is shared as `Arc<dyn DirectoryStore>`.
//! There is one record type per concept ([`Account`], [`App`], [`OAuthToken`] with one
//! [`TokenKind`], [`Share`], [`ResetTicket`]) and one time type ([`Timestamp`],
//! milliseconds), used by the provider and every backend alike: nothing is translated
//! between two models.
//!
//! The app data, the record registry and the launch audit live here too although the
//! provider uses little of them: the directory is one relational model whose deletions
//! cascade across concepts (deleting an app removes its tokens, shares, enablement,
//! scratchpads and preferences), so its one in-memory backend and its one conformance
//! suite cover all of it.
//!
//! Backends, all with the same semantics (one conformance suite runs on each):
//!
//! - [`MemoryDirectory`] (here): maps behind a lock, for tests and single-process demos;
//! - smart-store's `SqliteDirectory` (feature `sqlite`): a file in WAL mode with foreign
//!   keys on, or an in-memory database;
//! - smart-store's `PgDirectory` (feature `postgres`): PostgreSQL, for several server
//!   processes.
//!
//! The SQL backends run their embedded migrations when they open (`migrations/sqlite`,
//! `migrations/postgres` in smart-store), and smart-store's `conformance::check_directory`
//! runs the shared suite on any backend, a vendor's own included. The checks in
//! [`backend`] are what every backend applies to its input.
//!
//! ```
//! use smart_auth::directory::*;
//! use std::sync::Arc;
//! use std::time::Duration;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), smart_auth::StorageError> {
//! let store: Arc<dyn DirectoryStore> = Arc::new(MemoryDirectory::new());
//! let now = Timestamp::now();
//! let alice = store
//!     .create_account(NewAccount::new("Alice@Example.org", "Alice", "Liddell"), now)
//!     .await?;
//! assert_eq!(alice.id.as_str(), "alice@example.org");
//!
//! // A role trait on its own, e.g. for code that only needs tokens.
//! let tokens: &dyn TokenStore = store.as_ref();
//! let session = OAuthToken::new("tok", "secret", TokenKind::Session, None, now,
//!                               now.saturating_add(Duration::from_secs(1800)))
//!     .with_account(alice.id.clone());
//! tokens.insert_token(session).await?;
//! assert!(tokens.get_token("tok", now).await?.is_some());
//! let later = now.saturating_add(Duration::from_secs(1800));
//! assert!(tokens.get_token("tok", later).await?.is_none(), "expired at its expiry time");
//! # Ok(())
//! # }
//! ```
//!
//! # Tables
//!
//! | table | key | holds |
//! | --- | --- | --- |
//! | `accounts` | `id` (lower-cased e-mail) | profile, password hash (PHC string), state, login counters; lower-cased name keys for search |
//! | `apps` | `id` (manifest id = consumer key) | manifest JSON, consumer secret (sealed), mode, `enabled_by_default`, owner session (sealed) |
//! | `account_apps` | (`account_id`, `app_id`) | a user's own on/off choice for an app |
//! | `password_resets` | `digest` (hex SHA-256 of the code) | account, `expires_at` |
//! | `oauth_tokens` | `token` (hex SHA-256 of the token) | secret (sealed), kind, app, account, record, verifier (hex SHA-256), callback, `created_at`, `expires_at`, parent (hex SHA-256, and sealed) |
//! | `shares` | (`account_id`, `record_id`, `app_id`) | approvals; `record_id` is `''` for container scope |
//! | `oauth_nonces` | (`consumer`, `token`, `nonce`, `request_ts`) | nonces seen inside the window |
//! | `scratchpads` | (`record_id`, `app_id`) | body, MIME type, `updated_at` |
//! | `preferences` | (`account_id`, `app_id`) | body, MIME type, `updated_at` |
//! | `records` | `id` | label |
//! | `launch_audit` | sequence number | time, account, app, record, kind |
//! | `access_log` | sequence number | time, account, app, record, call, result |
//! | `shared_links` | `digest` (SHA-256 of the link token) | owner, app, record, PIN hash, `expires_at`, revoked, PIN failures and lock |
//! | `documents` | (`record_id`, `file_name`) | document blobs (smart-store's `blobs`) |
//!
//! Tokens, shares, enablement, scratchpads and preferences refer to their app (and
//! account) with `ON DELETE CASCADE`, so deleting an app or account removes what belongs
//! to it in one statement. Records are referred to by id only: the clinical store owns
//! records, and [`RecordRegistry::delete_record`] removes what is bound to one explicitly.
//! Registering an app again is an upsert of its own row: nothing that refers to it is
//! touched, and its consumer secret is kept unless the caller asks to rotate it.
//!
//! Secrets: the store keeps password hashes computed by the caller (PHC strings), never
//! passwords. Callers pass and get back consumer secrets, token strings, token secrets
//! and verifiers in clear; how a backend keeps them is its own business. The SQL backends
//! of smart-store keep nothing usable in the database (smart-store's `at_rest`): what is
//! only compared or looked up (token strings, parents, verifiers) is stored as its
//! [`backend::secret_digest`], and what must be read back (consumer and token secrets,
//! HMAC keys that signing needs in clear) is sealed with a key kept outside the database.
//! A token read back from such a backend therefore carries its verifier as that digest
//! (it only tells that the token is authorized; [`TokenStore::consume_verifier`] compares).
//! [`MemoryDirectory`] keeps them as given: nothing of it outlives the process. Verifiers
//! are compared in constant time, and token values never appear in error messages.
//!
//! Timestamps are milliseconds since the Unix epoch ([`Timestamp`]), stored as 64-bit
//! integers. No method reads the clock: the current time is an argument.
//!
//! # Why every token has an expiry
//!
//! The original container stored expiry times but never checked them, and nothing ran its
//! cleanup, so every token lived for ever. Here `expires_at` is required (and must be after
//! `created_at`), every lookup compares it with the caller's `now` (a token is valid
//! strictly before `expires_at`), and [`TokenStore::cleanup_expired`] only reclaims space.
//! Request tokens are consumed when exchanged; revocation by token, app, account or grant
//! deletes the rows.
//!
//! # Keeping the tables small
//!
//! Nothing grows without bound if a periodic job calls [`TokenStore::cleanup_expired`]
//! (every token expires, including abandoned request tokens),
//! [`NonceStore::purge_older_than`] with `now - window`, and
//! [`AuditLog::purge_launches_before`] and [`AccessLog::purge_access_before`] with the
//! audit retention. Lookups never depend on
//! these jobs having run.
//!
//! # Nonces across several server processes
//!
//! The replay guard is the primary key of `oauth_nonces`: [`NonceStore::check_and_remember`]
//! is one `INSERT … ON CONFLICT DO NOTHING`, and the nonce is fresh exactly when a row was
//! inserted. Every process of a deployment that points at the same PostgreSQL database
//! therefore shares one nonce cache, and two processes receiving the same request at once
//! cannot both accept it. Requests whose timestamp is outside the window are refused
//! without being stored, so the table holds at most one window's worth of nonces once
//! [`NonceStore::purge_older_than`] runs regularly with `now - window`. [`MemoryDirectory`]
//! guards one process only.

mod access;
mod accounts;
mod app_data;
mod apps;
mod links;
mod memory;
mod nonces;
mod records;
mod shares;
mod tokens;
mod types;

pub use crate::nonce::NonceStore;
pub use access::{AccessEntry, AccessLog, AccessQuery, AccessResult};
pub use accounts::{
    Account, AccountQuery, AccountState, AccountStore, AccountUpdate, NewAccount, ResetTicket,
};
pub use app_data::{AppData, AppDataStore};
pub use apps::{App, AppStore, NewApp, SecretPolicy};
pub use links::{SharedLink, SharedLinkStore, check_shared_link, parse_link_id};
pub use memory::MemoryDirectory;
pub use records::{AuditLog, LaunchEvent, LaunchKind, RecordEntry, RecordRegistry};
pub use shares::{Share, ShareStore};
pub use tokens::{OAuthToken, TokenKind, TokenStore};
pub use types::{AppId, DirectoryConfig, Page, Paged, Timestamp, UserId};

use crate::error::StorageError as StoreError;
type StoreResult<T> = Result<T, StoreError>;

/// What every backend applies in the same way: the input checks and the errors for the
/// usual refusals. The memory backend here and the SQL backends of smart-store use them,
/// and so can a vendor's own backend, so that all of them refuse the same input with the
/// same [`StorageErrorKind`](crate::error::StorageErrorKind).
pub mod backend {
    pub use super::accounts::{account_exists, account_not_found};
    pub use super::app_data::{check_app_data, preferences_name, scratchpad_name};
    pub use super::apps::app_not_found;
    pub use super::nonces::{check_nonce_key, in_window};
    pub use super::records::check_label;
    pub use super::tokens::{authorize_refusal, token_exists};
    pub use super::types::{
        check_content_type, check_opaque, check_text, constant_time_eq, search_key, secret_digest,
        sha256,
    };
}

/// Everything relational a container stores: the union of the role traits, implemented by
/// every type that implements them all.
pub trait DirectoryStore:
    AccountStore
    + AppStore
    + TokenStore
    + ShareStore
    + NonceStore
    + AppDataStore
    + RecordRegistry
    + AuditLog
    + AccessLog
    + SharedLinkStore
{
}

impl<T> DirectoryStore for T where
    T: AccountStore
        + AppStore
        + TokenStore
        + ShareStore
        + NonceStore
        + AppDataStore
        + RecordRegistry
        + AuditLog
        + AccessLog
        + SharedLinkStore
        + ?Sized
{
}

fn _object_safe(_: &dyn DirectoryStore) {}
