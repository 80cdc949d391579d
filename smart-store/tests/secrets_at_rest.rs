//! Secrets at rest (issue 16): after a whole OAuth flow through the SQL directories, the
//! database holds no consumer secret, token, token secret or verifier in clear (a copy of
//! the database file, or of a PostgreSQL row, reveals none), the key is in its own 0600
//! file, and a database whose key file is missing or wrong refuses to open, naming the
//! file, instead of silently making every stored secret unreadable.

use smart_auth::nonce::{NonceKey, NonceOutcome};
use smart_auth::{AppId, Timestamp, UserId};
use smart_core::manifest::{AppManifest, AppMode};
use smart_store::at_rest::{AtRestKey, KEY_FILE, KeySource};
use smart_store::directory::{
    DirectoryStore, NewAccount, NewApp, OAuthToken, SecretPolicy, SqliteDirectory, TokenKind,
    TokenStore as _,
};
use std::time::Duration;

const APP: &str = "vault@apps.example.org";
const CONSUMER_SECRET: &str = "consumer-secret-5f1c9e";
const SESSION: &str = "session-cookie-value-77a0";
const SESSION_SECRET: &str = "session-secret-0b3d4";
const REQUEST: &str = "request-token-c81e2";
const REQUEST_SECRET: &str = "request-secret-9af03";
const VERIFIER: &str = "verifier-value-3e6d1";
const ACCESS: &str = "access-token-6b2f8";
const ACCESS_SECRET: &str = "access-secret-d40c7";
const OWNER: &str = "owner-session-token-1a9b";

/// Every value that must not be found in clear in the database.
const SECRETS: [&str; 9] = [
    CONSUMER_SECRET,
    SESSION,
    SESSION_SECRET,
    REQUEST,
    REQUEST_SECRET,
    VERIFIER,
    ACCESS,
    ACCESS_SECRET,
    OWNER,
];

fn t0() -> Timestamp {
    Timestamp::from_unix_secs(1_800_000_000)
}
fn later() -> Timestamp {
    t0().saturating_add(Duration::from_secs(3600))
}

/// A whole flow: an app registered, a login session, a request token authorized with a
/// verifier and exchanged for an access token launched from the session, a temporary app
/// owned by the session. Checks that everything reads back in clear through the store.
async fn full_flow(dir: &dyn DirectoryStore) {
    let user = UserId::new("alice@example.org").unwrap();
    let app = AppId::new(APP).unwrap();
    dir.create_account(NewAccount::new(user.as_str(), "Alice", "L"), t0())
        .await
        .unwrap();
    let manifest = AppManifest::new("Vault", "Keeps things", APP, AppMode::Ui);
    let registered = dir
        .register_app(
            NewApp::new(manifest, CONSUMER_SECRET),
            SecretPolicy::Keep,
            t0(),
        )
        .await
        .unwrap();
    assert_eq!(registered.consumer_secret, CONSUMER_SECRET);
    let temporary = format!("{}t1", AppId::TEMPORARY_PREFIX);
    let manifest = AppManifest::new("Draft", "Under development", &temporary, AppMode::Ui);
    dir.register_app(
        NewApp::new(manifest, "x").owned_by_session(OWNER),
        SecretPolicy::Keep,
        t0(),
    )
    .await
    .unwrap();

    let session = OAuthToken::new(
        SESSION,
        SESSION_SECRET,
        TokenKind::Session,
        None,
        t0(),
        later(),
    )
    .with_account(user.clone());
    dir.insert_token(session).await.unwrap();
    let mut request = OAuthToken::new(
        REQUEST,
        REQUEST_SECRET,
        TokenKind::Request,
        Some(app.clone()),
        t0(),
        later(),
    );
    request.callback = Some("https://vault.example.org/cb".into());
    dir.insert_token(request).await.unwrap();
    dir.authorize_request_token(REQUEST, &user, VERIFIER, t0())
        .await
        .unwrap();
    let pending = dir.find_token(REQUEST).await.unwrap().unwrap();
    assert_eq!(pending.secret, REQUEST_SECRET);
    assert!(pending.verifier.is_some(), "authorized");
    let exchanged = dir
        .consume_verifier(REQUEST, VERIFIER, t0())
        .await
        .unwrap()
        .expect("the verifier matches");
    assert_eq!(exchanged.token, REQUEST);
    let access = OAuthToken::new(
        ACCESS,
        ACCESS_SECRET,
        TokenKind::AccessConnect,
        Some(app.clone()),
        t0(),
        later(),
    )
    .with_account(user.clone())
    .with_parent(SESSION);
    dir.insert_token(access).await.unwrap();
    // A request signed with the access token: its nonce is remembered under the token.
    let nonce = NonceKey::new(APP, Some(ACCESS), "nonce-1", t0());
    let fresh = dir.check_and_remember(&nonce, t0(), later()).await.unwrap();
    assert_eq!(fresh, NonceOutcome::Fresh);
    let again = dir.check_and_remember(&nonce, t0(), later()).await.unwrap();
    assert_eq!(again, NonceOutcome::Replayed);

    // Everything reads back in clear through the store.
    assert_eq!(
        dir.get_app(&app).await.unwrap().unwrap().consumer_secret,
        CONSUMER_SECRET
    );
    let temp = dir
        .get_app(&AppId::new(&temporary).unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(temp.owner_session.as_deref(), Some(OWNER));
    let session = dir.get_token(SESSION, t0()).await.unwrap().unwrap();
    assert_eq!(session.secret, SESSION_SECRET);
    let access = dir.get_token(ACCESS, t0()).await.unwrap().unwrap();
    assert_eq!(
        (access.secret.as_str(), access.parent.as_deref()),
        (ACCESS_SECRET, Some(SESSION))
    );
    // A wrong verifier does not match the stored digest (and uses the token up).
    let third = format!("{REQUEST}-3");
    let t = OAuthToken::new(
        &third,
        REQUEST_SECRET,
        TokenKind::Request,
        Some(app.clone()),
        t0(),
        later(),
    );
    dir.insert_token(t).await.unwrap();
    dir.authorize_request_token(&third, &user, VERIFIER, t0())
        .await
        .unwrap();
    assert!(
        dir.consume_verifier(&third, "wrong", t0())
            .await
            .unwrap()
            .is_none()
    );
    // A second request token, left authorized in the table, so that a verifier is stored.
    let second = format!("{REQUEST}-2");
    let t = OAuthToken::new(
        &second,
        REQUEST_SECRET,
        TokenKind::Request,
        Some(app),
        t0(),
        later(),
    );
    dir.insert_token(t).await.unwrap();
    dir.authorize_request_token(&second, &user, VERIFIER, t0())
        .await
        .unwrap();
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// The database file and its write-ahead log, as a copy of them would hold.
fn raw_files(file: &std::path::Path) -> Vec<u8> {
    let mut raw = std::fs::read(file).unwrap();
    for suffix in ["-wal", "-journal"] {
        let mut name = file.as_os_str().to_owned();
        name.push(suffix);
        if let Ok(more) = std::fs::read(&name) {
            raw.extend(more);
        }
    }
    raw
}

#[tokio::test]
async fn a_sqlite_file_holds_no_secret_in_clear() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("directory.sqlite3");
    let dir = SqliteDirectory::open(&file).await.unwrap();
    full_flow(&dir).await;
    // The live files (WAL included), then the files after a clean close.
    for secret in SECRETS {
        assert!(
            !contains(&raw_files(&file), secret.as_bytes()),
            "{secret} is in the open database's files"
        );
    }
    dir.close().await;
    for secret in SECRETS {
        assert!(
            !contains(&raw_files(&file), secret.as_bytes()),
            "{secret} is in the database file"
        );
    }
    let key_file = tmp.path().join(KEY_FILE);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key_file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "the key file is private");
    }

    // Reopened with its key, everything still reads back.
    let again = SqliteDirectory::open(&file).await.unwrap();
    let access = again.get_token(ACCESS, t0()).await.unwrap().unwrap();
    assert_eq!(access.secret, ACCESS_SECRET);
    again.close().await;

    // Without the key file: refused, naming it, and no new key is made.
    let saved = std::fs::read(&key_file).unwrap();
    std::fs::remove_file(&key_file).unwrap();
    let err = SqliteDirectory::open(&file).await.unwrap_err();
    let message = err.to_string();
    assert!(
        message.contains(&key_file.display().to_string()) && message.contains("missing"),
        "{message}"
    );
    assert!(!key_file.exists(), "no key was generated over the old one");

    // With another key: refused too.
    let other = AtRestKey::generate().unwrap();
    let err = SqliteDirectory::open_with_key(&file, Default::default(), KeySource::Key(other))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("not the key"), "{err}");

    // The right key back: it opens.
    std::fs::write(&key_file, saved).unwrap();
    let back = SqliteDirectory::open(&file).await.unwrap();
    assert_eq!(
        back.get_token(SESSION, t0()).await.unwrap().unwrap().secret,
        SESSION_SECRET
    );
    back.close().await;
}

#[cfg(feature = "postgres")]
#[path = "support/postgres_db.rs"]
mod postgres_db;

#[cfg(feature = "postgres")]
#[tokio::test]
async fn a_postgres_row_holds_no_secret_in_clear() {
    use smart_store::directory::PgDirectory;
    let Some(db) = postgres_db::PgTestDb::create().await else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let dir = PgDirectory::connect(db.url(), KeySource::in_dir(tmp.path()))
        .await
        .unwrap();
    full_flow(&dir).await;
    /// A stored token's columns that could hold a secret.
    type TokenColumns = (
        String,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
    );
    let rows: Vec<TokenColumns> =
        sqlx::query_as("SELECT token, secret, verifier, parent, parent_sealed FROM oauth_tokens")
            .fetch_all(dir.pool())
            .await
            .unwrap();
    let apps: Vec<(String, Option<String>)> =
        sqlx::query_as("SELECT consumer_secret, owner_session FROM apps")
            .fetch_all(dir.pool())
            .await
            .unwrap();
    let nonces: Vec<(String,)> = sqlx::query_as("SELECT token FROM oauth_nonces")
        .fetch_all(dir.pool())
        .await
        .unwrap();
    assert_eq!((rows.len(), apps.len(), nonces.len()), (3, 2, 1));
    let mut stored = String::new();
    for (a, b, c, d, e) in rows {
        for v in [Some(a), Some(b), c, d, e].into_iter().flatten() {
            stored.push_str(&v);
            stored.push('\n');
        }
    }
    for (n,) in nonces {
        stored.push_str(&n);
    }
    for (a, b) in apps {
        stored.push_str(&a);
        stored.push_str(&b.unwrap_or_default());
    }
    for secret in SECRETS {
        assert!(!stored.contains(secret), "{secret} is in a PostgreSQL row");
    }
    dir.close().await;

    // Without its key file the database refuses to open, naming the file.
    let key_file = tmp.path().join(KEY_FILE);
    std::fs::remove_file(&key_file).unwrap();
    let err = PgDirectory::connect(db.url(), KeySource::File(key_file.clone()))
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains(&key_file.display().to_string()),
        "{err}"
    );
    db.drop_database().await;
}
