//! A real server on 127.0.0.1 for the end-to-end tests, loaded with reference patients,
//! and a client that signs every request with oauth1-request (a fresh nonce and the
//! current time each time, as real clients do).
#![allow(dead_code, unreachable_pub)] // each test binary uses a different subset

pub mod data;
pub mod principals;
pub mod rdf;
pub mod subset;

pub use data::*;
pub use principals::*;
pub use rdf::*;

use oauth1_request as oauth;
use smart_core::RecordId;
use smart_http::config::{ClinicalBackend, DirectoryBackend};
use smart_http::{Container, ServerConfig};
use std::num::NonZeroU64;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// Where the next server's nonce counter starts.
static NONCE_BLOCKS: AtomicU64 = AtomicU64::new(1);

/// The `shared/` directory beside the clone: `None` (said loudly) on a developer machine
/// without it, a panic under `CI=true`.
pub fn shared_dir() -> Option<PathBuf> {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let found = std::env::var_os("SMART_SHARED_DIR")
        .map(PathBuf::from)
        .or_else(|| {
            here.ancestors()
                .map(|a| a.join("shared"))
                .find(|d| d.join("spec/smart.owl").is_file())
        });
    if let Some(dir) = found.filter(|d| d.join("data/reference-patients").is_dir()) {
        return Some(dir);
    }
    let msg = "REFERENCE MATERIAL MISSING: no shared/data/reference-patients above the crate; set SMART_SHARED_DIR";
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{msg}");
    }
    eprintln!("!!!!! {msg}; SKIPPING this test !!!!!");
    None
}

/// Which backends the server runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Memory clinical store and memory directory.
    Memory,
    /// The embedded default under a temporary data directory.
    Embedded,
    /// Clinical data on the SPARQL server of `SMART_TEST_SPARQL_URL`, directory on the
    /// PostgreSQL of `SMART_TEST_POSTGRES_URL`.
    Remote,
}

/// A running server.
pub struct TestServer {
    pub base: String,
    pub container: Arc<Container>,
    pub http: reqwest::Client,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
    _data: tempfile::TempDir,
    nonce: AtomicU64,
}

/// The UI consumer secret every test server is configured with.
pub const UI_SECRET: &str = "ui-secret-for-the-end-to-end-tests-0123456789";
/// The one CORS origin every test server allows.
pub const UI_ORIGIN: &str = "http://ui.example.org:7001";
/// The password of every account the tests create.
pub const PASSWORD: &str = "correct horse battery staple";

/// A consumer and optional token.
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

/// `None` (said loudly) when the remote services are not configured; a panic under CI.
pub fn remote_urls() -> Option<(String, String)> {
    let sparql = std::env::var("SMART_TEST_SPARQL_URL").ok();
    let pg = std::env::var("SMART_TEST_POSTGRES_URL").ok();
    match (sparql, pg) {
        (Some(s), Some(p)) => Some((s, p)),
        _ => {
            let msg = "SMART_TEST_SPARQL_URL and SMART_TEST_POSTGRES_URL are not both set (run scripts/test)";
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("{msg}");
            }
            eprintln!("!!!!! {msg}; SKIPPING this test !!!!!");
            None
        }
    }
}

impl TestServer {
    /// Starts a server on an ephemeral port of 127.0.0.1.
    pub async fn start(backend: Backend) -> Self {
        Self::start_with(backend, |_| {}).await
    }

    /// Starts a server after letting `adjust` change the configuration.
    pub async fn start_with(backend: Backend, adjust: impl FnOnce(&mut ServerConfig)) -> Self {
        let data = tempfile::tempdir().unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let mut config = ServerConfig::for_data_dir(data.path());
        config.public_url = format!("http://{addr}");
        config.bind = addr;
        // A known UI secret, so tests can sign as the UI principal (login, authorize).
        config.ui.consumer_secret = Some(UI_SECRET.to_owned());
        config.ui.origins = vec![UI_ORIGIN.to_owned()];
        match backend {
            Backend::Memory => {
                config.store.clinical = ClinicalBackend::Memory;
                config.store.directory = DirectoryBackend::Memory;
            }
            Backend::Embedded => {}
            Backend::Remote => {
                let (sparql, pg) = remote_urls().expect("remote services");
                config.store.clinical = ClinicalBackend::Sparql;
                config.store.sparql_url = Some(sparql);
                config.store.directory = DirectoryBackend::Postgres;
                config.store.postgres_url = Some(pg);
                // Every test server (of every test binary) shares this database, so they
                // share one secrets key: a fixed one, for tests only.
                let key = data.path().join("test-secrets.key");
                let test_key = "c2VjcmV0cy1hdC1yZXN0LXRlc3Qta2V5LTMyLWJ5dGU\n";
                smart_store::private_fs::write(&key, test_key.as_bytes()).unwrap();
                config.store.secrets_key_file = Some(key);
            }
        }
        adjust(&mut config);
        let container = Arc::new(Container::open(config).await.unwrap());
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(smart_http::serve(container.clone(), listener, async move {
            let _ = rx.await;
        }));
        Self {
            base: format!("http://{addr}"),
            container,
            http: reqwest::Client::builder().no_gzip().build().unwrap(),
            shutdown: Some(tx),
            task: Some(task),
            _data: data,
            // Nonces unique across every server of the process: two servers sharing one
            // nonce store (PostgreSQL) must not see one test's nonce twice.
            nonce: AtomicU64::new(NONCE_BLOCKS.fetch_add(1 << 32, Ordering::SeqCst)),
        }
    }

    /// Stops the server and closes the stores.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.unwrap().unwrap();
        }
        self.container.close().await;
    }

    /// The admin machine credential of this server.
    pub fn admin(&self) -> Creds {
        let a = self.container.admin_credential();
        Creds::new(a.key(), a.secret().expose())
    }

    /// The `Authorization` header for a request (query parameters of `path_and_query` and
    /// the form body are signed).
    pub fn authorization(
        &self,
        c: &Creds,
        method: &str,
        path_and_query: &str,
        form: &[(String, String)],
        extra: &[(&str, &str)],
    ) -> String {
        let (path, query) = path_and_query
            .split_once('?')
            .unwrap_or((path_and_query, ""));
        let mut params: Vec<(String, String)> = form.to_vec();
        for pair in query.split('&').filter(|s| !s.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            params.push((decode(k), decode(v)));
        }
        let list = oauth::ParameterList::new(params);
        let n = self.nonce.fetch_add(1, Ordering::SeqCst);
        let nonce = format!("n{n}-{}", std::process::id());
        let mut b = oauth::Builder::<_, _>::new(
            oauth::Credentials::new(c.key.as_str(), c.secret.as_str()),
            oauth::HmacSha1::new(),
        );
        if let Some((t, s)) = &c.token {
            b.token(oauth::Credentials::new(t.as_str(), s.as_str()));
        }
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        b.nonce(nonce.as_str())
            .timestamp(NonZeroU64::new(now))
            .version(true);
        for (k, v) in extra {
            match *k {
                "oauth_verifier" => {
                    b.verifier(*v);
                }
                "oauth_callback" => {
                    b.callback(*v);
                }
                _ => panic!("unsupported extra {k}"),
            }
        }
        b.authorize(method, format!("{}{path}", self.base), &list)
    }

    /// A signed request (no body).
    pub async fn call(&self, c: &Creds, method: &str, path_and_query: &str) -> reqwest::Response {
        let header = self.authorization(c, method, path_and_query, &[], &[]);
        self.http
            .request(
                method.parse().unwrap(),
                format!("{}{path_and_query}", self.base),
            )
            .header("Authorization", header)
            .send()
            .await
            .unwrap()
    }

    /// A signed GET.
    pub async fn get(&self, c: &Creds, path_and_query: &str) -> reqwest::Response {
        self.call(c, "GET", path_and_query).await
    }

    /// A signed form POST.
    pub async fn post_form(
        &self,
        c: &Creds,
        path: &str,
        form: &[(&str, &str)],
        extra: &[(&str, &str)],
    ) -> reqwest::Response {
        let form: Vec<(String, String)> = form
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let header = self.authorization(c, "POST", path, &form, extra);
        self.http
            .post(format!("{}{path}", self.base))
            .header("Authorization", header)
            .form(&form)
            .send()
            .await
            .unwrap()
    }

    /// A signed request with a body of any type. A form body's parameters are signed; any
    /// other body is covered by `oauth_body_hash` (smart-auth's signer: oauth1-request
    /// cannot put it in the header), as the server requires by default.
    pub async fn send_body(
        &self,
        c: &Creds,
        method: &str,
        path: &str,
        content_type: &str,
        body: Vec<u8>,
    ) -> reqwest::Response {
        let header = if content_type.starts_with("application/x-www-form-urlencoded") {
            let form: Vec<(String, String)> = serde_urlencoded::from_bytes(&body).unwrap();
            self.authorization(c, method, path, &form, &[])
        } else {
            self.authorization_with_body_hash(c, method, path, &body)
        };
        self.send_with_header(method, path, content_type, body, header)
            .await
    }

    /// Like [`Self::send_body`] but without `oauth_body_hash`, as the original SMART
    /// clients sign: the server refuses it unless `[oauth] require_body_hash = false`.
    pub async fn send_body_without_hash(
        &self,
        c: &Creds,
        method: &str,
        path: &str,
        content_type: &str,
        body: Vec<u8>,
    ) -> reqwest::Response {
        let header = self.authorization(c, method, path, &[], &[]);
        self.send_with_header(method, path, content_type, body, header)
            .await
    }

    async fn send_with_header(
        &self,
        method: &str,
        path: &str,
        content_type: &str,
        body: Vec<u8>,
        header: String,
    ) -> reqwest::Response {
        self.http
            .request(method.parse().unwrap(), format!("{}{path}", self.base))
            .header("Authorization", header)
            .header("Content-Type", content_type)
            .body(body)
            .send()
            .await
            .unwrap()
    }

    /// The `Authorization` header for a request whose non-form `body` is covered by
    /// `oauth_body_hash` (query parameters of `path_and_query` are signed too).
    pub fn authorization_with_body_hash(
        &self,
        c: &Creds,
        method: &str,
        path_and_query: &str,
        body: &[u8],
    ) -> String {
        use smart_auth::oauth::{HeaderSigner, SignatureMethod};
        let n = self.nonce.fetch_add(1, Ordering::SeqCst);
        let nonce = format!("n{n}-{}", std::process::id());
        let consumer_secret = smart_auth::Secret::new(c.secret.clone());
        let token_secret = c
            .token
            .as_ref()
            .map(|(_, s)| smart_auth::Secret::new(s.clone()));
        let mut signer = HeaderSigner::new(SignatureMethod::HmacSha1, &c.key, &consumer_secret)
            .nonce(&nonce)
            .timestamp(smart_auth::Timestamp::from_unix_secs(
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .as_secs() as i64,
            ))
            .body(body);
        if let (Some((t, _)), Some(s)) = (&c.token, &token_secret) {
            signer = signer.token(t, s);
        }
        signer
            .sign(method, &format!("{}{path_and_query}", self.base), None)
            .unwrap()
    }

    /// Registers an app through the admin endpoint; its credentials.
    pub async fn register_app(&self, manifest: &serde_json::Value) -> Creds {
        let r = self
            .send_body(
                &self.admin(),
                "POST",
                "/apps/",
                "application/json",
                serde_json::to_vec(manifest).unwrap(),
            )
            .await;
        let status = r.status();
        let text = r.text().await.unwrap();
        assert_eq!(status, 200, "{text}");
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        Creds::new(
            v["consumer_key"].as_str().unwrap(),
            v["consumer_secret"].as_str().unwrap(),
        )
    }

    /// Registers a background app and returns its credentials.
    pub async fn background_app(&self, id: &str) -> Creds {
        self.register_app(&serde_json::json!({
            "name": "Test background app",
            "description": "end-to-end tests",
            "author": "smart-rs",
            "id": id,
            "version": "1.0",
            "mode": "background",
            "scope": "record",
        }))
        .await
    }

    /// A background token for `record`: the app's credentials with the token.
    pub async fn background_token(&self, app: &Creds, record: &str) -> Creds {
        let r = self
            .get(app, &format!("/apps/{}/tokens/records/{record}", app.key))
            .await;
        let status = r.status();
        let text = r.text().await.unwrap();
        assert_eq!(status, 200, "{text}");
        let form: Vec<(String, String)> = serde_urlencoded::from_str(&text).unwrap();
        let get = |k: &str| form.iter().find(|(n, _)| n == k).unwrap().1.clone();
        app.with_token(&get("oauth_token"), &get("oauth_token_secret"))
    }
}

fn decode(s: &str) -> String {
    use smart_core::encoding::{Decoding, percent_decode};
    let bytes = percent_decode(s.as_bytes(), Decoding::lenient().plus_as_space())
        .expect("lenient decoding never fails");
    String::from_utf8(bytes).unwrap()
}
