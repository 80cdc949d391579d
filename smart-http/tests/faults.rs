//! Fault injection on the remote backends: a TCP proxy of the test's own stands between
//! the server and the shared SPARQL server or the shared PostgreSQL (never stopped here:
//! other tests use them). The proxy can stall every connection (a request in flight gets
//! no answer), then cut them all and refuse new ones (what a stopped or restarted server
//! looks like to its clients), then let connections through again. The server must answer
//! 503 with a short body naming the request id while its store is away (no 500, no backend
//! text, no panic), and serve again once it is back, without a restart.
//!
//! Needs `SMART_TEST_SPARQL_URL` and `SMART_TEST_POSTGRES_URL` (`scripts/services start`)
//! and the reference patients; under `CI=true` a missing one fails the test.

mod common;

use common::{Backend, Creds, TestServer, note_rdfxml, reference_file, remote_urls, shared_dir};
use smart_core::RecordId;
use sqlx::Connection;
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

/// What the proxy does with traffic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Bytes flow both ways.
    Pass,
    /// Connections stay open but no byte is forwarded (a server that stopped answering).
    Stall,
    /// Every connection is closed and new ones are closed as soon as accepted.
    Down,
}

/// A TCP proxy on 127.0.0.1 in front of `target`.
struct Proxy {
    addr: SocketAddr,
    mode: watch::Sender<Mode>,
    task: tokio::task::JoinHandle<()>,
}

impl Proxy {
    async fn start(target: SocketAddr) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (mode, watching) = watch::channel(Mode::Pass);
        let task = tokio::spawn(async move {
            loop {
                let Ok((inbound, _)) = listener.accept().await else {
                    continue;
                };
                if *watching.borrow() == Mode::Down {
                    drop(inbound);
                    continue;
                }
                tokio::spawn(pipe(inbound, target, watching.clone()));
            }
        });
        Self { addr, mode, task }
    }

    fn set(&self, mode: Mode) {
        self.mode.send_replace(mode);
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Forwards between `inbound` and a new connection to `target` while the mode is `Pass`.
async fn pipe(inbound: TcpStream, target: SocketAddr, mut mode: watch::Receiver<Mode>) {
    let Ok(outbound) = TcpStream::connect(target).await else {
        return;
    };
    let (mut in_read, mut in_write) = inbound.into_split();
    let (mut out_read, mut out_write) = outbound.into_split();
    let mut up = vec![0u8; 16 * 1024];
    let mut down = vec![0u8; 16 * 1024];
    loop {
        let current = *mode.borrow_and_update();
        match current {
            Mode::Down => return,
            Mode::Stall => {
                if mode.changed().await.is_err() {
                    return;
                }
                continue;
            }
            Mode::Pass => {}
        }
        tokio::select! {
            changed = mode.changed() => {
                if changed.is_err() {
                    return;
                }
            }
            n = in_read.read(&mut up) => match n {
                Ok(0) | Err(_) => return,
                Ok(n) => {
                    if out_write.write_all(&up[..n]).await.is_err() {
                        return;
                    }
                }
            },
            n = out_read.read(&mut down) => match n {
                Ok(0) | Err(_) => return,
                Ok(n) => {
                    if in_write.write_all(&down[..n]).await.is_err() {
                        return;
                    }
                }
            },
        }
    }
}

/// The address `url` names.
fn target_of(url: &str) -> SocketAddr {
    reqwest::Url::parse(url)
        .unwrap()
        .socket_addrs(|| None)
        .unwrap()[0]
}

/// `url` with its host and port replaced by the proxy's.
fn via(url: &str, proxy: &Proxy) -> String {
    let mut parsed = reqwest::Url::parse(url).unwrap();
    parsed.set_host(Some("127.0.0.1")).unwrap();
    parsed.set_port(Some(proxy.addr.port())).unwrap();
    parsed.to_string()
}

/// A unique tag for database names and record ids on the shared servers.
fn tag(prefix: &str) -> String {
    format!(
        "{prefix}{}{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis()
    )
}

/// A fresh database on the PostgreSQL server; its URL and name.
async fn fresh_database(admin_url: &str, tag: &str) -> (String, String) {
    let name = format!("smart_http_faults_{tag}");
    let mut admin = sqlx::PgConnection::connect(admin_url)
        .await
        .unwrap_or_else(|e| panic!("connecting to SMART_TEST_POSTGRES_URL: {e}"));
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
        .execute(&mut admin)
        .await
        .unwrap_or_else(|e| panic!("creating database {name}: {e}"));
    admin.close().await.ok();
    let (base, _) = admin_url.rsplit_once('/').expect("a database URL");
    (format!("{base}/{name}"), name)
}

async fn drop_database(admin_url: &str, name: &str) {
    let mut admin = sqlx::PgConnection::connect(admin_url).await.unwrap();
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
    )))
    .execute(&mut admin)
    .await
    .unwrap();
}

fn request_id_of(r: &reqwest::Response) -> String {
    r.headers()
        .get("x-request-id")
        .expect("an X-Request-Id header")
        .to_str()
        .unwrap()
        .to_owned()
}

/// A refusal while a store is away: 503, a short body naming the request id, and none of
/// the backend's text (hosts, ports, SQL, SPARQL).
async fn assert_clean_503(r: reqwest::Response, what: &str, hidden: &[&str]) {
    let id = request_id_of(&r);
    let status = r.status().as_u16();
    let text = r.text().await.unwrap();
    eprintln!("{what}: {status} {text}");
    assert_eq!(status, 503, "{what}: {text}");
    assert!(
        text.contains(&id),
        "{what}: the body names the request id {id}: {text}"
    );
    assert!(text.len() < 200, "{what}: a short body: {text}");
    assert!(
        text.contains("retry later"),
        "{what}: says what to do: {text}"
    );
    for h in hidden {
        assert!(!text.contains(h), "{what}: the body leaks {h:?}: {text}");
    }
}

/// The notes of `record` as the token sees them: the status and the body.
async fn notes(server: &TestServer, token: &Creds, record: &RecordId) -> (u16, String) {
    let r = server
        .get(token, &format!("/records/{record}/clinical_notes/"))
        .await;
    (r.status().as_u16(), r.text().await.unwrap())
}

async fn post_note(
    server: &TestServer,
    token: &Creds,
    record: &RecordId,
    text: &str,
) -> reqwest::Response {
    server
        .send_body(
            token,
            "POST",
            &format!("/records/{record}/clinical_notes/"),
            "application/rdf+xml",
            note_rdfxml(text).into_bytes(),
        )
        .await
}

/// Runs `request` while the proxy stalls, and cuts every connection after a moment: the
/// request is in flight when its store goes away.
async fn cut_in_flight<F: std::future::Future>(proxy: &Proxy, request: F) -> F::Output {
    proxy.set(Mode::Stall);
    let cut = async {
        tokio::time::sleep(Duration::from_millis(500)).await;
        proxy.set(Mode::Down);
    };
    tokio::join!(request, cut).0
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sparql_server_lost_mid_request_answers_503_and_recovers() {
    let Some(shared) = shared_dir() else { return };
    let Some((sparql, pg)) = remote_urls() else {
        return;
    };
    let tag = tag("sq");
    let (db_url, db_name) = fresh_database(&pg, &tag).await;
    let target = target_of(&sparql);
    let proxy = Proxy::start(target).await;
    let proxied = via(&sparql, &proxy);
    let server = TestServer::start_with(Backend::Remote, |c| {
        c.store.sparql_url = Some(proxied.clone());
        c.store.postgres_url = Some(db_url.clone());
    })
    .await;
    let record = RecordId::new(format!("{tag}-967332")).unwrap();
    server
        .import_file_as(&reference_file(&shared, "967332"), &shared, &record)
        .await;
    let app = server
        .background_app("faults-sparql@apps.example.org")
        .await;
    let token = server.background_token(&app, record.as_str()).await;
    let r = post_note(&server, &token, &record, "before the outage").await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());

    let port = target.port().to_string();
    let hidden = ["SPARQL", "127.0.0.1", port.as_str(), "INSERT", "transit"];
    // A note posted while the SPARQL server stops answering, then goes away.
    let started = Instant::now();
    let r = cut_in_flight(
        &proxy,
        post_note(&server, &token, &record, "lost in the outage"),
    )
    .await;
    assert_clean_503(r, "a note posted as the SPARQL server went away", &hidden).await;
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    // While it is away: reads and writes answer 503 at once, /ready names the store, the
    // directory is fine.
    let r = server
        .get(&token, &format!("/records/{record}/clinical_notes/"))
        .await;
    assert_clean_503(r, "reading notes while the SPARQL server is away", &hidden).await;
    let r = post_note(&server, &token, &record, "refused in the outage").await;
    assert_clean_503(r, "a note posted while the SPARQL server is away", &hidden).await;
    let r = server
        .http
        .get(format!("{}/ready", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 503);
    let text = r.text().await.unwrap();
    assert!(text.contains("clinical store: unavailable"), "{text}");
    assert!(text.contains("directory: ok"), "{text}");

    // Back: the same server reads and writes again; nothing of the failed writes is there.
    proxy.set(Mode::Pass);
    let (status, text) = notes(&server, &token, &record).await;
    assert_eq!(status, 200, "{text}");
    assert!(text.contains("before the outage"), "{text}");
    assert!(!text.contains("lost in the outage"), "{text}");
    assert!(!text.contains("refused in the outage"), "{text}");
    let r = post_note(&server, &token, &record, "after the outage").await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let (status, text) = notes(&server, &token, &record).await;
    assert_eq!(status, 200, "{text}");
    assert!(text.contains("after the outage"), "{text}");
    let r = server
        .http
        .get(format!("{}/ready", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());

    assert!(
        server
            .container
            .clinical()
            .delete_record(&record)
            .await
            .unwrap()
    );
    server.stop().await;
    drop_database(&pg, &db_name).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_connections_cut_answer_503_and_the_pool_reconnects() {
    let Some(shared) = shared_dir() else { return };
    let Some((_, pg)) = remote_urls() else {
        return;
    };
    let tag = tag("pg");
    let (db_url, db_name) = fresh_database(&pg, &tag).await;
    let target = target_of(&db_url);
    let proxy = Proxy::start(target).await;
    let proxied = via(&db_url, &proxy);
    let server = TestServer::start_with(Backend::Remote, |c| {
        c.store.postgres_url = Some(proxied.clone());
    })
    .await;
    let record = RecordId::new(format!("{tag}-967332")).unwrap();
    server
        .import_file_as(&reference_file(&shared, "967332"), &shared, &record)
        .await;
    let app = server.background_app("faults-pg@apps.example.org").await;
    let token = server.background_token(&app, record.as_str()).await;
    let r = post_note(&server, &token, &record, "before the restart").await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());

    let port = target.port().to_string();
    let hidden = [
        "postgres",
        "PostgreSQL",
        "sqlx",
        "127.0.0.1",
        port.as_str(),
        "SELECT",
        "pool",
    ];
    // A call in flight when every connection to PostgreSQL is cut (a restart, as its
    // clients see it): the token check or the write fails cleanly.
    let r = cut_in_flight(
        &proxy,
        post_note(&server, &token, &record, "cut by the restart"),
    )
    .await;
    assert_clean_503(r, "a note posted as PostgreSQL went away", &hidden).await;
    // While it is down: a call waits at most the pool's acquire timeout, then 503.
    let started = Instant::now();
    let r = server
        .get(&token, &format!("/records/{record}/demographics"))
        .await;
    assert_clean_503(r, "a read while PostgreSQL is down", &hidden).await;
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );

    // PostgreSQL is back: the same server (its pool) serves again at once.
    proxy.set(Mode::Pass);
    let r = server
        .get(&token, &format!("/records/{record}/demographics"))
        .await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let r = post_note(&server, &token, &record, "after the restart").await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let (status, text) = notes(&server, &token, &record).await;
    assert_eq!(status, 200, "{text}");
    assert!(text.contains("before the restart"), "{text}");
    assert!(text.contains("after the restart"), "{text}");
    assert!(!text.contains("cut by the restart"), "{text}");
    let r = server
        .http
        .get(format!("{}/ready", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());

    assert!(
        server
            .container
            .clinical()
            .delete_record(&record)
            .await
            .unwrap()
    );
    server.stop().await;
    drop_database(&pg, &db_name).await;
}
