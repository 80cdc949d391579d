//! `kill -9` during a burst of writes loses no acknowledged write. A child process (this
//! test binary re-run with `SMART_KILL9_CHILD` naming the data directory; it then runs
//! only `child_server`) serves the embedded default; the parent posts clinical notes and
//! PUTs scratchpad data and user preferences from several tasks at once, records every
//! write answered 2xx, kills the child with SIGKILL at a random moment, starts it again on
//! the same data directory and checks that the stores reopen, that every acknowledged
//! note is there once and whole, and that the scratchpad and the preferences hold the
//! last acknowledged value (or the one in flight at the kill, which may have committed
//! without its answer reaching the client).
//!
//! Needs the reference patients (a record to write to); under `CI=true` their absence
//! fails the test.

mod common;

use common::{Backend, Creds, TestServer, note_rdfxml, reference_file, shared_dir, typed};
use smart_core::{RecordId, sp};
use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader};

const CHILD_ENV: &str = "SMART_KILL9_CHILD";
const RUNS: usize = 4;
const APP: &str = "kill9@apps.example.org";
const USER: &str = "kill9@example.org";

/// The child: a server on the data directory of `SMART_KILL9_CHILD`, printing `BASE <url>`
/// once it serves, until it is killed. A no-op in a normal test run.
#[test]
fn child_server() {
    let Some(dir) = std::env::var_os(CHILD_ENV) else {
        return;
    };
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let server = TestServer::start_with(Backend::Embedded, |c| {
            c.data_dir = PathBuf::from(&dir);
        })
        .await;
        println!("BASE {}", server.base);
        std::future::pending::<()>().await;
    });
}

/// Pseudo-random numbers from the standard library's randomly seeded hasher.
fn random_below(n: u64) -> u64 {
    let mut h = RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0),
    );
    h.finish() % n.max(1)
}

/// A running child server.
struct Child {
    process: tokio::process::Child,
    base: String,
}

async fn start_child(data: &Path) -> Child {
    let mut process = tokio::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "child_server", "--nocapture", "--test-threads=1"])
        .env(CHILD_ENV, data)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .expect("spawn the child server");
    let mut lines = BufReader::new(process.stdout.take().unwrap()).lines();
    let base = tokio::time::timeout(Duration::from_secs(60), async {
        while let Some(line) = lines.next_line().await.unwrap() {
            // libtest may print the test's name on the same line first.
            if let Some((_, base)) = line.split_once("BASE ") {
                return base.trim().to_owned();
            }
        }
        panic!("the child server exited before serving");
    })
    .await
    .expect("the child server comes up");
    // Keep reading (and dropping) what the child prints, so it never blocks on a pipe.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    Child { process, base }
}

/// A signed request to `base` (non-form bodies covered by `oauth_body_hash`).
fn signed(
    http: &reqwest::Client,
    base: &str,
    c: &Creds,
    method: &str,
    path: &str,
    body: Option<(&str, Vec<u8>)>,
) -> reqwest::RequestBuilder {
    use smart_auth::oauth::{HeaderSigner, SignatureMethod};
    let nonce = smart_auth::random_string(&smart_auth::OsRandom::new(), 16).unwrap();
    let consumer = smart_auth::Secret::new(c.secret.clone());
    let (token, token_secret) = c.token.clone().expect("a token");
    let token_secret = smart_auth::Secret::new(token_secret);
    let mut signer = HeaderSigner::new(SignatureMethod::HmacSha1, &c.key, &consumer)
        .nonce(&nonce)
        .timestamp(smart_auth::Clock::now(&smart_auth::SystemClock::new()))
        .token(&token, &token_secret);
    if let Some((_, bytes)) = &body {
        signer = signer.body(bytes);
    }
    let header = signer.sign(method, &format!("{base}{path}"), None).unwrap();
    let mut request = http
        .request(method.parse().unwrap(), format!("{base}{path}"))
        .header("Authorization", header);
    if let Some((content_type, bytes)) = body {
        request = request.header("Content-Type", content_type).body(bytes);
    }
    request
}

/// What the writers saw acknowledged.
#[derive(Default)]
struct Acked {
    notes: Vec<String>,
    /// Per blob (scratchpad, preferences): the last value answered 2xx and the value
    /// sent after it (in flight at the kill, or refused).
    last: [Option<String>; 2],
    after_last: [Option<String>; 2],
}

/// Writes until the server goes away: `writers` tasks posting notes, one PUTting the
/// scratchpad, one PUTting the preferences.
async fn burst(base: String, token: Creds, record: RecordId, run: usize, acked: Arc<Mutex<Acked>>) {
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let mut tasks = Vec::new();
    for w in 0..3 {
        let (http, base, token, record, acked, stop) = (
            http.clone(),
            base.clone(),
            token.clone(),
            record.clone(),
            acked.clone(),
            stop.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let path = format!("/records/{record}/clinical_notes/");
            for i in 0.. {
                if stop.load(Ordering::SeqCst) {
                    break;
                }
                let text = format!("kill9-r{run}-w{w}-n{i}");
                let body = note_rdfxml(&text).into_bytes();
                let sent = signed(
                    &http,
                    &base,
                    &token,
                    "POST",
                    &path,
                    Some(("application/rdf+xml", body)),
                )
                .send()
                .await;
                match sent {
                    Ok(r) if r.status().is_success() => {
                        // Acknowledged only once the whole answer arrived.
                        if r.bytes().await.is_ok() {
                            acked.lock().unwrap().notes.push(text);
                        } else {
                            break;
                        }
                    }
                    Ok(r) => panic!("a note was refused: {} {:?}", r.status(), r.text().await),
                    Err(_) => break,
                }
            }
        }));
    }
    for (slot, path) in [
        format!("/records/{record}/apps/{APP}/scratchpad"),
        format!("/users/{USER}/apps/{APP}/preferences"),
    ]
    .into_iter()
    .enumerate()
    {
        let (http, base, token, acked, stop) = (
            http.clone(),
            base.clone(),
            token.clone(),
            acked.clone(),
            stop.clone(),
        );
        tasks.push(tokio::spawn(async move {
            for i in 0.. {
                if stop.load(Ordering::SeqCst) {
                    break;
                }
                let value = format!("kill9-r{run}-s{slot}-v{i}");
                acked.lock().unwrap().after_last[slot] = Some(value.clone());
                let body = value.clone().into_bytes();
                let sent = signed(
                    &http,
                    &base,
                    &token,
                    "PUT",
                    &path,
                    Some(("text/plain", body)),
                )
                .send()
                .await;
                match sent {
                    Ok(r) if r.status().is_success() => match r.text().await {
                        Ok(echo) => {
                            assert_eq!(echo, value, "the stored value is echoed");
                            let mut a = acked.lock().unwrap();
                            a.last[slot] = Some(value);
                            a.after_last[slot] = None;
                        }
                        Err(_) => break,
                    },
                    Ok(r) => panic!("a PUT was refused: {} {:?}", r.status(), r.text().await),
                    Err(_) => break,
                }
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    stop.store(true, Ordering::SeqCst);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_during_a_burst_of_writes_loses_no_acknowledged_write() {
    if std::env::var_os(CHILD_ENV).is_some() {
        return;
    }
    let Some(shared) = shared_dir() else { return };
    let data = tempfile::tempdir().unwrap();

    // Setup in-process on the data directory: a record, a user, an app with a user-bound
    // access token (it may write notes, the app's scratchpad and the user's preferences).
    let setup = TestServer::start_with(Backend::Embedded, |c| {
        c.data_dir = data.path().to_path_buf();
    })
    .await;
    let record = RecordId::new("967332").unwrap();
    setup
        .import_file_as(&reference_file(&shared, "967332"), &shared, &record)
        .await;
    let app = setup.ui_app(APP).await;
    setup.create_user(USER).await;
    let session = setup.login(USER).await;
    let (token, _) = setup.three_legged(&app, &session, record.as_str()).await;
    setup.stop().await;

    let acked = Arc::new(Mutex::new(Acked::default()));
    let mut killed_with_writes_in_flight = 0;
    for run in 0..RUNS {
        let mut child = start_child(data.path()).await;
        let before = acked.lock().unwrap().notes.len();
        let writes = tokio::spawn(burst(
            child.base.clone(),
            token.clone(),
            record.clone(),
            run,
            acked.clone(),
        ));
        tokio::time::sleep(Duration::from_millis(200 + random_below(1500))).await;
        child.process.start_kill().unwrap();
        child.process.wait().await.unwrap();
        writes.await.unwrap();
        let a = acked.lock().unwrap();
        assert!(
            a.notes.len() > before,
            "run {run}: some notes were acknowledged"
        );
        if a.after_last.iter().any(Option::is_some) {
            killed_with_writes_in_flight += 1;
        }
    }
    assert!(killed_with_writes_in_flight > 0);

    // The stores reopen on the same directory and hold every acknowledged write.
    let child = start_child(data.path()).await;
    let http = reqwest::Client::new();
    let r = http
        .get(format!("{}/ready", child.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let r = signed(
        &http,
        &child.base,
        &token,
        "GET",
        &format!("/records/{record}/clinical_notes/"),
        None,
    )
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), 200);
    let body = r.bytes().await.unwrap();
    let graph = smart_rdf::parse(&body, smart_rdf::RdfFormat::RdfXml, None).unwrap();
    let notes = typed(&graph, sp!("ClinicalNote"));
    // Each note written here is whole: its text and its title are there.
    let mut values = Vec::new();
    for n in &notes {
        let value = object(&graph, n, sp!("resource"))
            .and_then(|r| object(&graph, &r, sp!("content")))
            .and_then(|c| common::literal(&graph, &c, sp!("value")));
        let Some(value) = value.filter(|v| v.starts_with("kill9-")) else {
            continue;
        };
        assert_eq!(
            common::literal(&graph, n, smart_core::dcterms!("title")).as_deref(),
            Some("Telephone note"),
            "the note {value} is whole"
        );
        values.push(value);
    }
    let a = std::mem::take(&mut *acked.lock().unwrap());
    for text in &a.notes {
        assert_eq!(
            values.iter().filter(|v| *v == text).count(),
            1,
            "the acknowledged note {text} is stored once"
        );
    }
    for (slot, path) in [
        format!("/records/{record}/apps/{APP}/scratchpad"),
        format!("/users/{USER}/apps/{APP}/preferences"),
    ]
    .into_iter()
    .enumerate()
    {
        let r = signed(&http, &child.base, &token, "GET", &path, None)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let stored = r.text().await.unwrap();
        let last = a.last[slot].clone().expect("a value was acknowledged");
        assert!(
            stored == last || a.after_last[slot].as_deref() == Some(stored.as_str()),
            "{path}: stored {stored:?}, last acknowledged {last:?}, in flight {:?}",
            a.after_last[slot]
        );
    }
    eprintln!(
        "{} notes acknowledged, {} stored; {killed_with_writes_in_flight} of {RUNS} kills with a blob write in flight",
        a.notes.len(),
        values.len()
    );
    drop(child);
}

/// The object of `subject`'s `predicate`, if it is a node.
fn object(
    graph: &oxrdf::Graph,
    subject: &oxrdf::NamedOrBlankNode,
    predicate: &str,
) -> Option<oxrdf::NamedOrBlankNode> {
    match graph.object_for_subject_predicate(
        subject.as_ref(),
        oxrdf::NamedNodeRef::new_unchecked(predicate),
    )? {
        oxrdf::TermRef::NamedNode(n) => Some(n.into_owned().into()),
        oxrdf::TermRef::BlankNode(b) => Some(b.into_owned().into()),
        _ => None,
    }
}
