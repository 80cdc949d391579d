//! Writes `tests/fixtures/directory-v2.sqlite3`: a data directory as the code before the
//! directory unification (migrations 0001 and 0002, the auth adapter's `auth_state` string)
//! leaves it. Run once, on that code: `FIXTURE_OUT=... cargo test -p smart-store
//! --features sqlite --test make_v2_fixture -- --ignored`.

use smart_auth::store as auth;
use smart_auth::store::{AccountStore as _, AppStore as _, ShareStore as _, TokenStore as _};
use smart_auth::{AppId, Secret, UnixTime, UserId};
use smart_core::RecordId;
use smart_core::manifest::{AppManifest, AppMode, Scope};
use smart_store::auth_adapter::AuthDirectory;
use smart_store::blobs::{BlobStore, SqliteBlobs};
use smart_store::directory::{
    AccountId, AccountUpdate, AppDataStore, AppStore, AuditLog, LaunchEvent, LaunchKind,
    NonceStore, RecordRegistry, SqliteDirectory, Timestamp,
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
fn t(secs: u64) -> UnixTime {
    UnixTime::from_secs(secs)
}
fn ts(secs: i64) -> Timestamp {
    Timestamp::from_unix_secs(secs)
}

#[tokio::test]
#[ignore = "writes the fixture; run once on the pre-unification code"]
async fn write_fixture() {
    let out = std::env::var("FIXTURE_OUT").expect("FIXTURE_OUT");
    let _ = std::fs::remove_file(&out);
    let dir = Arc::new(SqliteDirectory::open(&out).await.unwrap());
    let a = AuthDirectory::new(dir.clone());

    // Records.
    for (id, label) in [("1", "Amy Shaw"), ("2", "Bob Odenkirk"), ("rec-3", "")] {
        dir.upsert_record(&rid(id), label, ts(1_700_000_000)).await.unwrap();
    }

    // Apps: a UI app, a frame app (disabled), a background app, a container-scope app.
    let mut med = AppManifest::new("Med List", "Shows medications", "med-list@apps.example.org", AppMode::Ui);
    med.index = Some("https://app.example.org/index.html".into());
    med.icon = Some("https://app.example.org/icon.png".into());
    med.oauth_callback = Some("https://app.example.org/after_auth".into());
    med.scope = Some(Scope::Record);
    let mut charts = AppManifest::new("Growth Charts", "Charts", "growth-charts@apps.example.org", AppMode::FrameUi);
    charts.index = Some("https://charts.example.org/index.html?from=container".into());
    charts.scope = Some(Scope::Record);
    let reminder = AppManifest::new("Reminder", "Sends reminders", "reminder@apps.example.org", AppMode::Background);
    let mut census = AppManifest::new("Census", "Counts", "census@apps.example.org", AppMode::Ui);
    census.index = Some("https://census.example.org/".into());
    census.scope = Some(Scope::Container);
    a.insert_app(auth::AppRecord::new(app("med-list@apps.example.org"), med, Secret::new("med-secret"))).await.unwrap();
    let mut c = auth::AppRecord::new(app("growth-charts@apps.example.org"), charts, Secret::new("charts-secret"));
    c.enabled = false;
    a.insert_app(c).await.unwrap();
    a.insert_app(auth::AppRecord::new(app("reminder@apps.example.org"), reminder, Secret::new("reminder-secret"))).await.unwrap();
    a.insert_app(auth::AppRecord::new(app("census@apps.example.org"), census, Secret::new("census-secret"))).await.unwrap();

    // Accounts: an active administrator with history, a limited account, a disabled
    // account with a lockout, an uninitialized account, and one created by the directory
    // alone (no auth_state at all).
    let mut admin = auth::Account::new(user("admin@example.org"), auth::AccountState::Active);
    admin.admin = true;
    admin.password_hash = Some("$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo".into());
    a.insert_account(admin.clone()).await.unwrap();
    admin.last_login = Some(t(1_700_000_100));
    a.update_account(admin).await.unwrap();
    smart_store::directory::AccountStore::update_account(dir.as_ref(),
        &AccountId::new("admin@example.org").unwrap(),
        AccountUpdate::default().names("Ada", "Admin").department("IT").role("administrator"),
        ts(1_700_000_050),
    )
    .await
    .unwrap();

    let mut limited = auth::Account::new(user("patient@example.org"), auth::AccountState::Active);
    limited.limited_to = Some(rid("rec-3"));
    limited.password_hash = Some("$argon2id$v=19$m=8,t=1,p=1$c2FsdDI$aGFzaDI".into());
    limited.failed_logins = 2;
    a.insert_account(limited).await.unwrap();

    let mut locked = auth::Account::new(user("carol@example.org"), auth::AccountState::Disabled);
    locked.password_hash = Some("$argon2id$v=19$m=8,t=1,p=1$c2FsdDM$aGFzaDM".into());
    locked.failed_logins = 7;
    locked.locked_until = Some(t(1_700_003_600));
    locked.last_login = Some(t(1_699_990_000));
    a.insert_account(locked).await.unwrap();

    a.insert_account(auth::Account::new(user("new@example.org"), auth::AccountState::Uninitialized)).await.unwrap();

    let plain = smart_store::directory::NewAccount::new("Dora@Example.org", "Dora", "Directory")
        .with_state(smart_store::directory::AccountState::Active)
        .with_password_hash("$argon2id$v=19$m=8,t=1,p=1$c2FsdDQ$aGFzaDQ");
    smart_store::directory::AccountStore::create_account(dir.as_ref(), plain, ts(1_700_000_010)).await.unwrap();
    smart_store::directory::AccountStore::record_login_success(dir.as_ref(), &AccountId::new("dora@example.org").unwrap(), ts(1_700_000_020)).await.unwrap();

    // Per-account enablement.
    dir.set_app_enabled(&AccountId::new("admin@example.org").unwrap(), &app_d("census@apps.example.org"), false, ts(1_700_000_030)).await.unwrap();
    dir.set_app_enabled(&AccountId::new("patient@example.org").unwrap(), &app_d("med-list@apps.example.org"), true, ts(1_700_000_030)).await.unwrap();

    // Tokens of every kind.
    let exp = t(1_900_000_000);
    let mut session = auth::TokenRecord::new("sess-tok".into(), Secret::new("sess-sec"), auth::TokenKind::Session, t(1_700_000_100), exp);
    session.user = Some(user("admin@example.org"));
    a.insert_token(session).await.unwrap();

    let mut request = auth::TokenRecord::new("req-open".into(), Secret::new("req-open-sec"), auth::TokenKind::Request, t(1_700_000_200), exp);
    request.app = Some(app("med-list@apps.example.org"));
    request.record = Some(rid("1"));
    a.insert_token(request).await.unwrap();

    let mut approved = auth::TokenRecord::new("req-ok".into(), Secret::new("req-ok-sec"), auth::TokenKind::Request, t(1_700_000_200), exp);
    approved.app = Some(app("med-list@apps.example.org"));
    a.insert_token(approved.clone()).await.unwrap();
    approved.user = Some(user("admin@example.org"));
    approved.verifier = Some(Secret::new("verif-1"));
    assert!(a.update_token(approved).await.unwrap());

    let mut rest = auth::TokenRecord::new("rest-tok".into(), Secret::new("rest-sec"), auth::TokenKind::Rest, t(1_700_000_300), exp);
    rest.app = Some(app("med-list@apps.example.org"));
    rest.user = Some(user("admin@example.org"));
    rest.record = Some(rid("1"));
    rest.parent = Some("sess-tok".into());
    a.insert_token(rest).await.unwrap();

    let mut connect = auth::TokenRecord::new("conn-tok".into(), Secret::new("conn-sec"), auth::TokenKind::Connect, t(1_700_000_300), exp);
    connect.app = Some(app("med-list@apps.example.org"));
    connect.user = Some(user("admin@example.org"));
    connect.record = Some(rid("2"));
    connect.parent = Some("sess-tok".into());
    a.insert_token(connect).await.unwrap();

    let mut background = auth::TokenRecord::new("bg-tok".into(), Secret::new("bg-sec"), auth::TokenKind::Background, t(1_700_000_400), exp);
    background.app = Some(app("reminder@apps.example.org"));
    background.record = Some(rid("2"));
    a.insert_token(background).await.unwrap();

    let mut expired = auth::TokenRecord::new("old-sess".into(), Secret::new("old-sec"), auth::TokenKind::Session, t(1_600_000_000), t(1_600_001_800));
    expired.user = Some(user("carol@example.org"));
    a.insert_token(expired).await.unwrap();

    a.put_reset_ticket(auth::ResetTicket::new([0xab; 32], user("new@example.org"), t(1_900_000_000))).await.unwrap();

    // A request token with a callback, written by the directory alone.
    let cb = smart_store::directory::OAuthToken::new("req-cb", "req-cb-sec", smart_store::directory::TokenKind::Request, Some(app_d("census@apps.example.org")), ts(1_700_000_500), ts(1_900_000_000))
        .with_callback("https://census.example.org/cb?x=1");
    smart_store::directory::TokenStore::insert_token(dir.as_ref(), cb).await.unwrap();

    // Shares: record scope and container scope.
    a.put_share(auth::Share::new(user("admin@example.org"), Some(rid("1")), app("med-list@apps.example.org"), t(1_700_000_600))).await.unwrap();
    a.put_share(auth::Share::new(user("admin@example.org"), None, app("census@apps.example.org"), t(1_700_000_601))).await.unwrap();
    a.put_share(auth::Share::new(user("patient@example.org"), Some(rid("rec-3")), app("med-list@apps.example.org"), t(1_700_000_602))).await.unwrap();

    // Preferences and scratchpads.
    dir.put_preferences(&AccountId::new("admin@example.org").unwrap(), &app_d("med-list@apps.example.org"), "application/json", br#"{"sort":"name"}"#, ts(1_700_000_700)).await.unwrap();
    dir.put_scratchpad(&rid("1"), &app_d("med-list@apps.example.org"), "text/plain", b"remember the milk", ts(1_700_000_701)).await.unwrap();
    dir.put_scratchpad(&rid("2"), &app_d("reminder@apps.example.org"), "application/octet-stream", &[0, 1, 2, 254, 255], ts(1_700_000_702)).await.unwrap();

    // Launch audit and nonces.
    dir.append_launch(&LaunchEvent::new(ts(1_700_000_800), Some(AccountId::new("admin@example.org").unwrap()), app_d("med-list@apps.example.org"), Some(rid("1")), LaunchKind::Connect)).await.unwrap();
    dir.append_launch(&LaunchEvent::new(ts(1_700_000_801), None, app_d("reminder@apps.example.org"), Some(rid("2")), LaunchKind::Background)).await.unwrap();
    assert!(dir.check_and_insert("med-list@apps.example.org", Some("rest-tok"), "n-1", ts(1_700_000_900), ts(1_700_000_900)).await.unwrap());

    // Documents.
    let blobs = SqliteBlobs::new(&dir);
    blobs.put(&rid("1"), "scan.pdf", "application/pdf", b"%PDF-1.4 fixture").await.unwrap();
    blobs.put(&rid("2"), "photo.jpg", "image/jpeg", &[0xff, 0xd8, 0xff, 0xe0]).await.unwrap();
    drop(blobs);
    drop(a);
    dir.close().await;
}

fn app_d(s: &str) -> smart_store::directory::AppId {
    smart_store::directory::AppId::new(s).unwrap()
}
