//! The hardening findings of issue #16 closed in the HTTP adapter, each against a real
//! server on 127.0.0.1: the body hash required on signed non-form writes, login answers
//! that do not tell accounts apart, error bodies without store detail, request ids, the
//! health, readiness and metrics endpoints, and private files.

#[path = "common/mod.rs"]
mod common;

use common::*;

fn manifest(id: &str) -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({
        "name": "Body hash test app",
        "description": "hardening tests",
        "author": "smart-rs",
        "id": id,
        "version": "1.0",
        "mode": "background",
        "scope": "record",
    }))
    .unwrap()
}

async fn app_listed(server: &TestServer, id: &str) -> bool {
    let r = server.get(&server.admin(), "/apps/manifests/").await;
    assert_eq!(r.status(), 200);
    r.text().await.unwrap().contains(id)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signed_non_form_writes_need_the_body_hash_by_default() {
    let server = TestServer::start(Backend::Memory).await;
    let admin = server.admin();

    // The original clients' way: signed, no oauth_body_hash. Refused with a 401 naming the
    // parameter, and nothing registered.
    let r = server
        .send_body_without_hash(
            &admin,
            "POST",
            "/apps/",
            "application/json",
            manifest("bare@apps.example.org"),
        )
        .await;
    let (status, text) = status_text(r).await;
    assert_eq!(status, 401, "{text}");
    assert!(text.contains("oauth_body_hash"), "{text}");
    assert!(!app_listed(&server, "bare@apps.example.org").await);

    // With the body hash: accepted.
    let r = server
        .send_body(
            &admin,
            "POST",
            "/apps/",
            "application/json",
            manifest("hashed@apps.example.org"),
        )
        .await;
    let (status, text) = status_text(r).await;
    assert_eq!(status, 200, "{text}");
    assert!(app_listed(&server, "hashed@apps.example.org").await);

    // A body swapped after signing: refused, nothing registered.
    let header = server.authorization_with_body_hash(
        &admin,
        "POST",
        "/apps/",
        &manifest("signed@apps.example.org"),
    );
    let r = server
        .http
        .post(format!("{}/apps/", server.base))
        .header("Authorization", header)
        .header("Content-Type", "application/json")
        .body(manifest("swapped@apps.example.org"))
        .send()
        .await
        .unwrap();
    let (status, text) = status_text(r).await;
    assert_eq!(status, 401, "{text}");
    assert!(text.contains("oauth_body_hash"), "{text}");
    assert!(!app_listed(&server, "swapped@apps.example.org").await);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_switch_accepts_clients_that_never_send_the_body_hash() {
    let server = TestServer::start_with(Backend::Memory, |c| {
        c.oauth.require_body_hash = false;
    })
    .await;
    let admin = server.admin();
    let r = server
        .send_body_without_hash(
            &admin,
            "POST",
            "/apps/",
            "application/json",
            manifest("old@apps.example.org"),
        )
        .await;
    let (status, text) = status_text(r).await;
    assert_eq!(status, 200, "{text}");
    assert!(app_listed(&server, "old@apps.example.org").await);
    server.stop().await;
}

/// One login through `POST /oauth/login` (signed as the UI): the status and body.
async fn login_answer(server: &TestServer, email: &str, password: &str) -> (u16, String) {
    let r = server
        .post_form(
            &server.ui(),
            "/oauth/login",
            &[("username", email), ("password", password)],
            &[],
        )
        .await;
    status_text(r).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn locked_unknown_and_wrong_password_logins_answer_alike() {
    let server = TestServer::start(Backend::Memory).await;
    server.create_user("locked@example.org").await;
    server.create_user("known@example.org").await;
    for _ in 0..5 {
        let (status, _) = login_answer(&server, "locked@example.org", "wrong password").await;
        assert_eq!(status, 401);
    }
    // Locked now: even the right password is refused, exactly as a wrong one is.
    let locked = login_answer(&server, "locked@example.org", PASSWORD).await;
    let unknown = login_answer(&server, "nobody@example.org", PASSWORD).await;
    let wrong = login_answer(&server, "known@example.org", "wrong password").await;
    assert_eq!(wrong.0, 401, "{}", wrong.1);
    assert_eq!(locked, wrong);
    assert_eq!(unknown, wrong);
    // The right password of an account that is not locked still works.
    let (status, text) = login_answer(&server, "known@example.org", PASSWORD).await;
    assert_eq!(status, 200, "{text}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn request_tokens_for_missing_and_existing_records_look_alike() {
    let Some(shared) = shared_dir() else { return };
    let server = TestServer::start(Backend::Memory).await;
    server.import_reference(&shared, &["99912345"]).await;
    let app = server.ui_app("probe@apps.example.org").await;
    let mut answers = Vec::new();
    for record in ["99912345", "424242424242"] {
        let r = server
            .post_form(
                &app,
                "/oauth/request_token",
                &[("smart_record_id", record)],
                &[("oauth_callback", "oob")],
            )
            .await;
        let status = r.status().as_u16();
        let form = form_reply(r).await;
        let mut names: Vec<String> = form.iter().map(|(k, _)| k.clone()).collect();
        names.sort();
        answers.push((status, names));
    }
    assert_eq!(answers[0], answers[1]);
    assert_eq!(answers[0].0, 200);
    server.stop().await;
}

/// Every folder under `dir` (itself included) and every file, with its mode.
#[cfg(unix)]
fn modes(dir: &std::path::Path, out: &mut Vec<(std::path::PathBuf, u32, bool)>) {
    use std::os::unix::fs::PermissionsExt;
    let meta = std::fs::metadata(dir).unwrap();
    out.push((dir.to_owned(), meta.permissions().mode() & 0o777, true));
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let meta = std::fs::metadata(&path).unwrap();
        if meta.is_dir() {
            modes(&path, out);
        } else {
            out.push((path, meta.permissions().mode() & 0o777, false));
        }
    }
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_data_directory_and_its_files_are_private() {
    use smart_http::{Container, ServerConfig};
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("smart-data");
    // The embedded clinical store and the SQLite directory (the defaults), written to.
    let mut config = ServerConfig::for_data_dir(&data);
    config.ui.consumer_secret = Some(UI_SECRET.to_owned());
    let container = Container::open(config).await.unwrap();
    let admin = container.local_admin().await.unwrap();
    container
        .provider()
        .create_account(&admin, "files@example.org", Some(PASSWORD), false)
        .await
        .unwrap();
    let record = smart_core::RecordId::new("4242").unwrap();
    container
        .blobs()
        .put(&record, "scan.txt", "text/plain", b"a private document")
        .await
        .unwrap();
    container.close().await;
    // A file-system blob store too (vendors use it), under the data directory.
    let blobs = smart_store::blobs::FsBlobs::open(data.join("documents"))
        .await
        .unwrap();
    smart_store::blobs::BlobStore::put(
        &blobs,
        &record,
        "scan.txt",
        "text/plain",
        b"a private document",
    )
    .await
    .unwrap();

    let mut found = Vec::new();
    modes(&data, &mut found);
    assert!(
        found.iter().filter(|(_, _, dir)| !dir).count() >= 3,
        "{found:?}"
    );
    for (path, mode, dir) in &found {
        let want = if *dir { 0o700 } else { 0o600 };
        assert_eq!(*mode, want, "{} is {mode:o}", path.display());
    }
}

/// A clinical store that answers nothing: every read fails as unavailable, with a backend
/// text that must never reach a client.
#[derive(Debug)]
struct DownClinicalStore;

const BACKEND_SECRET: &str = "SECRET-BACKEND-DETAIL /var/lib/sparql password=hunter2";

fn down<T>() -> smart_store::StoreResult<T> {
    Err(
        smart_store::StoreError::unavailable("the clinical store is down")
            .with_source(std::io::Error::other(BACKEND_SECRET)),
    )
}

#[async_trait::async_trait]
impl smart_store::clinical::ClinicalStore for DownClinicalStore {
    async fn replace_record(&self, _: &smart_rdf::SplitRecord) -> smart_store::StoreResult<()> {
        down()
    }
    async fn add_statements(
        &self,
        _: &smart_core::RecordId,
        _: &[smart_rdf::StatementGraph],
    ) -> smart_store::StoreResult<()> {
        down()
    }
    async fn delete_statement(
        &self,
        _: &smart_core::RecordId,
        _: &oxrdf::NamedNode,
    ) -> smart_store::StoreResult<bool> {
        down()
    }
    async fn delete_record(&self, _: &smart_core::RecordId) -> smart_store::StoreResult<bool> {
        down()
    }
    async fn record_ids(&self) -> smart_store::StoreResult<Vec<smart_core::RecordId>> {
        down()
    }
    async fn query(
        &self,
        _: &smart_core::RecordId,
        _: &smart_store::clinical::StatementQuery,
    ) -> smart_store::StoreResult<smart_store::clinical::StatementPage> {
        down()
    }
    async fn statement(
        &self,
        _: &smart_core::RecordId,
        _: &oxrdf::NamedNode,
    ) -> smart_store::StoreResult<Option<oxrdf::Graph>> {
        down()
    }
    async fn search_records(
        &self,
        _: &smart_store::clinical::RecordSearch,
    ) -> smart_store::StoreResult<smart_store::clinical::SearchPage> {
        down()
    }
}

/// A server over `clinical` (memory directory and blobs), and its base URL.
async fn serve_over(
    clinical: std::sync::Arc<dyn smart_store::clinical::ClinicalStore>,
    adjust: impl FnOnce(&mut smart_http::ServerConfig),
) -> (
    String,
    tokio::sync::oneshot::Sender<()>,
    std::sync::Arc<smart_http::Container>,
) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let mut config = smart_http::ServerConfig::for_data_dir(std::env::temp_dir());
    config.public_url = format!("http://{addr}");
    config.ui.consumer_secret = Some(UI_SECRET.to_owned());
    config.apps.enabled = false;
    adjust(&mut config);
    let admin = smart_auth::MachineCredential::new(
        "test-admin",
        smart_auth::Secret::new("an admin secret of at least thirty-two bytes"),
    )
    .unwrap();
    let container = smart_http::Container::from_parts(
        config,
        clinical,
        std::sync::Arc::new(smart_store::directory::MemoryDirectory::new()),
        std::sync::Arc::new(smart_store::blobs::MemoryBlobs::new()),
        admin,
    )
    .unwrap();
    let container = std::sync::Arc::new(container);
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(smart_http::serve(container.clone(), listener, async move {
        let _ = rx.await;
    }));
    (format!("http://{addr}"), tx, container)
}

fn request_id_of(r: &reqwest::Response) -> String {
    r.headers()
        .get("x-request-id")
        .expect("an X-Request-Id header")
        .to_str()
        .unwrap()
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_ready_and_request_ids() {
    let server = TestServer::start(Backend::Memory).await;
    let http = &server.http;
    let r = http
        .get(format!("{}/health", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let health_id = request_id_of(&r);
    let r = http
        .get(format!("{}/ready", server.base))
        .send()
        .await
        .unwrap();
    let ready_id = request_id_of(&r);
    let (status, text) = status_text(r).await;
    assert_eq!(status, 200, "{text}");
    assert!(
        text.contains("clinical store: ok") && text.contains("directory: ok"),
        "{text}"
    );
    assert_ne!(health_id, ready_id);
    // Every answer carries an id: an API error, a signed call, a web UI page.
    let r = http
        .get(format!("{}/no/such/thing", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    request_id_of(&r);
    let r = server.get(&server.admin(), "/apps/manifests/").await;
    assert_eq!(r.status(), 200);
    request_id_of(&r);
    let r = http
        .get(format!("{}/login", server.base))
        .send()
        .await
        .unwrap();
    request_id_of(&r);
    // /metrics is off by default.
    let r = http
        .get(format!("{}/metrics", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    server.stop().await;

    // A clinical store that is down: /health still 200, /ready 503 naming it (and the
    // request id), without the backend's text; the directory is fine.
    let (base, stop, _) = serve_over(std::sync::Arc::new(DownClinicalStore), |_| {}).await;
    let http = reqwest::Client::new();
    let r = http.get(format!("{base}/health")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let r = http.get(format!("{base}/ready")).send().await.unwrap();
    let id = request_id_of(&r);
    let (status, text) = status_text(r).await;
    assert_eq!(status, 503, "{text}");
    assert!(text.contains("clinical store: unavailable"), "{text}");
    assert!(text.contains("directory: ok"), "{text}");
    assert!(text.contains(&id), "{text}");
    assert!(
        !text.contains("SECRET") && !text.contains("hunter2"),
        "{text}"
    );
    let _ = stop.send(());
}

/// An `Authorization` header for `base` (smart-auth's signer; the form body's
/// parameters signed).
fn sign(base: &str, c: &Creds, method: &str, path_and_query: &str, form: Option<&[u8]>) -> String {
    use smart_auth::oauth::{HeaderSigner, SignatureMethod};
    let nonce = smart_auth::random_string(&smart_auth::OsRandom::new(), 16).unwrap();
    let consumer = smart_auth::Secret::new(c.secret.clone());
    let token = c
        .token
        .as_ref()
        .map(|(_, s)| smart_auth::Secret::new(s.clone()));
    let mut signer = HeaderSigner::new(SignatureMethod::HmacSha1, &c.key, &consumer)
        .nonce(&nonce)
        .timestamp(smart_auth::Clock::now(&smart_auth::SystemClock::new()));
    if let (Some((t, _)), Some(s)) = (&c.token, &token) {
        signer = signer.token(t, s);
    }
    signer
        .sign(method, &format!("{base}{path_and_query}"), form)
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn store_failures_answer_a_short_message_with_the_request_id() {
    let (base, stop, container) = serve_over(std::sync::Arc::new(DownClinicalStore), |_| {}).await;
    let admin = container.local_admin().await.unwrap();
    container
        .provider()
        .create_account(&admin, "ops@example.org", Some(PASSWORD), false)
        .await
        .unwrap();
    let http = reqwest::Client::new();
    // A session (login signed as the UI), then a record search, which reaches the (down)
    // clinical store.
    let ui = Creds::new("smart-ui", UI_SECRET);
    let form = format!(
        "username=ops%40example.org&password={}",
        PASSWORD.replace(' ', "%20")
    );
    let r = http
        .post(format!("{base}/oauth/login"))
        .header(
            "Authorization",
            sign(&base, &ui, "POST", "/oauth/login", Some(form.as_bytes())),
        )
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(form)
        .send()
        .await
        .unwrap();
    let reply = form_reply(r).await;
    let session = ui.with_token(
        &form_get(&reply, "oauth_token"),
        &form_get(&reply, "oauth_token_secret"),
    );
    let path = "/records/search?family_name=x";
    let r = http
        .get(format!("{base}{path}"))
        .header("Authorization", sign(&base, &session, "GET", path, None))
        .send()
        .await
        .unwrap();
    let id = request_id_of(&r);
    let (status, text) = status_text(r).await;
    assert_eq!(status, 503, "{text}");
    assert!(
        text.contains(&id),
        "the body names the request id {id}: {text}"
    );
    assert!(
        !text.contains("SECRET") && !text.contains("hunter2"),
        "{text}"
    );
    assert!(text.len() < 200, "{text}");
    let _ = stop.send(());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_count_calls_errors_latency_cache_and_connections() {
    let Some(shared) = shared_dir() else { return };
    let server = TestServer::start_with(Backend::Memory, |c| c.metrics.enabled = true).await;
    server.import_reference(&shared, &["99912345"]).await;
    let bg = server.background_app("metrics@apps.example.org").await;
    let token = server.background_token(&bg, "99912345").await;
    for _ in 0..3 {
        let r = server.get(&token, "/records/99912345/medications/").await;
        assert_eq!(r.status(), 200);
    }
    let r = server
        .get(&token, "/records/99912345/medications/?date_from=2011-13")
        .await;
    assert_eq!(r.status(), 400);
    let r = server
        .http
        .get(format!("{}/metrics", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain; version=0.0.4"),
    );
    let text = r.text().await.unwrap();
    let value = |line_start: &str| -> f64 {
        text.lines()
            .find(|l| l.starts_with(line_start))
            .unwrap_or_else(|| panic!("no {line_start} in\n{text}"))
            .rsplit(' ')
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    let call = "method=\"GET\",call=\"get_medications\"";
    assert_eq!(value(&format!("smart_http_requests_total{{{call}}}")), 4.0);
    assert_eq!(
        value(&format!("smart_http_errors_total{{{call},class=\"4xx\"}}")),
        1.0
    );
    assert_eq!(
        value(&format!("smart_http_errors_total{{{call},class=\"5xx\"}}")),
        0.0
    );
    assert_eq!(
        value(&format!(
            "smart_http_request_duration_seconds_bucket{{{call},le=\"+Inf\"}}"
        )),
        4.0
    );
    assert_eq!(
        value(&format!(
            "smart_http_request_duration_seconds_count{{{call}}}"
        )),
        4.0
    );
    assert!(
        value(&format!(
            "smart_http_request_duration_seconds_sum{{{call}}}"
        )) > 0.0
    );
    // The same read three times: computed once, then served from the answer cache.
    assert!(value("smart_answer_cache_hits_total") >= 2.0, "{text}");
    assert!(value("smart_answer_cache_misses_total") >= 1.0, "{text}");
    // The store answered the computed read (not the cached ones), and its histogram is
    // whole: every observation falls into the +Inf bucket.
    let op = "op=\"query\"";
    let queries = value(&format!(
        "smart_store_operation_duration_seconds_count{{{op}}}"
    ));
    assert!(queries >= 1.0, "{text}");
    assert!(
        queries <= value("smart_answer_cache_misses_total"),
        "cached answers cost no store query: {text}"
    );
    assert_eq!(
        value(&format!(
            "smart_store_operation_duration_seconds_bucket{{{op},le=\"+Inf\"}}"
        )),
        queries
    );
    assert!(
        value(&format!(
            "smart_store_operation_duration_seconds_sum{{{op}}}"
        )) > 0.0
    );
    // This very request's connection is open.
    assert!(value("smart_open_connections") >= 1.0, "{text}");
    assert!(text.contains("# TYPE smart_http_request_duration_seconds histogram"));
    server.stop().await;
}
