//! A container in memory for the flow tests, and a client that signs with oauth1-request.

#![allow(dead_code, unreachable_pub)]

use oauth1_request as oauth;
use smart_auth::directory::{MemoryDirectory, RecordRegistry};
use smart_auth::nonce::{MemoryNonceStore, NonceLimits};
use smart_auth::oauth::{Request, VerifierConfig};
use smart_auth::password::PasswordConfig;
use smart_auth::{
    AuthError, Authenticated, Clock, MachineCredential, ManualClock, OsRandom, Provider,
    ProviderConfig, Secret, Stores, Timestamp,
};
use smart_core::RecordId;
use smart_core::manifest::{AppManifest, AppMode, Scope};
use std::num::NonZeroU64;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

pub const API: &str = "https://ehr.example.org/api";
pub const FORM: &str = "application/x-www-form-urlencoded";
pub const T0: i64 = 1_700_000_000;

pub fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(f)
}

pub fn rid(s: &str) -> RecordId {
    RecordId::new(s).unwrap()
}

/// A consumer key and secret, and optionally a token and secret.
#[derive(Debug, Clone)]
pub struct Creds {
    pub key: String,
    pub secret: String,
    pub token: Option<(String, String)>,
}

impl Creds {
    pub fn new(key: &str, secret: &str) -> Self {
        Self {
            key: key.into(),
            secret: secret.into(),
            token: None,
        }
    }

    pub fn with_token(&self, token: &str, secret: &str) -> Self {
        Self {
            token: Some((token.into(), secret.into())),
            ..self.clone()
        }
    }
}

/// A signed request as it goes over the wire.
#[derive(Debug, Clone)]
pub struct Wire {
    pub method: String,
    pub target: String,
    pub header: String,
    pub body: String,
}

impl Wire {
    pub fn request(&self) -> Request<'_> {
        let r = Request::new(&self.method, &self.target).with_authorization(&self.header);
        if self.body.is_empty() {
            r
        } else {
            r.with_body(Some(FORM), self.body.as_bytes())
        }
    }
}

/// Optional protocol parameters.
#[derive(Debug, Clone, Default)]
pub struct Extra<'a> {
    pub callback: Option<&'a str>,
    pub verifier: Option<&'a str>,
    pub nonce: Option<&'a str>,
    pub timestamp: Option<u64>,
}

pub struct World {
    pub provider: Provider,
    pub clock: Arc<ManualClock>,
    pub dir: Arc<MemoryDirectory>,
    pub ui: Creds,
    pub admin: Creds,
    nonce: AtomicU64,
}

pub const UI_SECRET: &str = "ui-secret-0123456789abcdef0123456789";
pub const ADMIN_SECRET: &str = "admin-secret-0123456789abcdef012345";

pub fn config() -> ProviderConfig {
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

impl World {
    /// A container with records 1, 2 and 3, whose node started at T0; the clock then
    /// shows T0 + 1000.
    pub fn new() -> Self {
        let clock = Arc::new(ManualClock::new(Timestamp::from_unix_secs(T0)));
        let dir = Arc::new(MemoryDirectory::new());
        for r in ["1", "2", "3"] {
            block_on(dir.upsert_record(&rid(r), "", Timestamp::from_unix_secs(T0))).unwrap();
        }
        let nonces = Arc::new(MemoryNonceStore::new(
            clock.as_ref(),
            NonceLimits::default(),
        ));
        let provider = Provider::new(
            config(),
            Stores::from_directory(dir.clone(), nonces),
            clock.clone(),
            Arc::new(OsRandom::new()),
        );
        clock.advance(Duration::from_secs(1000));
        Self {
            provider,
            clock,
            dir,
            ui: Creds::new("ui", UI_SECRET),
            admin: Creds::new("admin", ADMIN_SECRET),
            nonce: AtomicU64::new(0),
        }
    }

    /// The same directory, but a fresh provider with an empty nonce memory starting now:
    /// what a restarted node looks like.
    pub fn restart(&self) -> Provider {
        let nonces = Arc::new(MemoryNonceStore::new(
            self.clock.as_ref(),
            NonceLimits::default(),
        ));
        Provider::new(
            config(),
            Stores::from_directory(self.dir.clone(), nonces),
            self.clock.clone(),
            Arc::new(OsRandom::new()),
        )
    }

    pub fn now(&self) -> u64 {
        u64::try_from(self.clock.now().as_unix_secs()).unwrap()
    }

    pub fn advance(&self, secs: u64) {
        self.clock.advance(Duration::from_secs(secs));
    }

    /// Signs a request with oauth1-request. `path` may carry a query; `form` goes in a
    /// form body.
    pub fn wire(
        &self,
        c: &Creds,
        method: &str,
        path: &str,
        form: &[(&str, &str)],
        x: Extra<'_>,
    ) -> Wire {
        let (p, q) = path.split_once('?').unwrap_or((path, ""));
        let mut params: Vec<(String, String)> = form
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        for pair in q.split('&').filter(|s| !s.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            params.push((k.into(), v.into()));
        }
        let list = oauth::ParameterList::new(params);
        let n = self.nonce.fetch_add(1, Ordering::SeqCst);
        let nonce = format!("nonce{n}");
        let mut b = oauth::Builder::<_, _>::new(
            oauth::Credentials::new(c.key.as_str(), c.secret.as_str()),
            oauth::HmacSha1::new(),
        );
        if let Some((t, s)) = &c.token {
            b.token(oauth::Credentials::new(t.as_str(), s.as_str()));
        }
        b.nonce(x.nonce.unwrap_or(&nonce))
            .timestamp(NonZeroU64::new(x.timestamp.unwrap_or(self.now())))
            .version(true);
        if let Some(cb) = x.callback {
            b.callback(cb);
        }
        if let Some(v) = x.verifier {
            b.verifier(v);
        }
        let header = b.authorize(method, format!("{API}{p}"), &list);
        let body = oauth::to_form(&oauth::ParameterList::new(
            form.iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<Vec<_>>(),
        ));
        Wire {
            method: method.into(),
            target: path.into(),
            header,
            body,
        }
    }

    /// Signs and authenticates.
    pub fn send(
        &self,
        c: &Creds,
        method: &str,
        path: &str,
        form: &[(&str, &str)],
        x: Extra<'_>,
    ) -> Result<Authenticated, AuthError> {
        let w = self.wire(c, method, path, form, x);
        self.authenticate(&w)
    }

    pub fn authenticate(&self, w: &Wire) -> Result<Authenticated, AuthError> {
        block_on(self.provider.authenticate(&w.request())).map(|a| a.expect("signed"))
    }

    pub fn get(&self, c: &Creds, path: &str) -> Result<Authenticated, AuthError> {
        self.send(c, "GET", path, &[], Extra::default())
    }

    pub fn as_admin(&self) -> Authenticated {
        self.get(&self.admin, "/admin").unwrap()
    }

    pub fn as_ui(&self) -> Authenticated {
        self.get(&self.ui, "/login").unwrap()
    }

    /// Registers an app and returns its credentials.
    pub fn register(&self, manifest: AppManifest) -> Creds {
        let creds = block_on(self.provider.register_app(&self.as_admin(), manifest)).unwrap();
        Creds::new(creds.consumer_key.as_str(), creds.consumer_secret.expose())
    }

    /// Creates an active account with a password.
    pub fn account(&self, email: &str, password: &str) {
        block_on(
            self.provider
                .create_account(&self.as_admin(), email, Some(password), false),
        )
        .unwrap();
    }

    /// Logs in through the UI and returns the UI credentials with the session token.
    pub fn login(&self, email: &str, password: &str) -> Creds {
        let g = block_on(self.provider.login(&self.as_ui(), email, password)).unwrap();
        self.ui.with_token(&g.token, g.secret.expose())
    }
}

pub fn ui_app(id: &str) -> AppManifest {
    let mut m = AppManifest::new("Med List", "Shows medications", id, AppMode::Ui);
    m.index = Some("https://app.example.org/index.html".into());
    m.icon = Some("https://app.example.org/icon.png".into());
    m.oauth_callback = Some("https://app.example.org/after_auth".into());
    m.scope = Some(Scope::Record);
    m
}

pub fn frame_app(id: &str) -> AppManifest {
    let mut m = AppManifest::new("Growth Charts", "Charts", id, AppMode::FrameUi);
    m.index = Some("https://charts.example.org/index.html?from=container".into());
    m.icon = Some("https://charts.example.org/icon.png".into());
    m.scope = Some(Scope::Record);
    m
}

pub fn background_app(id: &str) -> AppManifest {
    AppManifest::new("Reminder", "Sends reminders", id, AppMode::Background)
}
