//! smart-auth's end-to-end flows on the directory backends themselves (no adapter between
//! them: the provider's stores are the directory), over the in-memory directory and over
//! SQLite: the 3-legged flow, launch credentials, background tokens, logout, nonce
//! replay (shared by two nodes), login lockout and single-use password resets.

use smart_auth::oauth::{HeaderSigner, Request, SignatureMethod, VerifierConfig};
use smart_auth::password::PasswordConfig;
use smart_auth::provider::RecordCursor;
use smart_auth::{
    AccessKind, AppId, AuthError, AuthErrorKind, Authenticated, Clock, MachineCredential,
    ManualClock, OsRandom, Principal, Provider, ProviderConfig, Secret, Stores, Timestamp, UserId,
};
use smart_core::RecordId;
use smart_core::manifest::{AppManifest, AppMode, Scope};
use smart_store::directory::{DirectoryStore, MemoryDirectory, SqliteDirectory};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

const API: &str = "https://ehr.example.org/api";
const FORM: &str = "application/x-www-form-urlencoded";
const T0: i64 = 1_700_000_000;
const UI_SECRET: &str = "ui-secret-0123456789abcdef0123456789";
const ADMIN_SECRET: &str = "admin-secret-0123456789abcdef012345";

fn rid(s: &str) -> RecordId {
    RecordId::new(s).unwrap()
}
fn app_id(s: &str) -> AppId {
    AppId::new(s).unwrap()
}
fn user(s: &str) -> UserId {
    UserId::new(s).unwrap()
}

/// A consumer key and secret, and optionally a token and secret.
#[derive(Debug, Clone)]
struct Creds {
    key: String,
    secret: Secret,
    token: Option<(String, Secret)>,
}

impl Creds {
    fn new(key: &str, secret: &str) -> Self {
        Self {
            key: key.into(),
            secret: Secret::new(secret),
            token: None,
        }
    }

    fn with_token(&self, token: &str, secret: &str) -> Self {
        Self {
            token: Some((token.into(), Secret::new(secret))),
            ..self.clone()
        }
    }
}

/// A signed request as it goes over the wire.
#[derive(Debug, Clone)]
struct Wire {
    method: String,
    target: String,
    header: String,
    body: String,
}

impl Wire {
    fn request(&self) -> Request<'_> {
        let r = Request::new(&self.method, &self.target).with_authorization(&self.header);
        if self.body.is_empty() {
            r
        } else {
            r.with_body(Some(FORM), self.body.as_bytes())
        }
    }
}

#[derive(Debug, Clone, Copy, Default)]
struct Extra<'a> {
    callback: Option<&'a str>,
    verifier: Option<&'a str>,
}

fn config() -> ProviderConfig {
    ProviderConfig::builder(
        VerifierConfig::builder(API).unwrap().build().unwrap(),
        MachineCredential::new("ui", Secret::new(UI_SECRET)).unwrap(),
    )
    .admin_credential(MachineCredential::new("admin", Secret::new(ADMIN_SECRET)).unwrap())
    .passwords(
        PasswordConfig::builder()
            .argon2(8, 1, 1)
            .throttle(5, Duration::from_secs(60), Duration::from_secs(3600))
            .build()
            .unwrap(),
    )
    .build()
    .unwrap()
}

/// A provider whose stores are `dir` (its nonce table too), with records 1, 2 and 3.
struct World {
    provider: Provider,
    dir: Arc<dyn DirectoryStore>,
    clock: Arc<ManualClock>,
    ui: Creds,
    admin: Creds,
    nonce: AtomicU64,
}

impl World {
    async fn new(dir: Arc<dyn DirectoryStore>) -> Self {
        for r in ["1", "2", "3"] {
            dir.upsert_record(&rid(r), "", Timestamp::EPOCH)
                .await
                .unwrap();
        }
        let clock = Arc::new(ManualClock::new(Timestamp::from_unix_secs(T0)));
        let provider = Self::node(&dir, &clock);
        clock.advance(Duration::from_secs(1000));
        Self {
            provider,
            dir,
            clock,
            ui: Creds::new("ui", UI_SECRET),
            admin: Creds::new("admin", ADMIN_SECRET),
            nonce: AtomicU64::new(0),
        }
    }

    /// Another provider (node) on the same directory.
    fn node(dir: &Arc<dyn DirectoryStore>, clock: &Arc<ManualClock>) -> Provider {
        Provider::new(
            config(),
            Stores::from_shared_directory(dir.clone(), dir.clone()),
            clock.clone(),
            Arc::new(OsRandom::new()),
        )
    }

    async fn memory() -> Self {
        Self::new(Arc::new(MemoryDirectory::new())).await
    }

    async fn sqlite() -> Self {
        Self::new(Arc::new(SqliteDirectory::in_memory().await.unwrap())).await
    }

    fn now(&self) -> i64 {
        self.clock.now().as_unix_secs()
    }

    fn advance(&self, secs: u64) {
        self.clock.advance(Duration::from_secs(secs));
    }

    /// Signs a request. `path` may carry a query; `form` goes in a form body.
    fn wire(
        &self,
        c: &Creds,
        method: &str,
        path: &str,
        form: &[(&str, &str)],
        x: Extra<'_>,
    ) -> Wire {
        let body = form
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("&");
        let nonce = format!("nonce{}", self.nonce.fetch_add(1, Ordering::SeqCst));
        let mut signer = HeaderSigner::new(SignatureMethod::HmacSha1, &c.key, &c.secret)
            .nonce(&nonce)
            .timestamp(self.clock.now());
        if let Some((t, s)) = &c.token {
            signer = signer.token(t, s);
        }
        if let Some(cb) = x.callback {
            signer = signer.callback(cb);
        }
        if let Some(v) = x.verifier {
            signer = signer.verifier(v);
        }
        let header = signer
            .sign(
                method,
                &format!("{API}{path}"),
                (!body.is_empty()).then_some(body.as_bytes()),
            )
            .unwrap();
        Wire {
            method: method.into(),
            target: path.into(),
            header,
            body,
        }
    }

    async fn authenticate(&self, w: &Wire) -> Result<Authenticated, AuthError> {
        self.provider
            .authenticate(&w.request())
            .await
            .map(|a| a.expect("signed"))
    }

    async fn send(
        &self,
        c: &Creds,
        method: &str,
        path: &str,
        form: &[(&str, &str)],
        x: Extra<'_>,
    ) -> Result<Authenticated, AuthError> {
        let w = self.wire(c, method, path, form, x);
        self.authenticate(&w).await
    }

    async fn get(&self, c: &Creds, path: &str) -> Result<Authenticated, AuthError> {
        self.send(c, "GET", path, &[], Extra::default()).await
    }

    async fn register(&self, manifest: AppManifest) -> Creds {
        let admin = self.get(&self.admin, "/admin").await.unwrap();
        let creds = self.provider.register_app(&admin, manifest).await.unwrap();
        Creds::new(creds.consumer_key.as_str(), creds.consumer_secret.expose())
    }

    async fn account(&self, email: &str, password: &str) {
        let admin = self.get(&self.admin, "/admin").await.unwrap();
        self.provider
            .create_account(&admin, email, Some(password), false)
            .await
            .unwrap();
    }

    async fn login(&self, email: &str, password: &str) -> Result<Creds, AuthError> {
        let ui = self.get(&self.ui, "/login").await.unwrap();
        let g = self.provider.login(&ui, email, password).await?;
        Ok(self.ui.with_token(&g.token, g.secret.expose()))
    }
}

fn ui_app(id: &str) -> AppManifest {
    let mut m = AppManifest::new("Med List", "Shows medications", id, AppMode::Ui);
    m.index = Some("https://app.example.org/index.html".into());
    m.icon = Some("https://app.example.org/icon.png".into());
    m.oauth_callback = Some("https://app.example.org/after_auth".into());
    m.scope = Some(Scope::Record);
    m
}

fn frame_app(id: &str) -> AppManifest {
    let mut m = AppManifest::new("Growth Charts", "Charts", id, AppMode::FrameUi);
    m.index = Some("https://charts.example.org/index.html?from=container".into());
    m.icon = Some("https://charts.example.org/icon.png".into());
    m.scope = Some(Scope::Record);
    m
}

fn background_app(id: &str) -> AppManifest {
    AppManifest::new("Reminder", "Sends reminders", id, AppMode::Background)
}

/// Runs one flow on both backends.
macro_rules! on_both {
    ($memory:ident, $sqlite:ident, $flow:ident) => {
        #[tokio::test]
        async fn $memory() {
            $flow(World::memory().await).await;
        }

        #[tokio::test]
        async fn $sqlite() {
            $flow(World::sqlite().await).await;
        }
    };
}

async fn three_legged(w: World) {
    let app = w.register(ui_app("med-list@apps.example.org")).await;
    w.account("alice@example.org", "alice password").await;
    let session = w
        .login("alice@example.org", "alice password")
        .await
        .unwrap();

    let who = w
        .send(
            &app,
            "POST",
            "/oauth/request_token",
            &[("smart_record_id", "1")],
            Extra {
                callback: Some("oob"),
                ..Extra::default()
            },
        )
        .await
        .unwrap();
    assert!(matches!(who.principal(), Principal::App { .. }));
    let temp = w.provider.request_token(&who).await.unwrap();

    let s = w.get(&session, "/oauth/authorize").await.unwrap();
    let info = w
        .provider
        .authorization_request(&s, &temp.token)
        .await
        .unwrap();
    assert_eq!(info.record, Some(rid("1")));
    assert!(!info.remembered);
    let approval = w
        .provider
        .approve(&s, &temp.token, smart_auth::provider::Remember::Yes)
        .await
        .unwrap();
    assert_eq!(
        w.provider
            .approve(&s, &temp.token, smart_auth::provider::Remember::Yes)
            .await
            .unwrap_err()
            .kind(),
        AuthErrorKind::Conflict
    );

    let rt = app.with_token(&temp.token, temp.secret.expose());
    let exchange = |verifier: &str| {
        w.wire(
            &rt,
            "POST",
            "/oauth/access_token",
            &[],
            Extra {
                verifier: Some(verifier),
                ..Extra::default()
            },
        )
    };
    let who = w
        .authenticate(&exchange(approval.verifier.expose()))
        .await
        .unwrap();
    assert!(matches!(who.principal(), Principal::RequestToken { .. }));
    let access = w.provider.access_token(&who).await.unwrap();
    assert_eq!(access.record, Some(rid("1")));
    assert_eq!(access.user, user("alice@example.org"));

    // The verifier works once.
    assert!(matches!(
        w.authenticate(&exchange(approval.verifier.expose())).await,
        Err(AuthError::UnknownToken)
    ));

    // The access token acts for alice on record 1.
    let at = app.with_token(&access.token, access.secret.expose());
    match w
        .get(&at, "/records/1/medications/")
        .await
        .unwrap()
        .principal()
    {
        Principal::Token {
            access: AccessKind::Rest,
            record,
            user: u,
            ..
        } => {
            assert_eq!(record, &Some(rid("1")));
            assert_eq!(u, &Some(user("alice@example.org")));
        }
        other => panic!("{other:?}"),
    }

    // The approval is remembered (a share in the directory).
    let who = w
        .send(
            &app,
            "POST",
            "/oauth/request_token",
            &[("smart_record_id", "1")],
            Extra {
                callback: Some("oob"),
                ..Extra::default()
            },
        )
        .await
        .unwrap();
    let temp2 = w.provider.request_token(&who).await.unwrap();
    let s = w.get(&session, "/oauth/authorize").await.unwrap();
    assert!(
        w.provider
            .approve_if_remembered(&s, &temp2.token)
            .await
            .unwrap()
            .is_some()
    );
}
on_both!(three_legged_memory, three_legged_sqlite, three_legged);

async fn launch(w: World) {
    let app = w.register(frame_app("charts@apps.example.org")).await;
    w.account("carol@example.org", "carol password").await;
    let session = w
        .login("carol@example.org", "carol password")
        .await
        .unwrap();
    let s = w.get(&session, "/launch").await.unwrap();
    let launch = w
        .provider
        .launch(
            &s,
            &user("carol@example.org"),
            &app_id("charts@apps.example.org"),
            Some(rid("2")),
        )
        .await
        .unwrap();

    let connect =
        w.ui.with_token(&launch.connect_token, launch.connect_secret.expose());
    match w
        .get(&connect, "/records/2/vital_sign_sets/")
        .await
        .unwrap()
        .principal()
    {
        Principal::Token {
            access: AccessKind::Connect,
            app: a,
            record,
            ..
        } => {
            assert_eq!(a.as_str(), "charts@apps.example.org");
            assert_eq!(record, &Some(rid("2")));
        }
        other => panic!("{other:?}"),
    }
    let rest = app.with_token(&launch.rest_token, launch.rest_secret.expose());
    assert!(matches!(
        w.get(&rest, "/records/2/problems/")
            .await
            .unwrap()
            .principal(),
        Principal::Token {
            access: AccessKind::Rest,
            ..
        }
    ));
    // Used with the wrong consumer, tokens are unknown.
    let wrong =
        w.ui.with_token(&launch.rest_token, launch.rest_secret.expose());
    assert!(matches!(
        w.get(&wrong, "/records/2/problems/").await,
        Err(AuthError::UnknownToken)
    ));
}
on_both!(launch_memory, launch_sqlite, launch);

async fn background(w: World) {
    let bg = w.register(background_app("bg@apps.example.org")).await;
    let me = app_id("bg@apps.example.org");
    let who = w
        .get(&bg, "/apps/bg@apps.example.org/tokens/records/first")
        .await
        .unwrap();
    let first = w
        .provider
        .background_token(&who, &me, RecordCursor::First)
        .await
        .unwrap();
    assert_eq!(first.record, rid("1"));
    let next = w
        .provider
        .background_token(&who, &me, RecordCursor::After(rid("1")))
        .await
        .unwrap();
    assert_eq!(next.record, rid("2"));
    let end = w
        .provider
        .background_token(&who, &me, RecordCursor::After(rid("3")))
        .await;
    assert_eq!(end.unwrap_err().kind(), AuthErrorKind::NotFound);

    let t = bg.with_token(&first.token, first.secret.expose());
    assert!(matches!(
        w.get(&t, "/records/1/medications/")
            .await
            .unwrap()
            .principal(),
        Principal::Token {
            access: AccessKind::Background,
            user: None,
            ..
        }
    ));
    w.advance(3600);
    assert!(matches!(
        w.get(&t, "/records/1/medications/").await,
        Err(AuthError::TokenExpired)
    ));
}
on_both!(background_memory, background_sqlite, background);

async fn logout(w: World) {
    let app = w.register(frame_app("charts@apps.example.org")).await;
    w.account("erin@example.org", "erin password").await;
    let session = w.login("erin@example.org", "erin password").await.unwrap();
    let other = w.login("erin@example.org", "erin password").await.unwrap();
    let s = w.get(&session, "/launch").await.unwrap();
    let launch = w
        .provider
        .launch(
            &s,
            &user("erin@example.org"),
            &app_id("charts@apps.example.org"),
            Some(rid("1")),
        )
        .await
        .unwrap();
    let connect =
        w.ui.with_token(&launch.connect_token, launch.connect_secret.expose());
    let rest = app.with_token(&launch.rest_token, launch.rest_secret.expose());
    assert!(w.get(&connect, "/records/1/problems/").await.is_ok());
    assert!(w.get(&rest, "/records/1/problems/").await.is_ok());

    let s = w.get(&session, "/logout").await.unwrap();
    w.provider.logout(&s).await.unwrap();
    for c in [&session, &connect, &rest] {
        assert!(matches!(
            w.get(c, "/records/1/problems/").await,
            Err(AuthError::UnknownToken)
        ));
    }
    // The user's other session is untouched.
    assert!(w.get(&other, "/x").await.is_ok());
}
on_both!(logout_memory, logout_sqlite, logout);

async fn nonce_replay(w: World) {
    let app = w.register(ui_app("med-list@apps.example.org")).await;
    let wire = w.wire(&app, "GET", "/apps/x", &[], Extra::default());
    assert!(w.authenticate(&wire).await.is_ok());
    assert!(matches!(
        w.authenticate(&wire).await,
        Err(AuthError::Replay)
    ));
    // Another node on the same directory shares the nonce table.
    let node = World::node(&w.dir, &w.clock);
    let replay = node.authenticate(&wire.request()).await;
    assert!(matches!(replay, Err(AuthError::Replay)), "{replay:?}");
    // A fresh nonce is fine on either.
    let fresh = w.wire(&app, "GET", "/apps/x", &[], Extra::default());
    assert!(node.authenticate(&fresh.request()).await.is_ok());
}
on_both!(nonce_replay_memory, nonce_replay_sqlite, nonce_replay);

async fn lockout_and_reset(w: World) {
    w.account("frank@example.org", "frank password").await;
    for _ in 0..5 {
        assert!(matches!(
            w.login("frank@example.org", "wrong password").await,
            Err(AuthError::InvalidCredentials)
        ));
    }
    // Locked: even the right password gets the answer of a wrong one.
    assert!(matches!(
        w.login("frank@example.org", "frank password").await,
        Err(AuthError::InvalidCredentials)
    ));
    w.advance(3600);
    assert!(w.login("frank@example.org", "frank password").await.is_ok());

    // A reset code works once, and a newer code replaces it.
    let ui = w.get(&w.ui, "/reset").await.unwrap();
    let first = w
        .provider
        .request_password_reset(&ui, "frank@example.org")
        .await
        .unwrap()
        .unwrap();
    let ui = w.get(&w.ui, "/reset").await.unwrap();
    let code = w
        .provider
        .request_password_reset(&ui, "frank@example.org")
        .await
        .unwrap()
        .unwrap();
    let ui = w.get(&w.ui, "/reset").await.unwrap();
    assert_eq!(
        w.provider
            .reset_password(&ui, first.code.expose(), "new frank password")
            .await
            .unwrap_err()
            .kind(),
        AuthErrorKind::BadRequest,
        "a second request replaced the first code"
    );
    let ui = w.get(&w.ui, "/reset").await.unwrap();
    w.provider
        .reset_password(&ui, code.code.expose(), "new frank password")
        .await
        .unwrap();
    let ui = w.get(&w.ui, "/reset").await.unwrap();
    assert_eq!(
        w.provider
            .reset_password(&ui, code.code.expose(), "another password")
            .await
            .unwrap_err()
            .kind(),
        AuthErrorKind::BadRequest,
        "a reset code is single use"
    );
    assert!(
        w.login("frank@example.org", "new frank password")
            .await
            .is_ok()
    );
    let _ = w.now();
}
on_both!(
    lockout_and_reset_memory,
    lockout_and_reset_sqlite,
    lockout_and_reset
);
