//! A real server on 127.0.0.1 for the end-to-end tests, loaded with reference patients,
//! and a client that signs every request with oauth1-request (a fresh nonce and the
//! current time each time, as real clients do).
#![allow(dead_code, unreachable_pub)] // each test binary uses a different subset

pub mod subset;

use oauth1_request as oauth;
use smart_core::RecordId;
use smart_http::config::{ClinicalBackend, DirectoryBackend};
use smart_http::{Container, ServerConfig};
use std::num::NonZeroU64;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

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
            nonce: AtomicU64::new(1),
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

    /// A signed request with a body of any type (the body is not signed, as most SMART
    /// clients do).
    pub async fn send_body(
        &self,
        c: &Creds,
        method: &str,
        path: &str,
        content_type: &str,
        body: Vec<u8>,
    ) -> reqwest::Response {
        let header = self.authorization(c, method, path, &[], &[]);
        self.http
            .request(method.parse().unwrap(), format!("{}{path}", self.base))
            .header("Authorization", header)
            .header("Content-Type", content_type)
            .body(body)
            .send()
            .await
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

    /// Imports reference patient files (by record id) into the stores, with their
    /// documents when a folder of them exists.
    pub async fn import_reference(&self, shared: &Path, ids: &[&str]) {
        for id in ids {
            let file = shared.join(format!("data/reference-patients/p{id}.xml"));
            let file = if file.is_file() {
                file
            } else {
                shared.join(format!("data/reference-patients/{id}.xml"))
            };
            self.import_file(&file, shared).await;
        }
    }

    /// Imports one file (record id from its name).
    pub async fn import_file(&self, file: &Path, shared: &Path) -> RecordId {
        let name = file.file_name().unwrap().to_str().unwrap();
        let record = RecordId::from_file_name(name).unwrap();
        self.import_file_as(file, shared, &record).await;
        record
    }

    /// Imports one file as `record` (tests on shared servers use ids of their own), with
    /// the documents of the file's own record id.
    pub async fn import_file_as(&self, file: &Path, shared: &Path, record: &RecordId) {
        let bytes = std::fs::read(file).unwrap();
        let name = file.file_name().unwrap().to_str().unwrap();
        let source_id = RecordId::from_file_name(name).unwrap();
        let record = record.clone();
        let graph = smart_rdf::parse(&bytes, smart_rdf::RdfFormat::RdfXml, None).unwrap();
        let split = smart_rdf::split_record(&graph, &record).unwrap();
        self.container
            .clinical()
            .replace_record(&split)
            .await
            .unwrap();
        self.container
            .directory()
            .upsert_record(&record, "", smart_store::directory::Timestamp::now())
            .await
            .unwrap();
        let docs = shared
            .join("data/reference-documents")
            .join(source_id.as_str());
        if docs.is_dir() {
            for entry in std::fs::read_dir(&docs).unwrap() {
                let path = entry.unwrap().path();
                let name = path.file_name().unwrap().to_str().unwrap().to_owned();
                let ct = match path.extension().and_then(|e| e.to_str()) {
                    Some("txt") => "text/plain",
                    Some("pdf") => "application/pdf",
                    Some("jpg") => "image/jpeg",
                    Some("png") => "image/png",
                    Some("dcm") => "application/dicom",
                    _ => "application/octet-stream",
                };
                let bytes = std::fs::read(&path).unwrap();
                self.container
                    .blobs()
                    .put(&record, &name, ct, &bytes)
                    .await
                    .unwrap();
            }
        }
    }
}

/// A signed request builder (query parameters signed, no body), for tests that add
/// headers of their own.
impl TestServer {
    pub fn signed(&self, c: &Creds, method: &str, path_and_query: &str) -> reqwest::RequestBuilder {
        let header = self.authorization(c, method, path_and_query, &[], &[]);
        self.http
            .request(
                method.parse().unwrap(),
                format!("{}{path_and_query}", self.base),
            )
            .header("Authorization", header)
    }

    /// The UI principal's credentials (2-legged).
    pub fn ui(&self) -> Creds {
        let ui = &self.container.config().ui;
        Creds::new(
            &ui.consumer_key,
            ui.consumer_secret
                .as_deref()
                .expect("the test server sets a UI secret"),
        )
    }

    /// The admin credential as an authenticated principal for in-process provider calls
    /// (account creation has no HTTP endpoint): a request signed like any other and
    /// authenticated by the provider, so no back door is used.
    pub async fn admin_principal(&self) -> smart_auth::Authenticated {
        let header = self.authorization(&self.admin(), "GET", "/apps/manifests/", &[], &[]);
        let request =
            smart_auth::oauth::Request::new("GET", "/apps/manifests/").with_authorization(&header);
        self.container
            .provider()
            .authenticate(&request)
            .await
            .unwrap()
            .expect("the admin request is signed")
    }

    /// Creates an active account with [`PASSWORD`].
    pub async fn create_user(&self, email: &str) {
        let admin = self.admin_principal().await;
        self.container
            .provider()
            .create_account(&admin, email, Some(PASSWORD), false)
            .await
            .unwrap();
    }

    /// Logs `email` in through `POST /oauth/login` signed as the UI: the session
    /// credentials (UI key + session token).
    pub async fn login(&self, email: &str) -> Creds {
        let r = self
            .post_form(
                &self.ui(),
                "/oauth/login",
                &[("username", email), ("password", PASSWORD)],
                &[],
            )
            .await;
        let form = form_reply(r).await;
        self.ui().with_token(
            &form_get(&form, "oauth_token"),
            &form_get(&form, "oauth_token_secret"),
        )
    }

    /// Registers a user-facing REST app with an `oauth_callback`.
    pub async fn ui_app(&self, id: &str) -> Creds {
        self.register_app(&ui_manifest(id)).await
    }

    /// The full 3-legged flow over HTTP for `app` on `record`, approved by `session`:
    /// request token (2-legged, `smart_record_id` in the signed form body), the session
    /// reads and approves the request, the app exchanges it with the verifier. Returns
    /// the app's credentials with the access token, and the verifier used.
    pub async fn three_legged(
        &self,
        app: &Creds,
        session: &Creds,
        record: &str,
    ) -> (Creds, String) {
        let r = self
            .post_form(
                app,
                "/oauth/request_token",
                &[("smart_record_id", record)],
                &[("oauth_callback", "oob")],
            )
            .await;
        let form = form_reply(r).await;
        assert_eq!(form_get(&form, "oauth_callback_confirmed"), "true");
        let request = app.with_token(
            &form_get(&form, "oauth_token"),
            &form_get(&form, "oauth_token_secret"),
        );
        let req_token = request.token.clone().unwrap().0;

        let r = self
            .get(
                session,
                &format!("/oauth/authorize?request_token={req_token}"),
            )
            .await;
        let status = r.status();
        let text = r.text().await.unwrap();
        assert_eq!(status, 200, "authorize info: {text}");
        let info: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(info["app_id"], app.key.as_str());
        assert_eq!(info["record_id"], record);

        let r = self
            .post_form(
                session,
                "/oauth/authorize",
                &[("request_token", req_token.as_str())],
                &[],
            )
            .await;
        let status = r.status();
        let text = r.text().await.unwrap();
        assert_eq!(status, 200, "approve: {text}");
        let approval: serde_json::Value = serde_json::from_str(&text).unwrap();
        let verifier = approval["oauth_verifier"].as_str().unwrap().to_owned();
        let location = approval["location"].as_str().unwrap();
        assert!(
            location.starts_with(&format!("{CALLBACK}?"))
                && location.contains(&format!("oauth_verifier={verifier}")),
            "redirect to the manifest's callback: {location}"
        );

        let r = self
            .post_form(
                &request,
                "/oauth/access_token",
                &[],
                &[("oauth_verifier", verifier.as_str())],
            )
            .await;
        let form = form_reply(r).await;
        assert_eq!(form_get(&form, "record_id"), record);
        let access = app.with_token(
            &form_get(&form, "oauth_token"),
            &form_get(&form, "oauth_token_secret"),
        );
        (access, verifier)
    }

    /// Imports every reference patient (60) with their documents; the record ids.
    pub async fn import_all(&self, shared: &Path) -> Vec<RecordId> {
        let mut ids = Vec::new();
        for file in reference_files(shared) {
            ids.push(self.import_file(&file, shared).await);
        }
        ids
    }
}

/// Where the test UI apps' approvals redirect.
pub const CALLBACK: &str = "http://app.example.org/after-auth";

/// A valid manifest of a user-facing app with a callback.
pub fn ui_manifest(id: &str) -> serde_json::Value {
    serde_json::json!({
        "name": "Test REST app",
        "description": "end-to-end tests",
        "author": "smart-rs",
        "id": id,
        "version": "1.0",
        "mode": "ui",
        "scope": "record",
        "index": "http://app.example.org/index.html",
        "icon": "http://app.example.org/icon.png",
        "oauth_callback": CALLBACK,
    })
}

/// A form-encoded 200 reply, parsed (panics with the body otherwise).
pub async fn form_reply(r: reqwest::Response) -> Vec<(String, String)> {
    let status = r.status();
    let url = r.url().clone();
    let text = r.text().await.unwrap();
    assert_eq!(status, 200, "{url}: {text}");
    serde_urlencoded::from_str(&text).unwrap()
}

/// A field of a parsed form.
pub fn form_get(form: &[(String, String)], name: &str) -> String {
    form.iter()
        .find(|(k, _)| k == name)
        .unwrap_or_else(|| panic!("no {name} in {form:?}"))
        .1
        .clone()
}

/// The 60 reference patient files, sorted (fails loudly if the set is incomplete).
pub fn reference_files(shared: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(shared.join("data/reference-patients"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "xml"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 60, "expected the 60 reference patients");
    files
}

/// The reference file of a record id.
pub fn reference_file(shared: &Path, record: &str) -> PathBuf {
    let p = shared.join(format!("data/reference-patients/p{record}.xml"));
    if p.is_file() {
        p
    } else {
        shared.join(format!("data/reference-patients/{record}.xml"))
    }
}

/// A reference patient file, parsed as it is (blank nodes, no server involved).
pub fn source_graph(file: &Path) -> oxrdf::Graph {
    smart_rdf::parse(
        &std::fs::read(file).unwrap(),
        smart_rdf::RdfFormat::RdfXml,
        None,
    )
    .unwrap()
}

/// The distinct subjects typed `class` in `graph`.
pub fn typed(graph: &oxrdf::Graph, class: &str) -> Vec<oxrdf::NamedOrBlankNode> {
    let mut out: Vec<oxrdf::NamedOrBlankNode> = graph
        .subjects_for_predicate_object(
            oxrdf::vocab::rdf::TYPE,
            oxrdf::NamedNodeRef::new_unchecked(class),
        )
        .map(|s| s.into_owned())
        .collect();
    out.sort_by_key(ToString::to_string);
    out.dedup();
    out
}

/// The literal value of `subject`'s `predicate`, if any.
pub fn literal(
    graph: &oxrdf::Graph,
    subject: &oxrdf::NamedOrBlankNode,
    predicate: &str,
) -> Option<String> {
    graph
        .objects_for_subject_predicate(subject, oxrdf::NamedNodeRef::new_unchecked(predicate))
        .find_map(|o| match o {
            oxrdf::TermRef::Literal(l) => Some(l.value().to_owned()),
            _ => None,
        })
}

/// The `api:ResponseSummary` of a response graph: (resultsReturned, totalResultCount,
/// resultOrder as IRIs if present, nextPageURL if present). Panics unless there is
/// exactly one.
pub fn summary(graph: &oxrdf::Graph) -> Summary {
    let nodes = typed(graph, "http://smartplatforms.org/terms/api#ResponseSummary");
    assert_eq!(nodes.len(), 1, "one api:ResponseSummary");
    let node = &nodes[0];
    let api = |p: &str| format!("http://smartplatforms.org/terms/api#{p}");
    let int = |p: &str| -> usize {
        literal(graph, node, &api(p))
            .unwrap_or_else(|| panic!("no api:{p}"))
            .parse()
            .unwrap()
    };
    let order = graph
        .object_for_subject_predicate(
            node,
            oxrdf::NamedNodeRef::new_unchecked(&api("resultOrder")),
        )
        .map(|head| rdf_list(graph, head.into_owned()));
    Summary {
        returned: int("resultsReturned"),
        total: int("totalResultCount"),
        processing_ms: int("processingTimeMs"),
        order,
        next: literal(graph, node, &api("nextPageURL")),
    }
}

/// A parsed `api:ResponseSummary`.
#[derive(Debug, Clone)]
pub struct Summary {
    pub returned: usize,
    pub total: usize,
    pub processing_ms: usize,
    pub order: Option<Vec<String>>,
    pub next: Option<String>,
}

/// The IRIs of an RDF collection.
pub fn rdf_list(graph: &oxrdf::Graph, mut head: oxrdf::Term) -> Vec<String> {
    use oxrdf::vocab::rdf;
    let mut out = Vec::new();
    loop {
        let node = match &head {
            oxrdf::Term::NamedNode(n) if n.as_ref() == rdf::NIL => return out,
            oxrdf::Term::NamedNode(n) => oxrdf::NamedOrBlankNode::from(n.clone()),
            oxrdf::Term::BlankNode(b) => oxrdf::NamedOrBlankNode::from(b.clone()),
            other => panic!("not a list node: {other}"),
        };
        match graph.object_for_subject_predicate(&node, rdf::FIRST) {
            Some(oxrdf::TermRef::NamedNode(n)) => out.push(n.as_str().to_owned()),
            other => panic!("list item is not an IRI: {other:?}"),
        }
        head = graph
            .object_for_subject_predicate(&node, rdf::REST)
            .expect("rdf:rest")
            .into_owned();
        assert!(out.len() < 100_000, "cyclic list");
    }
}

/// A 200 RDF/XML response parsed (panics with the body otherwise).
pub async fn rdf_ok(r: reqwest::Response) -> oxrdf::Graph {
    let status = r.status();
    let url = r.url().clone();
    let body = r.bytes().await.unwrap();
    assert_eq!(status, 200, "{url}: {}", String::from_utf8_lossy(&body));
    parse_rdf(&body)
}

/// Status and text of a response.
pub async fn status_text(r: reqwest::Response) -> (u16, String) {
    let status = r.status().as_u16();
    (status, r.text().await.unwrap())
}

/// A valid clinical note in RDF/XML, as a SMART client POSTs it (no sp:belongsTo).
pub fn note_rdfxml(text: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#"
         xmlns:sp="http://smartplatforms.org/terms#"
         xmlns:dcterms="http://purl.org/dc/terms/">
  <sp:ClinicalNote>
    <dcterms:date>2012-05-17</dcterms:date>
    <dcterms:title>Telephone note</dcterms:title>
    <dcterms:format>
      <dcterms:MediaTypeOrExtent rdf:about="http://purl.org/NET/mediatypes/text/plain">
        <rdfs:label>text/plain</rdfs:label>
      </dcterms:MediaTypeOrExtent>
    </dcterms:format>
    <sp:resource>
      <sp:Resource>
        <sp:content>
          <sp:Content>
            <sp:encoding>UTF-8</sp:encoding>
            <sp:value>{text}</sp:value>
          </sp:Content>
        </sp:content>
      </sp:Resource>
    </sp:resource>
  </sp:ClinicalNote>
</rdf:RDF>
"#
    )
}

/// A record with one lab panel (no reference patient has one), imported like the others.
pub const LAB_PANEL_RECORD: &str = "5550001";

impl TestServer {
    /// Imports [`LAB_PANEL_RECORD`]: a record with demographics and one lab panel.
    pub async fn import_lab_panel_record(&self) {
        let turtle = r#"
            @prefix sp: <http://smartplatforms.org/terms#> .
            @prefix dcterms: <http://purl.org/dc/terms/> .
            @prefix foaf: <http://xmlns.com/foaf/0.1/> .
            @prefix v: <http://www.w3.org/2006/vcard/ns#> .
            _:r a sp:MedicalRecord .
            _:d a sp:Demographics ; sp:belongsTo _:r ; foaf:gender "female" ;
                v:n [ a v:Name ; v:given-name "Panel" ; v:family-name "Patient" ] ;
                v:bday "1970-01-01" .
            _:p a sp:LabPanel ; sp:belongsTo _:r ; dcterms:date "2012-03-04" ;
                sp:labName [ a sp:CodedValue ; dcterms:title "Basic metabolic panel" ;
                    sp:code <http://purl.bioontology.org/ontology/LNC/51990-0> ] .
        "#;
        let graph =
            smart_rdf::parse(turtle.as_bytes(), smart_rdf::RdfFormat::Turtle, None).unwrap();
        let record = RecordId::new(LAB_PANEL_RECORD).unwrap();
        let split = smart_rdf::split_record(&graph, &record).unwrap();
        self.container
            .clinical()
            .replace_record(&split)
            .await
            .unwrap();
        self.container
            .directory()
            .upsert_record(&record, "", smart_store::directory::Timestamp::now())
            .await
            .unwrap();
    }
}

fn decode(s: &str) -> String {
    let s = s.replace('+', " ");
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap()
}

/// Parses an RDF/XML response body.
pub fn parse_rdf(body: &[u8]) -> oxrdf::Graph {
    smart_rdf::parse(body, smart_rdf::RdfFormat::RdfXml, None).unwrap()
}
