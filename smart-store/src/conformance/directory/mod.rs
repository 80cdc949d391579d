//! The directory conformance suite: cases written once against `dyn DirectoryStore`, for
//! any backend, ours or a vendor's (feature `conformance`).
//!
//! Every case gets a fresh, empty directory. Two ways to run the suite:
//! - [`check_directory`]: the whole suite in one call from a plain `#[test]`, given a
//!   function that makes a fresh directory (or [`check_directory_instances`] for a
//!   backend that can be restarted over the same data and must be cleaned up);
//! - [`directory_conformance!`](crate::directory_conformance): one `#[test]` per case, so
//!   a failure shows by name in the test list (what our backends use).
//!
//! ```no_run
//! use smart_store::directory::{DirectoryStore, MemoryDirectory};
//! use std::sync::Arc;
//!
//! // In a vendor's tests, with its own directory in place of the in-memory one:
//! smart_store::conformance::check_directory(|| async {
//!     Arc::new(MemoryDirectory::new()) as Arc<dyn DirectoryStore>
//! });
//! ```

mod access;
mod accounts;
mod app_data;
mod apps;
mod links;
mod nonces;
mod records;
mod shares;
mod tokens;

use crate::directory::{
    Account, App, AppId, DirectoryStore, NewAccount, NewApp, SecretPolicy, Timestamp, UserId,
};
use crate::{ErrorKind, StoreResult};
use async_trait::async_trait;
use futures::FutureExt as _;
use futures::future::BoxFuture;
use smart_auth::nonce::{NonceKey, NonceOutcome};
use smart_core::ids::RecordId;
use smart_core::manifest::AppManifest;
use std::future::Future;
use std::sync::Arc;

/// One directory under test: the store, and how to restart it over the same data and to
/// dispose of it. A plain `Arc<dyn DirectoryStore>` is an instance that cannot restart
/// (its `reopen` keeps it, as for an in-memory store) and needs no clean-up.
#[async_trait]
pub trait DirectoryInstance: Send + Sync {
    /// The store as it is now.
    fn store(&self) -> Arc<dyn DirectoryStore>;

    /// Closes the store and opens the same data again, as after a restart (the default
    /// keeps the store: nothing to restart).
    async fn reopen(&mut self) {}

    /// Closes the store and removes its data (the default does nothing).
    async fn finish(self: Box<Self>) {}
}

#[async_trait]
impl DirectoryInstance for Arc<dyn DirectoryStore> {
    fn store(&self) -> Arc<dyn DirectoryStore> {
        Arc::clone(self)
    }
}

/// What a case works on: the directory under test.
pub struct Harness {
    instance: Box<dyn DirectoryInstance>,
    store: Arc<dyn DirectoryStore>,
}

impl Harness {
    fn new(instance: Box<dyn DirectoryInstance>) -> Self {
        let store = instance.store();
        Self { instance, store }
    }

    /// The store.
    pub(crate) fn store(&self) -> &dyn DirectoryStore {
        self.store.as_ref()
    }

    /// The store, for tasks of their own.
    pub(crate) fn shared(&self) -> Arc<dyn DirectoryStore> {
        Arc::clone(&self.store)
    }

    /// Restarts the store over the same data, so that a case reads back what a fresh
    /// process would see.
    pub(crate) async fn reopen(&mut self) {
        self.instance.reopen().await;
        self.store = self.instance.store();
    }
}

impl std::fmt::Debug for Harness {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Harness").finish_non_exhaustive()
    }
}

type CaseFn = for<'h> fn(&'h mut Harness) -> BoxFuture<'h, ()>;

macro_rules! cases {
    ($($module:ident :: $name:ident),* $(,)?) => {
        /// Every case of the directory suite by name, in order.
        pub const DIRECTORY_CASES: &[&str] = &[$(stringify!($name)),*];

        fn case(name: &str) -> Option<CaseFn> {
            match name {
                $(stringify!($name) => Some(|h| $module::$name(h).boxed()),)*
                _ => None,
            }
        }
    };
}

cases!(
    accounts::create_and_get_keep_every_field,
    accounts::ids_are_unique_case_insensitively,
    accounts::update_changes_only_what_is_given,
    accounts::search_by_name_prefix_pages_in_order,
    accounts::login_bookkeeping_and_lockout,
    accounts::concurrent_failed_logins_are_all_counted,
    accounts::delete_cascades_to_what_the_account_owns,
    accounts::malformed_input_is_invalid,
    accounts::reset_tickets_are_single_use_and_one_per_account,
    apps::register_and_read_back,
    apps::reregistration_keeps_secret_and_data,
    apps::delete_cascades_to_what_the_app_owns,
    apps::enablement_overrides_the_default,
    apps::temporary_apps_keep_their_owner,
    tokens::insert_get_and_uniqueness,
    tokens::expiry_is_enforced_at_every_lookup,
    tokens::request_token_authorize_and_exchange,
    tokens::verifier_is_single_use_under_concurrency,
    tokens::revocation_by_token_app_account_and_grant,
    tokens::auth_additions,
    shares::grant_is_idempotent_and_listed_in_order,
    shares::revoking_a_share_revokes_its_tokens,
    nonces::same_nonce_twice_is_refused,
    nonces::window_and_purge,
    nonces::concurrent_duplicates_accept_exactly_one,
    app_data::scratchpad_keeps_bytes_and_mime_type,
    app_data::preferences_per_user_and_app,
    app_data::size_limit_and_content_type_are_enforced,
    records::registry_upsert_list_and_delete,
    records::deleting_a_record_removes_what_is_bound_to_it,
    records::launch_audit_newest_first_and_purge,
    records::everything_survives_a_reopen,
    access::access_log_filters_pages_and_purges,
    links::links_are_stored_by_digest_and_listed_newest_first,
    links::only_the_owner_revokes_a_link,
    links::wrong_pins_lock_the_link,
    links::concurrent_wrong_pins_are_all_counted,
    links::links_go_with_their_owner_app_or_record,
);

/// Runs the case `name` (one of [`DIRECTORY_CASES`]) on a fresh instance from `open`, and
/// disposes of the instance also when the case panics; the panic then goes on. `open`
/// answers `None` to skip (a backend not configured on this machine). Call it from an
/// async test on a multi-threaded runtime (the concurrency cases need two workers).
///
/// # Panics
///
/// If the case fails, or if there is no case of that name.
pub async fn run_directory_case<F, Fut>(name: &str, open: F)
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = Option<Box<dyn DirectoryInstance>>>,
{
    let run = case(name).unwrap_or_else(|| panic!("no directory conformance case {name}"));
    let Some(instance) = open().await else {
        return;
    };
    let mut harness = Harness::new(instance);
    let outcome = std::panic::AssertUnwindSafe(run(&mut harness))
        .catch_unwind()
        .await;
    harness.instance.finish().await;
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

/// The whole directory suite in one call, for a backend that can be restarted and must
/// be cleaned up: every case on a fresh instance from `open` (`None`: skip the suite), on
/// a fresh multi-threaded runtime. Panics, naming each failed case, unless all pass. Call
/// it from a plain `#[test]`, not from inside a runtime.
pub fn check_directory_instances<F, Fut>(open: F)
where
    F: Fn() -> Fut,
    Fut: Future<Output = Option<Box<dyn DirectoryInstance>>>,
{
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime for the conformance suite");
    let mut failed = Vec::new();
    runtime.block_on(async {
        for name in DIRECTORY_CASES {
            let outcome = std::panic::AssertUnwindSafe(run_directory_case(name, &open))
                .catch_unwind()
                .await;
            if let Err(payload) = outcome {
                failed.push(format!(
                    "\n- {name}: {}",
                    super::panic_message(payload.as_ref())
                ));
            }
        }
    });
    assert!(
        failed.is_empty(),
        "{} of {} directory conformance cases failed:{}",
        failed.len(),
        DIRECTORY_CASES.len(),
        failed.concat()
    );
}

/// The whole directory suite in one call: every case on a fresh, empty directory made by
/// `make`, which is never restarted (see [`check_directory_instances`] for that). Panics,
/// naming each failed case, unless all pass. Call it from a plain `#[test]`.
pub fn check_directory<F, Fut>(make: F)
where
    F: Fn() -> Fut,
    Fut: Future<Output = Arc<dyn DirectoryStore>>,
{
    check_directory_instances(|| {
        let made = make();
        async move { Some(Box::new(made.await) as Box<dyn DirectoryInstance>) }
    });
}

/// Instantiates every directory conformance case as a `#[tokio::test]`: the argument is
/// an async function (or closure) returning `Option<Box<dyn DirectoryInstance>>`, called
/// once per test for a fresh instance.
#[macro_export]
macro_rules! directory_conformance {
    ($open:expr) => {
        $crate::directory_conformance!(@tests $open;
            create_and_get_keep_every_field,
            ids_are_unique_case_insensitively,
            update_changes_only_what_is_given,
            search_by_name_prefix_pages_in_order,
            login_bookkeeping_and_lockout,
            concurrent_failed_logins_are_all_counted,
            delete_cascades_to_what_the_account_owns,
            malformed_input_is_invalid,
            reset_tickets_are_single_use_and_one_per_account,
            register_and_read_back,
            reregistration_keeps_secret_and_data,
            delete_cascades_to_what_the_app_owns,
            enablement_overrides_the_default,
            temporary_apps_keep_their_owner,
            insert_get_and_uniqueness,
            expiry_is_enforced_at_every_lookup,
            request_token_authorize_and_exchange,
            verifier_is_single_use_under_concurrency,
            revocation_by_token_app_account_and_grant,
            auth_additions,
            grant_is_idempotent_and_listed_in_order,
            revoking_a_share_revokes_its_tokens,
            same_nonce_twice_is_refused,
            window_and_purge,
            concurrent_duplicates_accept_exactly_one,
            scratchpad_keeps_bytes_and_mime_type,
            preferences_per_user_and_app,
            size_limit_and_content_type_are_enforced,
            registry_upsert_list_and_delete,
            deleting_a_record_removes_what_is_bound_to_it,
            launch_audit_newest_first_and_purge,
            everything_survives_a_reopen,
            access_log_filters_pages_and_purges,
            links_are_stored_by_digest_and_listed_newest_first,
            only_the_owner_revokes_a_link,
            wrong_pins_lock_the_link,
            concurrent_wrong_pins_are_all_counted,
            links_go_with_their_owner_app_or_record,
        );
    };
    (@tests $open:expr; $($name:ident),* $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                $crate::conformance::run_directory_case(stringify!($name), $open).await;
            }
        )*
    };
}

// ---- helpers shared by the cases

/// The suite's "now": a fixed time, so every expiry is deterministic.
pub(crate) const T0: Timestamp = Timestamp::from_unix_millis(1_700_000_000_000);

/// `T0` plus `secs` seconds.
pub(crate) fn at(secs: i64) -> Timestamp {
    Timestamp::from_unix_millis(T0.as_unix_millis() + secs * 1000)
}

pub(crate) fn record(id: &str) -> RecordId {
    RecordId::new(id).expect("valid record id")
}

pub(crate) fn account_id(email: &str) -> UserId {
    UserId::new(email).expect("valid account id")
}

pub(crate) fn app_id(id: &str) -> AppId {
    AppId::new(id).expect("valid app id")
}

/// A manifest with most optional fields, so that its round trip is meaningful.
pub(crate) fn manifest(id: &str, description: &str) -> AppManifest {
    let json = format!(
        r#"{{"name": "App {id}", "description": "{description}", "id": "{id}",
            "mode": "ui", "author": "Zoë Ångström", "version": "1.2",
            "index": "https://apps.example.org/{id}/", "icon": "https://apps.example.org/i.png",
            "oauth_callback": "https://apps.example.org/cb", "smart_version": "0.6",
            "requires": {{"http://smartplatforms.org/terms#Medication": {{"methods": ["GET"]}}}},
            "supportedBrowserEnvironments": ["desktop", "tablet"]}}"#
    );
    AppManifest::from_json(&json).expect("test manifest parses")
}

pub(crate) async fn make_account(store: &dyn DirectoryStore, email: &str) -> Account {
    store
        .create_account(NewAccount::new(email, "Given", "Family"), T0)
        .await
        .expect("create account")
}

pub(crate) async fn make_app(store: &dyn DirectoryStore, id: &str) -> App {
    store
        .register_app(
            NewApp::new(manifest(id, "first"), format!("secret-{id}")),
            SecretPolicy::Keep,
            T0,
        )
        .await
        .expect("register app")
}

/// Asserts that `result` failed with `kind`, and that the message mentions `mentions`.
pub(crate) fn assert_error<T: std::fmt::Debug>(
    result: StoreResult<T>,
    kind: ErrorKind,
    mentions: &str,
) {
    let err = result.expect_err("expected an error");
    assert_eq!(err.kind(), kind, "unexpected kind for error: {err}");
    assert!(
        err.to_string().contains(mentions),
        "error {err:?} does not mention {mentions:?}"
    );
}

/// The nonce check as a yes/no answer: `true` if the directory accepted the nonce as
/// fresh (and now remembers it).
#[async_trait]
pub(crate) trait NonceCheck {
    async fn check_and_insert(
        &self,
        consumer: &str,
        token: Option<&str>,
        nonce: &str,
        timestamp: Timestamp,
        now: Timestamp,
    ) -> StoreResult<bool>;
}

#[async_trait]
impl<T: smart_auth::nonce::NonceStore + ?Sized> NonceCheck for T {
    async fn check_and_insert(
        &self,
        consumer: &str,
        token: Option<&str>,
        nonce: &str,
        timestamp: Timestamp,
        now: Timestamp,
    ) -> StoreResult<bool> {
        let key = NonceKey::new(consumer, token, nonce, timestamp);
        let outcome = self.check_and_remember(&key, now, timestamp).await?;
        Ok(outcome == NonceOutcome::Fresh)
    }
}
