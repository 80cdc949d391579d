//! The directory conformance suite: every test is written once, against
//! `&dyn DirectoryStore`, and [`conformance!`] instantiates all of them for a backend.

pub(crate) mod harness;
#[cfg(feature = "postgres")]
pub(crate) mod postgres_db;

pub(crate) mod accounts;
pub(crate) mod app_data;
pub(crate) mod apps;
pub(crate) mod nonces;
pub(crate) mod records;
pub(crate) mod shares;
pub(crate) mod tokens;

use smart_core::ids::RecordId;
use smart_core::manifest::AppManifest;
use smart_store::directory::{
    Account, App, AppId, DirectoryStore, NewAccount, NewApp, SecretPolicy, Timestamp, UserId,
};
use smart_store::{ErrorKind, StoreResult};

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

/// Defines one `#[tokio::test]` per suite test, each on a fresh store of `$backend`.
macro_rules! conformance {
    ($backend:expr) => {
        conformance!(@tests $backend;
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
        );
    };
    (@tests $backend:expr; $($module:ident :: $name:ident),* $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                use futures::FutureExt;
                $crate::directory_suite::harness::run($backend, |h| {
                    $crate::directory_suite::$module::$name(h).boxed()
                })
                .await;
            }
        )*
    };
}

pub(crate) use conformance;
