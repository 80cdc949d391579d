//! The load test of issue #5 §7: requests/s and latency of two record calls, side by side
//! on 127.0.0.1 with the same client and concurrency, against
//!
//! - **(a) ceiling**: a bare hyper server answering the exact bytes our server sends for
//!   the call, with no work;
//! - **(b) smart-http**: our server on the embedded default, with full OAuth 1.0a
//!   verification (a fresh signature, nonce and timestamp on every request);
//! - **(c) Oxigraph**: an Oxigraph server (its own process, started here) answering the
//!   equivalent SPARQL `CONSTRUCT` over the same statements in the same layout.
//!
//! It prints requests/s, p50 and p99 latency and the ratios b/a and b/c, then shows that
//! a record call costs in proportion to that record (smallest vs largest patient, and 60
//! vs 600 patients in the store). BENCHMARKS.md records the figures.
//!
//! Run with `cargo bench -p smart-benches --bench load`. Without `--bench` on the command
//! line (as under `cargo test --all-targets`) it only prints how to run it.
//!
//! Environment (defaults in brackets): `SMART_LOAD_WORKERS` [32] concurrent connections,
//! `SMART_LOAD_SECONDS` [10] measured seconds per scenario, `SMART_LOAD_WARMUP_SECONDS`
//! [2], `SMART_LOAD_CLIENT_THREADS` [1] and `SMART_LOAD_SERVER_THREADS` [2] tokio worker
//! threads, `SMART_LOAD_EXTRA_PATIENTS` [540] generated patients added for the store-size
//! run, `SMART_LOAD_OXIGRAPH_URL` an Oxigraph server to load and use instead of starting
//! one (its data is replaced record by record), `SMART_OXIGRAPH_BIN` the `oxigraph`
//! binary (otherwise `.ci/venv-oxigraph/bin/oxigraph` of this checkout or of the main
//! worktree, then `PATH`). Without reference patients or without Oxigraph it fails under
//! `CI=true` and says so loudly elsewhere (skipping what it cannot measure).

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::num::NonZeroU64;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::header::{self, HeaderValue};
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use oauth1_request as oauth;
use oxrdf::dataset::CanonicalizationAlgorithm;
use oxrdf::{Graph, NamedNodeRef, NamedOrBlankNode, TermRef};
use smart_core::{RecordId, api, sp};
use smart_http::{Container, ServerConfig};
use smart_rdf::split::{to_public, to_storage};
use smart_rdf::{RdfFormat, SplitRecord, parse, split_record};
use smart_store::clinical::remote::{RemoteSparqlConfig, RemoteSparqlEngine};
use smart_store::clinical::{ClinicalStore, SparqlClinicalStore, StatementQuery};
use smart_store::directory::Timestamp;

// ---------------------------------------------------------------------------------------
// Options

#[derive(Debug, Clone)]
struct Options {
    workers: usize,
    seconds: f64,
    warmup: f64,
    client_threads: usize,
    server_threads: usize,
    extra_patients: usize,
}

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    match std::env::var(name) {
        Ok(v) => v
            .parse()
            .unwrap_or_else(|_| panic!("{name}={v:?} is not a valid value")),
        Err(_) => default,
    }
}

impl Options {
    fn from_env() -> Self {
        Self {
            workers: env_or("SMART_LOAD_WORKERS", 32),
            seconds: env_or("SMART_LOAD_SECONDS", 10.0),
            warmup: env_or("SMART_LOAD_WARMUP_SECONDS", 2.0),
            client_threads: env_or("SMART_LOAD_CLIENT_THREADS", 1),
            server_threads: env_or("SMART_LOAD_SERVER_THREADS", 2),
            extra_patients: env_or("SMART_LOAD_EXTRA_PATIENTS", 540),
        }
    }
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// Fails under CI, says so loudly elsewhere.
fn missing(what: &str) {
    if in_ci() {
        panic!("{what}");
    }
    eprintln!("!!!!! {what}; SKIPPING that part of the load test !!!!!");
}

// ---------------------------------------------------------------------------------------
// The data

/// The reference patients, parsed and split as the importer stores them.
fn reference_splits(dir: &Path) -> Vec<SplitRecord> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("read the patients directory")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "xml"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|file| {
            let name = file.file_name().and_then(|n| n.to_str()).expect("name");
            let record = RecordId::from_file_name(name).expect("record id");
            let bytes = std::fs::read(file).expect("read patient");
            let graph = parse(&bytes, RdfFormat::RdfXml, None).expect("parse patient");
            split_record(&graph, &record).expect("split patient")
        })
        .collect()
}

fn count_class(split: &SplitRecord, class: &str) -> usize {
    split
        .statements
        .iter()
        .filter(|s| s.class.iri == class)
        .count()
}

/// The LOINC codes of a record's lab results (`sp:labName/sp:code`), with counts.
fn loinc_counts(split: &SplitRecord) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    let lab_name = NamedNodeRef::new_unchecked(sp!("labName"));
    let code = NamedNodeRef::new_unchecked(sp!("code"));
    for s in split
        .statements
        .iter()
        .filter(|s| s.class.iri == sp!("LabResult"))
    {
        for name in s.graph.objects_for_subject_predicate(&s.iri, lab_name) {
            let subject = match name {
                TermRef::NamedNode(n) => NamedOrBlankNode::from(n.into_owned()),
                TermRef::BlankNode(b) => NamedOrBlankNode::from(b.into_owned()),
                _ => continue,
            };
            for c in s.graph.objects_for_subject_predicate(&subject, code) {
                if let TermRef::NamedNode(n) = c {
                    if let Some(v) = n.as_str().strip_prefix(smart_core::vocab::LOINC) {
                        *counts.entry(v.to_owned()).or_default() += 1;
                    }
                }
            }
        }
    }
    counts
}

// ---------------------------------------------------------------------------------------
// Client plumbing: one HTTP/1.1 keep-alive connection per worker, hyper's own client

/// What a request looks like; built afresh (and signed afresh) for every request.
#[derive(Debug, Clone)]
struct Call {
    addr: SocketAddr,
    method: &'static str,
    path_and_query: String,
    body: Option<(&'static str, Bytes)>,
    accept: &'static str,
}

/// OAuth 1.0a signing with a background token, as a real client: HMAC-SHA1, a fresh
/// nonce and the current time on every request.
#[derive(Debug)]
struct Signer {
    key: String,
    secret: String,
    token: Option<(String, String)>,
    nonce: AtomicU64,
    salt: u128,
}

impl Signer {
    fn new(key: &str, secret: &str, token: Option<(String, String)>) -> Self {
        Self {
            key: key.to_owned(),
            secret: secret.to_owned(),
            token,
            nonce: AtomicU64::new(0),
            salt: SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos()),
        }
    }

    /// The `Authorization` header for `method` on `http://{addr}{path_and_query}`; the
    /// query parameters are part of the signature.
    fn authorization(&self, method: &str, addr: SocketAddr, path_and_query: &str) -> String {
        let (path, query) = path_and_query
            .split_once('?')
            .unwrap_or((path_and_query, ""));
        let params: Vec<(String, String)> = query
            .split('&')
            .filter(|s| !s.is_empty())
            .map(|pair| {
                let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                (k.to_owned(), v.to_owned())
            })
            .collect();
        let list = oauth::ParameterList::new(params);
        let n = self.nonce.fetch_add(1, Ordering::Relaxed);
        let nonce = format!("{:x}-{n}", self.salt);
        let mut b = oauth::Builder::<_, _>::new(
            oauth::Credentials::new(self.key.as_str(), self.secret.as_str()),
            oauth::HmacSha1::new(),
        );
        if let Some((t, s)) = &self.token {
            b.token(oauth::Credentials::new(t.as_str(), s.as_str()));
        }
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(1, |d| d.as_secs());
        b.nonce(nonce.as_str())
            .timestamp(NonZeroU64::new(now))
            .version(true);
        b.authorize(method, format!("http://{addr}{path}"), &list)
    }
}

impl Call {
    fn request(&self, signer: &Signer) -> Request<Full<Bytes>> {
        let authorization = signer.authorization(self.method, self.addr, &self.path_and_query);
        let builder = Request::builder()
            .method(self.method)
            .uri(self.path_and_query.as_str())
            .header(header::HOST, self.addr.to_string())
            .header(header::ACCEPT, self.accept)
            .header(header::AUTHORIZATION, authorization);
        match &self.body {
            Some((content_type, body)) => builder
                .header(header::CONTENT_TYPE, *content_type)
                .body(Full::new(body.clone())),
            None => builder.body(Full::new(Bytes::new())),
        }
        .expect("request")
    }
}

type Sender = hyper::client::conn::http1::SendRequest<Full<Bytes>>;

async fn connect(addr: SocketAddr) -> Result<Sender, String> {
    let stream = tokio::net::TcpStream::connect(addr)
        .await
        .map_err(|e| format!("connect {addr}: {e}"))?;
    stream.set_nodelay(true).map_err(|e| e.to_string())?;
    let (sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| format!("handshake {addr}: {e}"))?;
    tokio::spawn(conn);
    Ok(sender)
}

async fn send(
    sender: &mut Sender,
    req: Request<Full<Bytes>>,
) -> Result<(StatusCode, Bytes), String> {
    sender.ready().await.map_err(|e| e.to_string())?;
    let response = sender.send_request(req).await.map_err(|e| e.to_string())?;
    let status = response.status();
    let body = response
        .into_body()
        .collect()
        .await
        .map_err(|e| e.to_string())?
        .to_bytes();
    Ok((status, body))
}

/// One request on a fresh connection (setup calls).
async fn once(req: Request<Full<Bytes>>, addr: SocketAddr) -> Result<(StatusCode, Bytes), String> {
    let mut sender = connect(addr).await?;
    send(&mut sender, req).await
}

// ---------------------------------------------------------------------------------------
// The load generator

#[derive(Debug, Default)]
struct Stats {
    latencies_us: Vec<u32>,
    errors: u64,
    first_error: Option<String>,
}

#[derive(Debug)]
struct Outcome {
    requests: usize,
    rps: f64,
    p50_ms: f64,
    p99_ms: f64,
    errors: u64,
    first_error: Option<String>,
}

async fn worker(
    call: Arc<Call>,
    signer: Arc<Signer>,
    measure_from: Instant,
    end: Instant,
) -> Stats {
    let mut stats = Stats::default();
    let mut sender: Option<Sender> = None;
    while Instant::now() < end {
        let mut s = match sender.take() {
            Some(s) => s,
            None => match connect(call.addr).await {
                Ok(s) => s,
                Err(e) => {
                    stats.errors += 1;
                    stats.first_error.get_or_insert(e);
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
            },
        };
        let req = call.request(&signer);
        let started = Instant::now();
        let result = send(&mut s, req).await;
        let took = started.elapsed();
        let measured = started >= measure_from && Instant::now() <= end;
        match result {
            Ok((status, body)) if status == StatusCode::OK && !body.is_empty() => {
                sender = Some(s);
                if measured {
                    stats
                        .latencies_us
                        .push(u32::try_from(took.as_micros()).unwrap_or(u32::MAX));
                }
            }
            Ok((status, body)) => {
                sender = Some(s);
                if measured {
                    stats.errors += 1;
                    stats.first_error.get_or_insert_with(|| {
                        format!(
                            "HTTP {status}: {}",
                            String::from_utf8_lossy(&body[..body.len().min(300)])
                        )
                    });
                }
            }
            Err(e) => {
                if measured {
                    stats.errors += 1;
                    stats.first_error.get_or_insert(e);
                }
            }
        }
    }
    stats
}

fn run(rt: &tokio::runtime::Runtime, o: &Options, call: &Call, signer: &Arc<Signer>) -> Outcome {
    let call = Arc::new(call.clone());
    let start = Instant::now();
    let measure_from = start + Duration::from_secs_f64(o.warmup);
    let end = measure_from + Duration::from_secs_f64(o.seconds);
    let all: Vec<Stats> = rt.block_on(async {
        let tasks: Vec<_> = (0..o.workers)
            .map(|_| tokio::spawn(worker(call.clone(), signer.clone(), measure_from, end)))
            .collect();
        let mut all = Vec::new();
        for t in tasks {
            all.push(t.await.expect("worker"));
        }
        all
    });
    let mut latencies: Vec<u32> = all
        .iter()
        .flat_map(|s| s.latencies_us.iter().copied())
        .collect();
    latencies.sort_unstable();
    let pct = |p: f64| -> f64 {
        if latencies.is_empty() {
            return f64::NAN;
        }
        let i = ((latencies.len() as f64 * p).ceil() as usize).clamp(1, latencies.len()) - 1;
        f64::from(latencies[i]) / 1000.0
    };
    Outcome {
        requests: latencies.len(),
        rps: latencies.len() as f64 / o.seconds,
        p50_ms: pct(0.50),
        p99_ms: pct(0.99),
        errors: all.iter().map(|s| s.errors).sum(),
        first_error: all.iter().find_map(|s| s.first_error.clone()),
    }
}

/// The median latency of `n` requests one after the other on one connection (the
/// service time without queueing), in ms.
fn unloaded(rt: &tokio::runtime::Runtime, call: &Call, signer: &Signer, n: usize) -> f64 {
    rt.block_on(async {
        let mut sender = connect(call.addr).await.expect("connect");
        let mut took = Vec::with_capacity(n);
        for _ in 0..n {
            let req = call.request(signer);
            let started = Instant::now();
            let (status, _) = send(&mut sender, req).await.expect("a response");
            took.push(started.elapsed().as_secs_f64() * 1000.0);
            assert_eq!(status, StatusCode::OK);
        }
        took.sort_by(f64::total_cmp);
        took[n / 2]
    })
}

/// Where the time of one (b) request goes, measured in process without HTTP: the
/// clinical store's query, the page's graph rewritten to public IRIs (a new oxrdf
/// `Graph`), and its RDF/XML serialization: medians of `n`, in ms.
fn breakdown(
    rt: &tokio::runtime::Runtime,
    container: &Container,
    call_name: &str,
    record: &RecordId,
    query: &str,
    n: usize,
) -> (f64, f64, f64) {
    let call = smart_core::catalog::call(call_name).expect("a catalog call");
    let params: Vec<(String, String)> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (k.to_owned(), v.to_owned())
        })
        .collect();
    let q = StatementQuery::from_call(call, &params).expect("the query");
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let mut store_ms = Vec::new();
    let mut public_ms = Vec::new();
    let mut serialize_ms = Vec::new();
    for _ in 0..n {
        let started = Instant::now();
        let page = rt
            .block_on(container.clinical().query(record, &q))
            .expect("the query");
        store_ms.push(started.elapsed().as_secs_f64() * 1000.0);
        let started = Instant::now();
        let graph = to_public(&page.graph, container.api_base());
        public_ms.push(started.elapsed().as_secs_f64() * 1000.0);
        let started = Instant::now();
        let bytes = smart_rdf::serialize(&graph, RdfFormat::RdfXml);
        serialize_ms.push(started.elapsed().as_secs_f64() * 1000.0);
        assert!(!bytes.is_empty());
    }
    (median(store_ms), median(public_ms), median(serialize_ms))
}

// ---------------------------------------------------------------------------------------
// (a) the bare hyper server

/// Serves `routes` (path and query → content type and bytes) with no other work.
async fn bare_server(
    listener: tokio::net::TcpListener,
    routes: Arc<HashMap<String, (HeaderValue, Bytes)>>,
) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let routes = routes.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |req: Request<Incoming>| {
                let found = req
                    .uri()
                    .path_and_query()
                    .and_then(|pq| routes.get(pq.as_str()))
                    .cloned();
                async move {
                    let response = match found {
                        Some((content_type, bytes)) => {
                            let mut r = Response::new(Full::new(bytes));
                            r.headers_mut().insert(header::CONTENT_TYPE, content_type);
                            r
                        }
                        None => {
                            let mut r = Response::new(Full::new(Bytes::new()));
                            *r.status_mut() = StatusCode::NOT_FOUND;
                            r
                        }
                    };
                    Ok::<_, Infallible>(response)
                }
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

// ---------------------------------------------------------------------------------------
// (c) the Oxigraph server

/// An Oxigraph server process we started; killed when dropped.
#[derive(Debug)]
struct OxigraphProcess {
    child: Child,
    _dir: tempfile::TempDir,
}

impl Drop for OxigraphProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The `oxigraph` binary: `SMART_OXIGRAPH_BIN`, the venv of `scripts/services` in this
/// checkout or an ancestor, the venv of the main worktree (git worktrees share it), or
/// `PATH`.
fn oxigraph_binary() -> Option<PathBuf> {
    if let Some(bin) = std::env::var_os("SMART_OXIGRAPH_BIN") {
        return Some(PathBuf::from(bin));
    }
    let venv = Path::new(".ci/venv-oxigraph/bin/oxigraph");
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    if let Some(found) = here.ancestors().map(|a| a.join(venv)).find(|p| p.is_file()) {
        return Some(found);
    }
    let common = Command::new("git")
        .args(["rev-parse", "--path-format=absolute", "--git-common-dir"])
        .current_dir(here)
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()));
    if let Some(main) = common.as_deref().and_then(Path::parent) {
        let candidate = main.join(venv);
        if candidate.is_file() {
            return Some(candidate);
        }
    }
    Command::new("oxigraph")
        .arg("--version")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|_| PathBuf::from("oxigraph"))
}

/// Starts an in-memory Oxigraph server on a free port of 127.0.0.1 and waits until it
/// answers.
fn start_oxigraph(rt: &tokio::runtime::Runtime, bin: &Path) -> (OxigraphProcess, SocketAddr) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().expect("address");
    let dir = tempfile::tempdir().expect("temporary directory");
    let log = std::fs::File::create(dir.path().join("oxigraph.log")).expect("log file");
    // In memory (no --location), like our embedded store's query engine.
    let child = Command::new(bin)
        .args(["serve", "--bind", &addr.to_string()])
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .unwrap_or_else(|e| panic!("could not start {}: {e}", bin.display()));
    let process = OxigraphProcess { child, _dir: dir };
    let ready = rt.block_on(async {
        for _ in 0..200 {
            let req = Request::get("/")
                .header(header::HOST, addr.to_string())
                .body(Full::new(Bytes::new()))
                .expect("request");
            if once(req, addr).await.is_ok() {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        false
    });
    assert!(ready, "the Oxigraph server on {addr} did not start");
    (process, addr)
}

/// The triples of the statements `selection` binds to `?m` and of the statements of the
/// same record they link to (the one-hop expansion our server does).
///
/// Of the formulations tried, this one is the fastest on Oxigraph 0.5.13: the `UNION`
/// joins on the `?m` the selection bound, so Oxigraph reads each statement graph by its
/// name. Wrapping the expansion in `SELECT DISTINCT ?g { … }` and ending with
/// `GRAPH ?g { ?s ?p ?o }` gives the same triples 5 to 10 times slower.
fn construct(record_iri: &str, selection: &str) -> String {
    format!(
        "PREFIX sp: <http://smartplatforms.org/terms#>
PREFIX dcterms: <http://purl.org/dc/terms/>
CONSTRUCT {{ ?s ?p ?o }} WHERE {{
  {selection}
  {{ GRAPH ?m {{ ?s ?p ?o }} }}
  UNION
  {{ GRAPH ?m {{ ?x ?y ?g }}
     GRAPH <{record_iri}> {{ <{record_iri}> sp:hasStatement ?g }}
     GRAPH ?g {{ ?s ?p ?o }} }}
}}"
    )
}

// ---------------------------------------------------------------------------------------
// Comparing answers

/// A response graph in storage form without our `api:ResponseSummary` (and its
/// `resultOrder` list), canonicalized so that blank-node labels do not matter.
fn comparable(body: &[u8], base: Option<&smart_rdf::split::ApiBase>) -> Graph {
    let graph = parse(body, RdfFormat::RdfXml, None).expect("an RDF/XML answer");
    let mut graph = match base {
        Some(b) => to_storage(&graph, b),
        None => graph,
    };
    let summary_type = NamedNodeRef::new_unchecked(api!("ResponseSummary"));
    let mut drop: Vec<NamedOrBlankNode> = graph
        .subjects_for_predicate_object(oxrdf::vocab::rdf::TYPE, summary_type)
        .map(|s| s.into_owned())
        .collect();
    let mut i = 0;
    while i < drop.len() {
        let objects: Vec<NamedOrBlankNode> = graph
            .triples_for_subject(&drop[i])
            .filter_map(|t| match t.object {
                TermRef::BlankNode(b) => Some(NamedOrBlankNode::from(b.into_owned())),
                _ => None,
            })
            .collect();
        for o in objects {
            if !drop.contains(&o) {
                drop.push(o);
            }
        }
        i += 1;
    }
    let doomed: Vec<oxrdf::Triple> = graph
        .iter()
        .filter(|t| drop.iter().any(|d| d.as_ref() == t.subject))
        .map(|t| t.into_owned())
        .collect();
    for t in &doomed {
        graph.remove(t);
    }
    graph.canonicalize(CanonicalizationAlgorithm::Unstable);
    graph
}

// ---------------------------------------------------------------------------------------
// Our server

struct Ours {
    container: Arc<Container>,
    addr: SocketAddr,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
    _data: tempfile::TempDir,
}

impl Ours {
    fn start(rt: &tokio::runtime::Runtime) -> Self {
        let data = tempfile::tempdir().expect("temporary directory");
        rt.block_on(async {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind");
            let addr = listener.local_addr().expect("address");
            let mut config = ServerConfig::for_data_dir(data.path());
            config.public_url = format!("http://{addr}");
            config.bind = addr;
            let container = Arc::new(Container::open(config).await.expect("open the container"));
            let (tx, rx) = tokio::sync::oneshot::channel::<()>();
            let task = tokio::spawn(smart_http::serve(container.clone(), listener, async move {
                let _ = rx.await;
            }));
            Self {
                container,
                addr,
                shutdown: Some(tx),
                task: Some(task),
                _data: data,
            }
        })
    }

    async fn import(&self, split: &SplitRecord) {
        self.container
            .clinical()
            .replace_record(split)
            .await
            .expect("import into our store");
        self.container
            .directory()
            .upsert_record(&split.record, "", Timestamp::now())
            .await
            .expect("register the record");
    }

    fn admin(&self) -> Signer {
        let a = self.container.admin_credential();
        Signer::new(a.key(), a.secret().expose(), None)
    }

    /// Registers a background app with the admin credential; its key and secret.
    async fn background_app(&self) -> (String, String) {
        let manifest = serde_json::json!({
            "name": "Load test", "description": "the load test of smart-benches",
            "author": "smart-rs", "id": "load-test@apps.smart-rs.invalid", "version": "1.0",
            "mode": "background", "scope": "record",
        });
        let call = Call {
            addr: self.addr,
            method: "POST",
            path_and_query: "/apps/".to_owned(),
            body: Some(("application/json", Bytes::from(manifest.to_string()))),
            accept: "application/json",
        };
        let (status, body) = once(call.request(&self.admin()), self.addr)
            .await
            .expect("register the app");
        let text = String::from_utf8_lossy(&body);
        assert_eq!(status, StatusCode::OK, "registering the app: {text}");
        let v: serde_json::Value = serde_json::from_str(&text).expect("JSON");
        (
            v["consumer_key"].as_str().expect("key").to_owned(),
            v["consumer_secret"].as_str().expect("secret").to_owned(),
        )
    }

    /// A signer holding a background token of the app for `record`.
    async fn token(&self, app: &(String, String), record: &RecordId) -> Arc<Signer> {
        let call = Call {
            addr: self.addr,
            method: "GET",
            path_and_query: format!("/apps/{}/tokens/records/{record}", app.0),
            body: None,
            accept: "*/*",
        };
        let (status, body) = once(call.request(&Signer::new(&app.0, &app.1, None)), self.addr)
            .await
            .expect("a background token");
        let text = String::from_utf8_lossy(&body).into_owned();
        assert_eq!(status, StatusCode::OK, "background token: {text}");
        let field = |k: &str| {
            text.split('&')
                .find_map(|p| p.strip_prefix(&format!("{k}=")))
                .expect("token field")
                .to_owned()
        };
        Arc::new(Signer::new(
            &app.0,
            &app.1,
            Some((field("oauth_token"), field("oauth_token_secret"))),
        ))
    }

    fn stop(mut self, rt: &tokio::runtime::Runtime) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        rt.block_on(async {
            if let Some(task) = self.task.take() {
                let _ = task.await;
            }
            self.container.close().await;
        });
    }
}

// ---------------------------------------------------------------------------------------
// Reporting

fn print_header(title: &str) {
    println!("\n{title}");
    println!(
        "  {:<34} {:>10} {:>9} {:>9} {:>8} {:>9}",
        "scenario", "req/s", "p50 ms", "p99 ms", "errors", "requests"
    );
}

fn print_row(name: &str, o: &Outcome) {
    println!(
        "  {:<34} {:>10.0} {:>9.2} {:>9.2} {:>8} {:>9}",
        name, o.rps, o.p50_ms, o.p99_ms, o.errors, o.requests
    );
    if let Some(e) = &o.first_error {
        println!("    first error: {e}");
    }
}

// ---------------------------------------------------------------------------------------

struct Scenario {
    label: &'static str,
    call: &'static str,
    path_and_query: String,
    selection: String,
}

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        eprintln!("load: the HTTP load test runs with `cargo bench -p smart-benches --bench load`");
        return;
    }
    let o = Options::from_env();
    let Some(dir) = smart_benches::reference_patients_dir() else {
        missing(
            "REFERENCE PATIENTS MISSING: no shared/data/reference-patients (set SMART_SHARED_DIR)",
        );
        return;
    };
    let server_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(o.server_threads)
        .thread_name("server")
        .enable_all()
        .build()
        .expect("server runtime");
    let client_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(o.client_threads)
        .thread_name("client")
        .enable_all()
        .build()
        .expect("client runtime");

    // The data and the patients the calls are about.
    let splits = reference_splits(&dir);
    let triples: usize = splits
        .iter()
        .map(|s| s.statements.iter().map(|g| g.graph.len()).sum::<usize>())
        .sum();
    let labs = splits
        .iter()
        .max_by_key(|s| {
            (
                count_class(s, sp!("LabResult")),
                std::cmp::Reverse(s.record.as_str().to_owned()),
            )
        })
        .expect("a patient");
    let (loinc, loinc_n) = loinc_counts(labs)
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
        .expect("lab results with LOINC codes");
    let meds_key = |s: &&SplitRecord| {
        (
            count_class(s, sp!("Medication")),
            std::cmp::Reverse(s.record.as_str().to_owned()),
        )
    };
    let most_meds = splits.iter().max_by_key(meds_key).expect("a patient");
    let fewest_meds = splits
        .iter()
        .filter(|s| count_class(s, sp!("Medication")) > 0)
        .min_by_key(meds_key)
        .expect("a patient with medications");
    println!(
        "smart-rs load test: {} reference patients ({} statement triples) on 127.0.0.1",
        splits.len(),
        triples
    );
    println!(
        "  {} workers (keep-alive connections), {} s measured after {} s warm-up per scenario, client {} thread(s), server {} thread(s), {} CPUs",
        o.workers,
        o.seconds,
        o.warmup,
        o.client_threads,
        o.server_threads,
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );

    // (b) our server on the embedded default.
    let ours = Ours::start(&server_rt);
    let started = Instant::now();
    server_rt.block_on(async {
        for split in &splits {
            ours.import(split).await;
        }
    });
    println!(
        "  imported into smart-http (embedded) in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let app = server_rt.block_on(ours.background_app());
    let base = ours.container.api_base().clone();

    // (c) the Oxigraph server, loaded in the same layout by the remote SPARQL store.
    let mut oxigraph_process = None;
    let oxigraph: Option<SocketAddr> = match std::env::var("SMART_LOAD_OXIGRAPH_URL") {
        Ok(url) => Some(
            url.trim_start_matches("http://")
                .trim_end_matches('/')
                .parse()
                .expect("SMART_LOAD_OXIGRAPH_URL must be http://127.0.0.1:PORT"),
        ),
        Err(_) => match oxigraph_binary() {
            Some(bin) => {
                let (p, addr) = start_oxigraph(&server_rt, &bin);
                println!(
                    "  started Oxigraph ({}) on {addr}, in memory",
                    bin.display()
                );
                oxigraph_process = Some(p);
                Some(addr)
            }
            None => {
                missing(
                    "OXIGRAPH SERVER MISSING: no SMART_LOAD_OXIGRAPH_URL, SMART_OXIGRAPH_BIN, .ci/venv-oxigraph (scripts/services start installs it) or oxigraph on PATH",
                );
                None
            }
        },
    };
    if let Some(addr) = oxigraph {
        let started = Instant::now();
        server_rt.block_on(async {
            let config =
                RemoteSparqlConfig::from_base_url(&format!("http://{addr}")).expect("SPARQL URL");
            let store =
                SparqlClinicalStore::new(RemoteSparqlEngine::new(config).expect("remote engine"));
            for split in &splits {
                store
                    .replace_record(split)
                    .await
                    .expect("import into Oxigraph");
            }
        });
        println!(
            "  imported into Oxigraph in {:.1} s",
            started.elapsed().as_secs_f64()
        );
    }

    let lab_record = smart_rdf::split::record_iri(&labs.record);
    let med_record = smart_rdf::split::record_iri(&most_meds.record);
    let scenarios = [
        Scenario {
            label: "medications",
            call: "get_medications",
            path_and_query: format!("/records/{}/medications/", most_meds.record),
            selection: format!(
                "GRAPH <{r}> {{ <{r}> sp:hasStatement ?m }} GRAPH ?m {{ ?m a sp:Medication }}",
                r = med_record.as_str()
            ),
        },
        Scenario {
            label: "lab_results",
            call: "get_lab_results",
            path_and_query: format!(
                "/records/{}/lab_results/?loinc={loinc}&limit=10",
                labs.record
            ),
            // Our order: latest dcterms:date first, then by IRI; the first 10.
            selection: format!(
                "{{ SELECT ?m WHERE {{ GRAPH <{r}> {{ <{r}> sp:hasStatement ?m }} GRAPH ?m {{ ?m a sp:LabResult ; sp:labName ?n . ?n sp:code <{ns}{loinc}> OPTIONAL {{ ?m dcterms:date ?d }} }} }} ORDER BY DESC(?d) ?m LIMIT 10 }}",
                r = lab_record.as_str(),
                ns = smart_core::vocab::LOINC
            ),
        },
    ];
    println!(
        "  medications: record {} ({} medications; fewest: record {} with {})",
        most_meds.record,
        count_class(most_meds, sp!("Medication")),
        fewest_meds.record,
        count_class(fewest_meds, sp!("Medication"))
    );
    println!(
        "  lab_results: record {} ({} lab results, {loinc_n} with LOINC {loinc})",
        labs.record,
        count_class(labs, sp!("LabResult"))
    );

    // The bare server answers what our server answers.
    let bare_listener = server_rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("bind");
    let bare_addr = bare_listener.local_addr().expect("address");
    let mut routes = HashMap::new();
    let mut plans = Vec::new();
    for s in &scenarios {
        let record = if s.label == "medications" {
            &most_meds.record
        } else {
            &labs.record
        };
        let signer = server_rt.block_on(ours.token(&app, record));
        let b = Call {
            addr: ours.addr,
            method: "GET",
            path_and_query: s.path_and_query.clone(),
            body: None,
            accept: "application/rdf+xml",
        };
        let (status, body) = client_rt
            .block_on(once(b.request(&signer), ours.addr))
            .expect("our answer");
        assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
        routes.insert(
            s.path_and_query.clone(),
            (
                HeaderValue::from_static("application/rdf+xml; charset=utf-8"),
                body.clone(),
            ),
        );
        let ours_graph = comparable(&body, Some(&base));
        let c = oxigraph.map(|addr| Call {
            addr,
            method: "POST",
            path_and_query: "/query".to_owned(),
            body: Some((
                "application/sparql-query",
                Bytes::from(construct(
                    smart_rdf::split::record_iri(record).as_str(),
                    &s.selection,
                )),
            )),
            accept: "application/rdf+xml",
        });
        if let Some(c) = &c {
            let (status, theirs) = client_rt
                .block_on(once(c.request(&signer), c.addr))
                .expect("Oxigraph's answer");
            assert_eq!(
                status,
                StatusCode::OK,
                "{}",
                String::from_utf8_lossy(&theirs)
            );
            let theirs_graph = comparable(&theirs, None);
            println!(
                "  {}: ours {} bytes, {} triples + summary; Oxigraph {} bytes, {} triples; same statements: {}",
                s.label,
                body.len(),
                ours_graph.len(),
                theirs.len(),
                theirs_graph.len(),
                if ours_graph == theirs_graph {
                    "yes"
                } else {
                    "NO"
                }
            );
            assert!(
                ours_graph == theirs_graph,
                "the CONSTRUCT for {} is not equivalent to our answer",
                s.label
            );
        }
        let (store_ms, public_ms, serialize_ms) = breakdown(
            &server_rt,
            &ours.container,
            s.call,
            record,
            s.path_and_query.split_once('?').map_or("", |(_, q)| q),
            20,
        );
        println!(
            "  {}: in process (median of 20): store query {store_ms:.2} ms, to_public {public_ms:.2} ms, RDF/XML {serialize_ms:.2} ms",
            s.label
        );
        println!(
            "  {}: one request at a time (median of 20): ours {:.2} ms, Oxigraph {}",
            s.label,
            unloaded(&client_rt, &b, &signer, 20),
            c.as_ref().map_or("n/a".to_owned(), |c| format!(
                "{:.2} ms",
                unloaded(&client_rt, c, &signer, 20)
            ))
        );
        let a = Call {
            addr: bare_addr,
            ..b.clone()
        };
        plans.push((s.label, a, b, c, signer));
    }
    let bare = server_rt.spawn(bare_server(bare_listener, Arc::new(routes)));

    // The runs.
    let mut summary = Vec::new();
    for (label, a, b, c, signer) in &plans {
        print_header(&format!("GET {} ", b.path_and_query));
        let ra = run(&client_rt, &o, a, signer);
        print_row("(a) bare hyper, same bytes", &ra);
        let rb = run(&client_rt, &o, b, signer);
        print_row("(b) smart-http embedded, OAuth", &rb);
        let rc = c.as_ref().map(|c| run(&client_rt, &o, c, signer));
        match &rc {
            Some(rc) => print_row("(c) Oxigraph CONSTRUCT", rc),
            None => println!("  (c) Oxigraph: not measured (no server)"),
        }
        let ba = rb.rps / ra.rps;
        let bc = rc.as_ref().map(|rc| rb.rps / rc.rps);
        println!(
            "  b/a = {ba:.3} (aim ≥ 0.5)   b/c = {} (aim ≥ 5)",
            bc.map_or("n/a".to_owned(), |x| format!("{x:.2}"))
        );
        summary.push((*label, ra, rb, rc));
    }

    // A record call costs in proportion to that record.
    print_header("Per record: GET /records/{id}/medications/ on (b)");
    let mut per_record = Vec::new();
    for (what, split) in [("fewest", fewest_meds), ("most", most_meds)] {
        let signer = server_rt.block_on(ours.token(&app, &split.record));
        let call = Call {
            addr: ours.addr,
            method: "GET",
            path_and_query: format!("/records/{}/medications/", split.record),
            body: None,
            accept: "application/rdf+xml",
        };
        let r = run(&client_rt, &o, &call, &signer);
        let name = format!(
            "60 patients, {} meds ({} stmts)",
            count_class(split, sp!("Medication")),
            split.statements.len()
        );
        print_row(&name, &r);
        per_record.push((what, r, call, signer));
    }
    if o.extra_patients > 0 {
        let generator = smart_samples::Generator::new(20_240_605);
        let taken: std::collections::HashSet<String> = splits
            .iter()
            .map(|s| s.record.as_str().to_owned())
            .collect();
        let started = Instant::now();
        let mut added = 0;
        let mut extra_triples = 0;
        let mut i = 0;
        while added < o.extra_patients {
            let patient = generator.generate_patient(i);
            i += 1;
            if taken.contains(&patient.record_id) {
                continue;
            }
            let record = RecordId::new(patient.record_id.as_str()).expect("record id");
            let split = split_record(&patient.graph, &record).expect("split a generated patient");
            extra_triples += split
                .statements
                .iter()
                .map(|g| g.graph.len())
                .sum::<usize>();
            server_rt.block_on(ours.import(&split));
            added += 1;
        }
        println!(
            "  added {added} generated patients ({extra_triples} triples) in {:.1} s",
            started.elapsed().as_secs_f64()
        );
        let (_, _, call, signer) = per_record.last().expect("the largest");
        let r = run(&client_rt, &o, call, signer);
        print_row(
            &format!("{} patients, same record", splits.len() + added),
            &r,
        );
    }

    // Summary lines for BENCHMARKS.md.
    println!("\nSummary (req/s; p50/p99 ms):");
    for (label, ra, rb, rc) in &summary {
        println!(
            "  {label}: a {:.0} ({:.2}/{:.2}); b {:.0} ({:.2}/{:.2}); c {}; b/a {:.3}; b/c {}",
            ra.rps,
            ra.p50_ms,
            ra.p99_ms,
            rb.rps,
            rb.p50_ms,
            rb.p99_ms,
            rc.as_ref().map_or("n/a".to_owned(), |c| format!(
                "{:.0} ({:.2}/{:.2})",
                c.rps, c.p50_ms, c.p99_ms
            )),
            rb.rps / ra.rps,
            rc.as_ref()
                .map_or("n/a".to_owned(), |c| format!("{:.2}", rb.rps / c.rps)),
        );
    }
    let errors: u64 = summary
        .iter()
        .map(|(_, a, b, c)| a.errors + b.errors + c.as_ref().map_or(0, |c| c.errors))
        .sum();
    if errors > 0 {
        println!("!!!!! {errors} failed requests: the figures above include failures !!!!!");
    }

    bare.abort();
    ours.stop(&server_rt);
    drop(oxigraph_process);
}
