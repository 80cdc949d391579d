//! The three servers compared: (a) a bare hyper server, (b) ours, (c) Oxigraph.

use super::*;

// ---------------------------------------------------------------------------------------
// (a) the bare hyper server

/// Serves `routes` (path and query → content type and bytes) with no other work.
pub(crate) async fn bare_server(
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
pub(crate) struct OxigraphProcess {
    pub(crate) child: Child,
    pub(crate) _dir: tempfile::TempDir,
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
pub(crate) fn oxigraph_binary() -> Option<PathBuf> {
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
pub(crate) fn start_oxigraph(
    rt: &tokio::runtime::Runtime,
    bin: &Path,
) -> (OxigraphProcess, SocketAddr) {
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
pub(crate) fn construct(record_iri: &str, selection: &str) -> String {
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
// Our server

pub(crate) struct Ours {
    pub(crate) container: Arc<Container>,
    pub(crate) addr: SocketAddr,
    pub(crate) shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    pub(crate) task: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
    pub(crate) _data: tempfile::TempDir,
}

impl Ours {
    pub(crate) fn start(rt: &tokio::runtime::Runtime) -> Self {
        Self::start_with(rt, |_| {})
    }

    /// [`Self::start`] with `[limits]` changed by `limits`.
    pub(crate) fn start_with(
        rt: &tokio::runtime::Runtime,
        limits: impl FnOnce(&mut smart_http::config::Limits),
    ) -> Self {
        let data = tempfile::tempdir().expect("temporary directory");
        rt.block_on(async {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind");
            let addr = listener.local_addr().expect("address");
            let mut config = ServerConfig::for_data_dir(data.path());
            config.public_url = format!("http://{addr}");
            config.bind = addr;
            limits(&mut config.limits);
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

    pub(crate) async fn import(&self, split: &SplitRecord) {
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

    pub(crate) fn admin(&self) -> Signer {
        let a = self.container.admin_credential();
        Signer::new(a.key(), a.secret().expose(), None)
    }

    /// Registers a background app `id` with the admin credential; its key and secret.
    pub(crate) async fn background_app(&self, id: &str) -> (String, String) {
        register_background_app(self.addr, &self.admin(), id).await
    }

    /// A signer holding a background token of the app for `record`.
    pub(crate) async fn token(&self, app: &(String, String), record: &RecordId) -> Arc<Signer> {
        Arc::new(background_token(self.addr, app, record.as_str()).await)
    }

    pub(crate) fn stop(mut self, rt: &tokio::runtime::Runtime) {
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
