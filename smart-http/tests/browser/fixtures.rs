//! The app origin of the browser tests: a small axum server on 127.0.0.1:0 (reachable
//! as `127.0.0.1:P` and, as a second app origin, `localhost:P`) that serves the fixture
//! apps of tests/fixtures/apps and records what they log (`POST /log`).

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::Value;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The fixture app server.
pub struct FixtureServer {
    /// `http://127.0.0.1:P`
    pub origin: String,
    /// `http://localhost:P`: the same server as another origin.
    pub other_origin: String,
    log: Arc<Mutex<Vec<Value>>>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

async fn file(Path(name): Path<String>) -> Response {
    let ok = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.')
        && !name.contains("..");
    let kind = match name.rsplit('.').next() {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("svg") => "image/svg+xml",
        _ => "",
    };
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/apps");
    match std::fs::read(dir.join(&name)) {
        Ok(bytes) if ok && !kind.is_empty() => (
            [
                (header::CONTENT_TYPE, kind),
                (header::CACHE_CONTROL, "no-store"),
            ],
            bytes,
        )
            .into_response(),
        _ => (StatusCode::NOT_FOUND, "no such fixture").into_response(),
    }
}

async fn log(State(log): State<Arc<Mutex<Vec<Value>>>>, body: String) -> StatusCode {
    match serde_json::from_str::<Value>(&body) {
        Ok(v) => {
            log.lock().unwrap().push(v);
            StatusCode::NO_CONTENT
        }
        Err(_) => StatusCode::BAD_REQUEST,
    }
}

impl FixtureServer {
    /// Starts the server.
    pub async fn start() -> FixtureServer {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let state = Arc::new(Mutex::new(Vec::new()));
        let app = Router::new()
            .route("/log", post(log))
            .route("/{name}", get(file))
            .with_state(state.clone());
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    let _ = rx.await;
                })
                .await
                .unwrap();
        });
        FixtureServer {
            origin: format!("http://127.0.0.1:{port}"),
            other_origin: format!("http://localhost:{port}"),
            log: state,
            shutdown: Some(tx),
        }
    }

    /// Stops the server.
    pub fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }

    /// Everything logged so far, in arrival order.
    pub fn events(&self) -> Vec<Value> {
        self.log.lock().unwrap().clone()
    }

    /// The logged events of one app page load or probe matching `pred`.
    pub fn find(&self, pred: impl Fn(&Value) -> bool) -> Vec<Value> {
        self.events().into_iter().filter(|e| pred(e)).collect()
    }

    /// How many events are logged so far (for [`Self::wait_after`]).
    pub fn mark(&self) -> usize {
        self.log.lock().unwrap().len()
    }

    /// Waits ([`PATIENCE`](crate::driver::PATIENCE) at most) for an event matching
    /// `pred`; the first one.
    pub async fn wait_for(&self, what: &str, pred: impl Fn(&Value) -> bool) -> Value {
        self.wait_after(0, what, pred).await
    }

    /// Waits ([`PATIENCE`](crate::driver::PATIENCE) at most) for an event logged after
    /// `mark` matching `pred`.
    pub async fn wait_after(
        &self,
        mark: usize,
        what: &str,
        pred: impl Fn(&Value) -> bool,
    ) -> Value {
        let deadline = Instant::now() + crate::driver::PATIENCE;
        loop {
            if let Some(e) = self.events().into_iter().skip(mark).find(|e| pred(e)) {
                return e;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}; the log: {:#?}",
                self.events()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The page id of the app page whose `uuid` event names `uuid` (its first load).
    pub async fn page_of(&self, uuid: &str) -> String {
        let e = self
            .wait_for(&format!("the app page of {uuid}"), |e| {
                e["kind"] == "uuid" && e["detail"]["uuid"] == uuid
            })
            .await;
        e["page"].as_str().unwrap().to_owned()
    }
}
