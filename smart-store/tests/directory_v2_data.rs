//! A data directory written by the code before the one-directory-model change (migrations
//! 0001 and 0002, smart-auth's account fields packed in an `auth_state` string by the former
//! translation layer) opens with today's code: migration 0003 converts it, and everything
//! reads back as it was written, through the one directory model (smart-auth's
//! `directory` traits, which the SQL backends implement directly). What the provider
//! stored is checked field by field as the provider sees it; what only the directory keeps,
//! through the same traits.
//!
//! `tests/fixtures/directory-v2.sqlite3` was produced by running a generator on that code
//! (commit b9330ed, `tests/make_v2_fixture.rs`); this test only reads a copy of it. The
//! PostgreSQL test applies the same two old migrations (byte-for-byte the same files) to a
//! fresh database, writes rows as the old code did, and lets today's code migrate them.

use smart_auth::nonce::{NonceKey, NonceOutcome};
use smart_auth::{AppId, Timestamp, UserId};
use smart_core::RecordId;
use smart_core::manifest::{AppManifest, AppMode, Scope};
use smart_store::blobs::{BlobMeta, BlobStore, SqliteBlobs};
use smart_store::directory::backend::secret_digest;
use smart_store::directory::{
    AccountState, AccountStore as _, DirectoryStore, LaunchKind, OAuthToken, Page, ResetTicket,
    Share, SqliteDirectory, TokenKind, TokenStore as _,
};
use std::sync::Arc;

fn rid(s: &str) -> RecordId {
    RecordId::new(s).unwrap()
}
fn app(s: &str) -> AppId {
    AppId::new(s).unwrap()
}
fn user(s: &str) -> UserId {
    UserId::new(s).unwrap()
}
fn t(secs: i64) -> Timestamp {
    Timestamp::from_unix_secs(secs)
}
fn ts(secs: i64) -> Timestamp {
    Timestamp::from_unix_secs(secs)
}

const MED: &str = "med-list@apps.example.org";
const CHARTS: &str = "growth-charts@apps.example.org";
const REMINDER: &str = "reminder@apps.example.org";
const CENSUS: &str = "census@apps.example.org";

fn manifests() -> Vec<(AppManifest, &'static str, bool)> {
    let mut med = AppManifest::new("Med List", "Shows medications", MED, AppMode::Ui);
    med.index = Some("https://app.example.org/index.html".into());
    med.icon = Some("https://app.example.org/icon.png".into());
    med.oauth_callback = Some("https://app.example.org/after_auth".into());
    med.scope = Some(Scope::Record);
    let mut charts = AppManifest::new("Growth Charts", "Charts", CHARTS, AppMode::FrameUi);
    charts.index = Some("https://charts.example.org/index.html?from=container".into());
    charts.scope = Some(Scope::Record);
    let reminder = AppManifest::new("Reminder", "Sends reminders", REMINDER, AppMode::Background);
    let mut census = AppManifest::new("Census", "Counts", CENSUS, AppMode::Ui);
    census.index = Some("https://census.example.org/".into());
    census.scope = Some(Scope::Container);
    vec![
        (med, "med-secret", true),
        (charts, "charts-secret", false),
        (reminder, "reminder-secret", true),
        (census, "census-secret", true),
    ]
}

/// What the provider keeps of an account, as the generator wrote it.
#[derive(Debug, PartialEq, Eq)]
struct AuthAccount {
    user: UserId,
    state: AccountState,
    admin: bool,
    limited_to: Option<RecordId>,
    password_hash: Option<String>,
    failed_logins: u32,
    locked_until: Option<Timestamp>,
    last_login: Option<Timestamp>,
}

impl AuthAccount {
    fn new(user: UserId, state: AccountState) -> Self {
        Self {
            user,
            state,
            admin: false,
            limited_to: None,
            password_hash: None,
            failed_logins: 0,
            locked_until: None,
            last_login: None,
        }
    }

    fn of(a: smart_store::directory::Account) -> Self {
        Self {
            user: a.id,
            state: a.state,
            admin: a.admin,
            limited_to: a.limited_to,
            password_hash: a.password_hash,
            failed_logins: a.failed_login_count,
            locked_until: a.locked_until,
            last_login: a.last_login_at,
        }
    }
}

/// The accounts as the generator wrote them (the provider's view).
fn accounts() -> Vec<AuthAccount> {
    let mut admin = AuthAccount::new(user("admin@example.org"), AccountState::Active);
    admin.admin = true;
    admin.password_hash = Some("$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo".into());
    admin.last_login = Some(t(1_700_000_100));
    let mut limited = AuthAccount::new(user("patient@example.org"), AccountState::Active);
    limited.limited_to = Some(rid("rec-3"));
    limited.password_hash = Some("$argon2id$v=19$m=8,t=1,p=1$c2FsdDI$aGFzaDI".into());
    limited.failed_logins = 2;
    let mut locked = AuthAccount::new(user("carol@example.org"), AccountState::Disabled);
    locked.password_hash = Some("$argon2id$v=19$m=8,t=1,p=1$c2FsdDM$aGFzaDM".into());
    locked.failed_logins = 7;
    locked.locked_until = Some(t(1_700_003_600));
    locked.last_login = Some(t(1_699_990_000));
    let fresh = AuthAccount::new(user("new@example.org"), AccountState::Uninitialized);
    let mut dora = AuthAccount::new(user("dora@example.org"), AccountState::Active);
    dora.password_hash = Some("$argon2id$v=19$m=8,t=1,p=1$c2FsdDQ$aGFzaDQ".into());
    dora.last_login = Some(t(1_700_000_020));
    vec![admin, limited, locked, fresh, dora]
}

async fn check_accounts(dir: &dyn DirectoryStore) {
    for expected in accounts() {
        let got = dir
            .get_account(&expected.user)
            .await
            .unwrap()
            .map(AuthAccount::of);
        assert_eq!(got.as_ref(), Some(&expected), "account {}", expected.user);
    }
}

fn token(name: &str, secret: &str, kind: TokenKind, issued: i64, expires: i64) -> OAuthToken {
    OAuthToken::new(name, secret, kind, None, t(issued), t(expires))
}

/// The tokens as the generator wrote them (smart-auth's view).
fn tokens() -> Vec<OAuthToken> {
    const EXP: i64 = 1_900_000_000;
    let mut session = token(
        "sess-tok",
        "sess-sec",
        TokenKind::Session,
        1_700_000_100,
        EXP,
    );
    session.account = Some(user("admin@example.org"));
    let mut open = token(
        "req-open",
        "req-open-sec",
        TokenKind::Request,
        1_700_000_200,
        EXP,
    );
    open.app = Some(app(MED));
    open.record = Some(rid("1"));
    let mut approved = token(
        "req-ok",
        "req-ok-sec",
        TokenKind::Request,
        1_700_000_200,
        EXP,
    );
    approved.app = Some(app(MED));
    approved.account = Some(user("admin@example.org"));
    approved.verifier = Some("verif-1".into());
    let mut rest = token(
        "rest-tok",
        "rest-sec",
        TokenKind::AccessRest,
        1_700_000_300,
        EXP,
    );
    rest.app = Some(app(MED));
    rest.account = Some(user("admin@example.org"));
    rest.record = Some(rid("1"));
    rest.parent = Some("sess-tok".into());
    let mut connect = token(
        "conn-tok",
        "conn-sec",
        TokenKind::AccessConnect,
        1_700_000_300,
        EXP,
    );
    connect.app = Some(app(MED));
    connect.account = Some(user("admin@example.org"));
    connect.record = Some(rid("2"));
    connect.parent = Some("sess-tok".into());
    let mut background = token(
        "bg-tok",
        "bg-sec",
        TokenKind::Background,
        1_700_000_400,
        EXP,
    );
    background.app = Some(app(REMINDER));
    background.record = Some(rid("2"));
    let mut expired = token(
        "old-sess",
        "old-sec",
        TokenKind::Session,
        1_600_000_000,
        1_600_001_800,
    );
    expired.account = Some(user("carol@example.org"));
    let mut callback = token(
        "req-cb",
        "req-cb-sec",
        TokenKind::Request,
        1_700_000_500,
        EXP,
    );
    callback.app = Some(app(CENSUS));
    // The one token model also carries the callback (the former auth view had none).
    callback = callback.with_callback("https://census.example.org/cb?x=1");
    vec![
        session, open, approved, rest, connect, background, expired, callback,
    ]
}

/// Everything the provider stored reads back as the provider reads it.
async fn check_auth_view(dir: &dyn DirectoryStore) {
    check_accounts(dir).await;
    let mut ids: Vec<AppId> = manifests().iter().map(|(m, _, _)| app(&m.id)).collect();
    ids.sort();
    let listed: Vec<AppId> = dir
        .list_apps()
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.id)
        .collect();
    assert_eq!(listed, ids);
    for (manifest, secret, enabled) in manifests() {
        let got = dir.get_app(&app(&manifest.id)).await.unwrap().unwrap();
        assert_eq!(
            (
                &got.id,
                &got.manifest,
                got.consumer_secret.as_str(),
                got.enabled
            ),
            (&app(&manifest.id), &manifest, secret, enabled)
        );
    }
    for mut expected in tokens() {
        let got = dir.find_token(&expected.token).await.unwrap();
        // A verifier is stored, and read back, as its digest: it only tells that the
        // request token is authorized (consume_verifier compares).
        expected.verifier = expected.verifier.as_deref().map(secret_digest);
        assert_eq!(got.as_ref(), Some(&expected), "token {}", expected.token);
    }
    let share = |u: &str, r: Option<&str>, a: &str, at: i64| Share {
        account: user(u),
        record: r.map(rid),
        app: app(a),
        created_at: t(at),
    };
    let shares = dir
        .list_account_shares(&user("admin@example.org"))
        .await
        .unwrap();
    assert_eq!(
        shares,
        vec![
            share("admin@example.org", None, CENSUS, 1_700_000_601),
            share("admin@example.org", Some("1"), MED, 1_700_000_600),
        ]
    );
    assert_eq!(
        dir.get_share(&user("patient@example.org"), Some(&rid("rec-3")), &app(MED))
            .await
            .unwrap(),
        Some(share(
            "patient@example.org",
            Some("rec-3"),
            MED,
            1_700_000_602
        ))
    );
    assert_eq!(dir.record_after(None).await.unwrap(), Some(rid("1")));
    assert_eq!(
        dir.record_after(Some(&rid("2"))).await.unwrap(),
        Some(rid("rec-3"))
    );
    // The reset ticket is single use.
    let ticket = dir.take_reset_ticket(&[0xab; 32]).await.unwrap();
    assert_eq!(
        ticket,
        Some(ResetTicket::new(
            [0xab; 32],
            user("new@example.org"),
            t(1_900_000_000)
        ))
    );
    assert_eq!(dir.take_reset_ticket(&[0xab; 32]).await.unwrap(), None);
    let old_name = format!("reset.{}", "ab".repeat(32));
    assert!(
        dir.find_token(&old_name).await.unwrap().is_none(),
        "no longer a token"
    );
}

/// The secrets the generator wrote in clear (consumer secrets, token strings and
/// secrets, a verifier).
const OLD_SECRETS: [&str; 9] = [
    "med-secret",
    "charts-secret",
    "sess-tok",
    "sess-sec",
    "rest-tok",
    "rest-sec",
    "conn-sec",
    "req-ok-sec",
    "verif-1",
];

/// The database file and its write-ahead log, as a copy of them would hold.
fn raw_database(file: &std::path::Path) -> Vec<u8> {
    let mut raw = std::fs::read(file).unwrap();
    if let Ok(wal) = std::fs::read(file.with_extension("sqlite3-wal")) {
        raw.extend(wal);
    }
    raw
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// After the conversion the old secrets still do their job: the verifier exchanges its
/// request token once, and the session's children are still found by their parent.
async fn check_secrets_still_work(dir: &dyn DirectoryStore) {
    let now = t(1_800_000_000);
    assert!(
        dir.consume_verifier("req-ok", "verif-1", now)
            .await
            .unwrap()
            .is_some()
    );
    assert!(dir.find_token("req-ok").await.unwrap().is_none(), "used up");
    let session = dir.get_token("sess-tok", now).await.unwrap().unwrap();
    assert_eq!(session.kind, TokenKind::Session);
    assert_eq!(dir.revoke_child_tokens("sess-tok").await.unwrap(), 2);
    assert!(dir.find_token("conn-tok").await.unwrap().is_none());
}

/// What only the directory keeps reads back through the directory's traits.
async fn check_directory_view(dir: &dyn DirectoryStore) {
    let admin = dir
        .get_account(&user("admin@example.org"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (admin.given_name.as_str(), admin.family_name.as_str()),
        ("Ada", "Admin")
    );
    assert_eq!(
        (admin.department.as_str(), admin.role.as_str()),
        ("IT", "administrator")
    );
    assert_eq!(admin.total_login_count, 1);
    assert_eq!(admin.last_login_at, Some(ts(1_700_000_100)));
    assert_eq!(admin.updated_at, ts(1_700_000_050));
    let dora = dir
        .get_account(&user("dora@example.org"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(dora.email, "Dora@Example.org");
    assert_eq!(
        (dora.given_name.as_str(), dora.family_name.as_str()),
        ("Dora", "Directory")
    );
    assert_eq!(dora.created_at, ts(1_700_000_010));
    assert_eq!((dora.total_login_count, dora.failed_login_count), (1, 0));
    assert!(!dora.admin);
    let carol = dir
        .get_account(&user("carol@example.org"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(carol.locked_until, Some(ts(1_700_003_600)));
    assert_eq!(
        carol.total_login_count, 0,
        "a copied last login was never counted"
    );

    let admin_id = user("admin@example.org");
    let patient = user("patient@example.org");
    assert!(!dir.is_app_enabled(&admin_id, &app(CENSUS)).await.unwrap());
    assert!(dir.is_app_enabled(&patient, &app(MED)).await.unwrap());
    assert!(!dir.get_app(&app(CHARTS)).await.unwrap().unwrap().enabled);

    let cb = dir
        .get_token("req-cb", ts(1_700_000_600))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(cb.kind, TokenKind::Request);
    assert_eq!(
        cb.callback.as_deref(),
        Some("https://census.example.org/cb?x=1")
    );
    assert!(
        dir.get_token("old-sess", ts(1_700_000_600))
            .await
            .unwrap()
            .is_none()
    );

    let prefs = dir
        .get_preferences(&admin_id, &app(MED))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(prefs.content_type, "application/json");
    assert_eq!(prefs.data, br#"{"sort":"name"}"#);
    assert_eq!(prefs.updated_at, ts(1_700_000_700));
    let pad = dir
        .get_scratchpad(&rid("1"), &app(MED))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (pad.content_type.as_str(), pad.data.as_slice()),
        ("text/plain", &b"remember the milk"[..])
    );
    let pad = dir
        .get_scratchpad(&rid("2"), &app(REMINDER))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(pad.data, [0, 1, 2, 254, 255]);
    assert_eq!(pad.updated_at, ts(1_700_000_702));

    let records = dir.list_records(Page::first(10)).await.unwrap().items;
    let labels: Vec<(&str, &str)> = records
        .iter()
        .map(|r| (r.id.as_str(), r.label.as_str()))
        .collect();
    assert_eq!(
        labels,
        [("1", "Amy Shaw"), ("2", "Bob Odenkirk"), ("rec-3", "")]
    );

    let launches = dir.recent_launches(None, 10).await.unwrap();
    assert_eq!(launches.len(), 2);
    assert_eq!(launches[0].kind, LaunchKind::Background);
    assert_eq!(launches[1].account.as_ref(), Some(&admin_id));
    assert_eq!(launches[1].record.as_ref(), Some(&rid("1")));

    // The nonce seen before the upgrade is still a replay.
    let key = NonceKey::new(MED, Some("rest-tok"), "n-1", ts(1_700_000_900));
    let replay = dir
        .check_and_remember(&key, ts(1_700_000_900), ts(1_700_000_900))
        .await
        .unwrap();
    assert_eq!(replay, NonceOutcome::Replayed);
}

#[tokio::test]
async fn a_sqlite_directory_written_before_the_change_reads_back_identically() {
    let fixture = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/directory-v2.sqlite3"
    );
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("directory.sqlite3");
    std::fs::copy(fixture, &file).unwrap();

    let dir = Arc::new(SqliteDirectory::open(&file).await.unwrap());
    check_directory_view(dir.as_ref()).await;
    let blobs = SqliteBlobs::new(&dir);
    let (meta, bytes) = blobs.get(&rid("1"), "scan.pdf").await.unwrap().unwrap();
    assert_eq!(
        meta,
        BlobMeta::of("scan.pdf", "application/pdf", b"%PDF-1.4 fixture")
    );
    assert_eq!(bytes, b"%PDF-1.4 fixture");
    assert_eq!(
        blobs.list(&rid("2")).await.unwrap(),
        vec![BlobMeta::of(
            "photo.jpg",
            "image/jpeg",
            &[0xff, 0xd8, 0xff, 0xe0]
        )]
    );
    check_auth_view(dir.as_ref()).await;
    check_secrets_still_work(dir.as_ref()).await;
    dir.close().await;

    // The plaintext secrets were sealed or hashed in place (migration 0009 and the
    // conversion at open): the file no longer holds them, and the key file is private.
    let raw = raw_database(&file);
    for secret in OLD_SECRETS {
        assert!(
            !contains(&raw, secret.as_bytes()),
            "{secret} is still in the database file"
        );
    }
    let key_file = tmp.path().join(smart_store::at_rest::KEY_FILE);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key_file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    // Opening again runs no migration twice and changes nothing.
    let again = SqliteDirectory::open(&file).await.unwrap();
    let admin = again
        .get_account(&user("admin@example.org"))
        .await
        .unwrap()
        .unwrap();
    assert!(admin.admin);
    again.close().await;
}

#[cfg(feature = "postgres")]
#[path = "support/postgres_db.rs"]
mod postgres_db;

/// The same conversion on PostgreSQL: the two old migrations (the very files, so that their
/// checksums are the ones a deployed database holds), the account rows exactly as the old
/// code wrote them, then today's `PgDirectory`.
#[cfg(feature = "postgres")]
#[tokio::test]
async fn a_postgres_directory_written_before_the_change_reads_back_identically() {
    use smart_store::at_rest::{AtRestKey, KeySource};
    use smart_store::directory::PgDirectory;
    let Some(db) = postgres_db::PgTestDb::create().await else {
        return;
    };
    let old = tempfile::tempdir().unwrap();
    for file in ["0001_directory.sql", "0002_auth_adapter.sql"] {
        let from = format!("{}/migrations/postgres/{file}", env!("CARGO_MANIFEST_DIR"));
        std::fs::copy(from, old.path().join(file)).unwrap();
    }
    let pool = sqlx::PgPool::connect(db.url()).await.unwrap();
    sqlx::migrate::Migrator::new(old.path())
        .await
        .unwrap()
        .run(&pool)
        .await
        .unwrap();
    let hash = |s: &str| format!("'$argon2id$v=19$m=8,t=1,p=1${s}'");
    let rows = [
        (
            "admin@example.org",
            "active",
            hash("c2FsdHNhbHQ$aGFzaGhhc2hoYXNo"),
            "0",
            "1700000100000",
            "1",
            "'v1;admin=1;failed=0;locked=-;last=1700000100;limited=-'",
        ),
        (
            "patient@example.org",
            "active",
            hash("c2FsdDI$aGFzaDI"),
            "0",
            "NULL",
            "0",
            "'v1;admin=0;failed=2;locked=-;last=-;limited=rec-3'",
        ),
        (
            "carol@example.org",
            "disabled",
            hash("c2FsdDM$aGFzaDM"),
            "0",
            "NULL",
            "0",
            "'v1;admin=0;failed=7;locked=1700003600;last=1699990000;limited=-'",
        ),
        (
            "new@example.org",
            "uninitialized",
            "NULL".to_owned(),
            "0",
            "NULL",
            "0",
            "'v1;admin=0;failed=0;locked=-;last=-;limited=-'",
        ),
        (
            "dora@example.org",
            "active",
            hash("c2FsdDQ$aGFzaDQ"),
            "0",
            "1700000020000",
            "1",
            "NULL",
        ),
    ];
    for (id, state, hash, failed, last, total, auth_state) in rows {
        let sql = format!(
            "INSERT INTO accounts (id, email, given_name, given_key, family_name, family_key, \
             department, role, password_hash, state, failed_login_count, total_login_count, \
             last_login_at, created_at, updated_at, auth_state) VALUES ('{id}', '{id}', '', '', \
             '', '', '', '', {hash}, '{state}', {failed}, {total}, {last}, 1700000000000, \
             1700000000000, {auth_state})"
        );
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
            .execute(&pool)
            .await
            .unwrap();
    }
    let ticket = format!("reset.{}", "ab".repeat(32));
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "INSERT INTO oauth_tokens (token, secret, kind, account_id, created_at, expires_at) \
         VALUES ('{ticket}', '-', 'password_reset', 'new@example.org', 0, 1900000000000)"
    )))
    .execute(&pool)
    .await
    .unwrap();
    pool.close().await;

    let key = AtRestKey::generate().unwrap();
    let dir = Arc::new(
        PgDirectory::connect(db.url(), KeySource::Key(key.clone()))
            .await
            .unwrap(),
    );
    check_accounts(dir.as_ref()).await;
    let dora = dir
        .get_account(&user("dora@example.org"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!((dora.total_login_count, dora.failed_login_count), (1, 0));
    assert_eq!(
        dir.take_reset_ticket(&[0xab; 32]).await.unwrap(),
        Some(ResetTicket::new(
            [0xab; 32],
            user("new@example.org"),
            t(1_900_000_000)
        ))
    );
    assert!(
        dir.find_token(&ticket).await.unwrap().is_none(),
        "no longer a token"
    );
    dir.close().await;
    // Connecting again runs nothing twice.
    let again = PgDirectory::connect(db.url(), KeySource::Key(key))
        .await
        .unwrap();
    assert!(
        again
            .get_account(&user("admin@example.org"))
            .await
            .unwrap()
            .unwrap()
            .admin
    );
    again.close().await;
    db.drop_database().await;
}
