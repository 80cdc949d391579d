//! Watching the server from outside: a request id on every response (`X-Request-Id`, also
//! in the log line and the body of a failure whose detail only the log gets), the
//! liveness and readiness endpoints (`/health`, `/ready`), and Prometheus-format metrics
//! (`/metrics`, only when `[metrics] enabled`): requests, errors and latency per API call,
//! answer-cache hits and misses, open connections. The exposition text is written by hand.

use crate::container::Container;
use crate::routes::{self, CONTAINER_ROUTES, Route};
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, Method, Request, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// The response header that names the request (also in the log of its failures).
pub(crate) const REQUEST_ID_HEADER: &str = "x-request-id";

tokio::task_local! {
    /// The id of the request this task is answering.
    static REQUEST_ID: String;
}

/// The id of the request being answered, or a fresh one outside a request (so that a log
/// line and a message still name the same id).
pub(crate) fn request_id() -> String {
    REQUEST_ID
        .try_with(String::clone)
        .unwrap_or_else(|_| next_request_id())
}

/// A random prefix per process and a counter: unique, unguessable across restarts, and
/// cheap (no system call per request).
fn next_request_id() -> String {
    static PREFIX: OnceLock<String> = OnceLock::new();
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let prefix = PREFIX.get_or_init(|| {
        smart_auth::random_string(&smart_auth::OsRandom::new(), 6)
            .unwrap_or_else(|_| format!("{:x}", std::process::id()))
    });
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("{prefix}-{n:x}")
}

/// The upper bounds of the latency histogram's buckets, in seconds.
const BUCKETS: [f64; 11] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// What is counted per (method, call).
#[derive(Debug, Default, Clone)]
struct CallStats {
    requests: u64,
    client_errors: u64,
    server_errors: u64,
    /// Requests per latency bucket (not cumulative; the last one is above every bound).
    buckets: [u64; BUCKETS.len() + 1],
    seconds: f64,
}

/// The request metrics, per (HTTP method, call name).
#[derive(Debug, Default)]
pub(crate) struct Metrics {
    calls: Mutex<BTreeMap<(&'static str, &'static str), CallStats>>,
}

impl Metrics {
    fn record(&self, key: (&'static str, &'static str), status: u16, elapsed: Duration) {
        let seconds = elapsed.as_secs_f64();
        let bucket = BUCKETS
            .iter()
            .position(|le| seconds <= *le)
            .unwrap_or(BUCKETS.len());
        let mut calls = self.calls.lock().unwrap_or_else(|e| e.into_inner());
        let stats = calls.entry(key).or_default();
        stats.requests += 1;
        match status {
            400..=499 => stats.client_errors += 1,
            500.. => stats.server_errors += 1,
            _ => {}
        }
        stats.buckets[bucket] += 1;
        stats.seconds += seconds;
    }

    /// The Prometheus text exposition (format 0.0.4).
    fn render(&self, container: &Container) -> String {
        let calls = self.calls.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let mut out = String::new();
        let labels = |(method, call): &(&str, &str)| format!("method=\"{method}\",call=\"{call}\"");
        out.push_str(
            "# HELP smart_http_requests_total Requests answered, per HTTP method and API call.\n\
             # TYPE smart_http_requests_total counter\n",
        );
        for (key, s) in &calls {
            let _ = writeln!(
                out,
                "smart_http_requests_total{{{}}} {}",
                labels(key),
                s.requests
            );
        }
        out.push_str(
            "# HELP smart_http_errors_total Requests answered with an error status (class 4xx or 5xx).\n\
             # TYPE smart_http_errors_total counter\n",
        );
        for (key, s) in &calls {
            for (class, n) in [("4xx", s.client_errors), ("5xx", s.server_errors)] {
                let _ = writeln!(
                    out,
                    "smart_http_errors_total{{{},class=\"{class}\"}} {n}",
                    labels(key)
                );
            }
        }
        out.push_str(
            "# HELP smart_http_request_duration_seconds Time to answer (until the response head).\n\
             # TYPE smart_http_request_duration_seconds histogram\n",
        );
        for (key, s) in &calls {
            let l = labels(key);
            let mut cumulative = 0;
            for (i, le) in BUCKETS.iter().enumerate() {
                cumulative += s.buckets[i];
                let _ = writeln!(
                    out,
                    "smart_http_request_duration_seconds_bucket{{{l},le=\"{le}\"}} {cumulative}"
                );
            }
            let _ = writeln!(
                out,
                "smart_http_request_duration_seconds_bucket{{{l},le=\"+Inf\"}} {}",
                s.requests
            );
            let _ = writeln!(
                out,
                "smart_http_request_duration_seconds_sum{{{l}}} {}",
                s.seconds
            );
            let _ = writeln!(
                out,
                "smart_http_request_duration_seconds_count{{{l}}} {}",
                s.requests
            );
        }
        out.push_str(
            "# HELP smart_store_operation_duration_seconds Time the clinical store took, per operation.\n\
             # TYPE smart_store_operation_duration_seconds histogram\n",
        );
        for (op, h) in container.store_timings() {
            let l = format!("op=\"{}\"", op.name());
            for (le, n) in smart_store::container::STORE_LATENCY_BOUNDS
                .iter()
                .zip(h.cumulative)
            {
                let _ = writeln!(
                    out,
                    "smart_store_operation_duration_seconds_bucket{{{l},le=\"{le}\"}} {n}"
                );
            }
            let _ = writeln!(
                out,
                "smart_store_operation_duration_seconds_bucket{{{l},le=\"+Inf\"}} {}\n\
                 smart_store_operation_duration_seconds_sum{{{l}}} {}\n\
                 smart_store_operation_duration_seconds_count{{{l}}} {}",
                h.count, h.sum_seconds, h.count
            );
        }
        let (hits, misses) = container.answer_cache_stats().unwrap_or((0, 0));
        let _ = write!(
            out,
            "# HELP smart_answer_cache_hits_total Record answers served from the answer cache.\n\
             # TYPE smart_answer_cache_hits_total counter\n\
             smart_answer_cache_hits_total {hits}\n\
             # HELP smart_answer_cache_misses_total Record answers computed (not in the cache).\n\
             # TYPE smart_answer_cache_misses_total counter\n\
             smart_answer_cache_misses_total {misses}\n\
             # HELP smart_open_connections Connections open now (every listener of the process).\n\
             # TYPE smart_open_connections gauge\n\
             smart_open_connections {}\n",
            crate::listen::open_connections()
        );
        out
    }
}

/// What the observation layer shares: the metrics, and whether they are kept.
#[derive(Debug)]
pub(crate) struct Observer {
    pub(crate) metrics: Metrics,
    pub(crate) enabled: bool,
}

/// The HTTP method as a label (a fixed set, so that junk methods make no new series).
fn method_label(method: &Method) -> &'static str {
    match method.as_str() {
        "GET" => "GET",
        "HEAD" => "HEAD",
        "POST" => "POST",
        "PUT" => "PUT",
        "DELETE" => "DELETE",
        "OPTIONS" => "OPTIONS",
        _ => "OTHER",
    }
}

/// The call a request goes to, as a label: the catalog call's name
/// (`get_medications`), a container endpoint's path template, or `other` (web UI pages,
/// unknown paths), so that the number of series stays bounded.
fn call_label(method: &Method, path: &str) -> &'static str {
    match routes::resolve(method.as_str(), path) {
        Ok(Route::Api(call, _)) => call.name,
        Ok(Route::Container(route, _)) => CONTAINER_ROUTES
            .iter()
            .find(|(_, _, r)| *r == route)
            .map_or("container", |(_, template, _)| template),
        Err(_) => match path {
            "/health" => "/health",
            "/ready" => "/ready",
            "/metrics" => "/metrics",
            _ => "other",
        },
    }
}

/// The outermost layer: gives the request its id (in a task-local for the error mapping,
/// and as the `X-Request-Id` response header) and counts it in the metrics.
pub(crate) async fn layer(
    State(observer): State<Arc<Observer>>,
    request: Request<Body>,
    next: Next,
) -> Response {
    let id = next_request_id();
    let key = observer.enabled.then(|| {
        (
            method_label(request.method()),
            call_label(request.method(), request.uri().path()),
        )
    });
    let started = Instant::now();
    let mut response = REQUEST_ID.scope(id.clone(), next.run(request)).await;
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(REQUEST_ID_HEADER, value);
    }
    if let Some(key) = key {
        observer
            .metrics
            .record(key, response.status().as_u16(), started.elapsed());
    }
    response
}

fn text(status: StatusCode, body: String) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}

/// `GET /health`: liveness. The process is up and serving; nothing else is checked.
pub(crate) async fn health() -> Response {
    text(StatusCode::OK, "ok\n".to_owned())
}

/// How long `/ready` waits for each store.
const READY_TIMEOUT: Duration = Duration::from_secs(5);

/// `GET /ready`: readiness. The clinical store and the directory are each asked a small
/// question; 200 when both answer, else 503 naming the one that did not (the detail goes
/// to the log with the request id).
pub(crate) async fn ready(State(container): State<Arc<Container>>) -> Response {
    let probe = smart_core::RecordId::new("smart-rs-ready-probe").expect("a valid record id");
    let search = smart_store::clinical::RecordSearch {
        medical_record_number: Some("smart-rs-ready-probe".to_owned()),
        limit: Some(1),
        ..Default::default()
    };
    let clinical = async {
        match tokio::time::timeout(READY_TIMEOUT, container.clinical().search_records(&search))
            .await
        {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(e)) => Err(e.to_string()),
            Err(_) => Err(format!("no answer within {READY_TIMEOUT:?}")),
        }
    };
    let directory = async {
        match tokio::time::timeout(READY_TIMEOUT, container.directory().get_record(&probe)).await {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(e)) => Err(e.to_string()),
            Err(_) => Err(format!("no answer within {READY_TIMEOUT:?}")),
        }
    };
    let (clinical, directory) = tokio::join!(clinical, directory);
    let mut body = String::new();
    let mut ready = true;
    for (name, result) in [("clinical store", clinical), ("directory", directory)] {
        match result {
            Ok(()) => {
                let _ = writeln!(body, "{name}: ok");
            }
            Err(detail) => {
                ready = false;
                let id = request_id();
                tracing::warn!(request_id = %id, store = name, %detail, "not ready");
                let _ = writeln!(body, "{name}: unavailable (request id {id})");
            }
        }
    }
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    text(status, body)
}

/// `GET /metrics` (only when enabled): the Prometheus text format.
pub(crate) async fn metrics(observer: Arc<Observer>, container: Arc<Container>) -> Response {
    let mut r = text(StatusCode::OK, observer.metrics.render(&container));
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids_are_unique_and_header_safe() {
        let a = next_request_id();
        let b = next_request_id();
        assert_ne!(a, b);
        assert!(HeaderValue::from_str(&a).is_ok());
        // Outside a request, a fresh one each time.
        assert_ne!(request_id(), request_id());
    }

    #[test]
    fn labels_are_bounded() {
        assert_eq!(
            call_label(&Method::GET, "/records/1/medications/"),
            "get_medications"
        );
        assert_eq!(
            call_label(&Method::POST, "/oauth/request_token"),
            "/oauth/request_token"
        );
        assert_eq!(call_label(&Method::GET, "/no/such/thing"), "other");
        assert_eq!(call_label(&Method::GET, "/ready"), "/ready");
        assert_eq!(method_label(&Method::from_bytes(b"BREW").unwrap()), "OTHER");
    }

    #[test]
    fn latencies_fall_into_cumulative_buckets() {
        let m = Metrics::default();
        m.record(("GET", "x"), 200, Duration::from_millis(3));
        m.record(("GET", "x"), 404, Duration::from_millis(30));
        m.record(("GET", "x"), 503, Duration::from_secs(20));
        let calls = m.calls.lock().unwrap();
        let s = &calls[&("GET", "x")];
        assert_eq!((s.requests, s.client_errors, s.server_errors), (3, 1, 1));
        assert_eq!(s.buckets[0], 1);
        assert_eq!(s.buckets[3], 1);
        assert_eq!(s.buckets[BUCKETS.len()], 1);
    }
}
