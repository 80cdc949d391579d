//! Accepting connections within limits: how long a client may take to send its request
//! head and body, how many connections are open at once, and how many one client address
//! may hold. `axum::serve` has none of these, so a client trickling one header line every
//! few seconds could hold a connection (and a task) for ever, and a few hundred such
//! clients could hold them all.
//!
//! Behind a reverse proxy every connection comes from the proxy, so the per-client cap
//! cannot be kept per connection. For a peer listed in `trusted_proxies`, the client is
//! read from `X-Forwarded-For` instead (the nearest address that is not itself a trusted
//! proxy: anything further left could have been written by the client), and the cap
//! applies to that client's requests in flight, answered 429 beyond it. Every request
//! carries its client's address as a [`ClientAddr`] extension. From any other peer,
//! `X-Forwarded-For` is ignored, so a client cannot claim another's address.

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, Response, StatusCode, header};
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use std::collections::HashMap;
use std::convert::Infallible;
use std::fmt;
use std::future::Future;
use std::net::IpAddr;
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::Semaphore;
use tower::ServiceExt;

/// Connections open right now, over every listener of this process (the `/metrics`
/// gauge).
static OPEN_CONNECTIONS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// How many connections [`serve_router`] holds open right now, over every listener of
/// this process.
pub fn open_connections() -> usize {
    OPEN_CONNECTIONS.load(std::sync::atomic::Ordering::Relaxed)
}

/// Counts one open connection while it lives.
struct OpenConnection;

impl OpenConnection {
    fn new() -> Self {
        OPEN_CONNECTIONS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Self
    }
}

impl Drop for OpenConnection {
    fn drop(&mut self) {
        OPEN_CONNECTIONS.fetch_sub(1, std::sync::atomic::Ordering::Relaxed);
    }
}

/// The limits [`serve_router`] applies to every connection (from `[limits]` in the
/// configuration, see [`crate::config::Limits`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ConnectionLimits {
    /// The time a client has to send a request's head (request line and headers); the
    /// connection is closed after it.
    pub header_read_timeout: Duration,
    /// The time a client has to send a request's body; the request gets 408 after it.
    pub body_read_timeout: Duration,
    /// Connections open at once; further clients wait in the listen backlog.
    pub max_connections: usize,
    /// Connections open at once from one client address; further ones are closed at once.
    pub max_connections_per_client: usize,
    /// How long a shutdown waits for requests in flight.
    pub shutdown_grace: Duration,
    /// Reverse proxies whose `X-Forwarded-For` is believed (see the module docs).
    pub trusted_proxies: Vec<TrustedProxy>,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        Self {
            header_read_timeout: Duration::from_secs(10),
            body_read_timeout: Duration::from_secs(30),
            max_connections: 1024,
            max_connections_per_client: 256,
            shutdown_grace: Duration::from_secs(30),
            trusted_proxies: Vec::new(),
        }
    }
}

/// A reverse proxy trusted to say which client it forwards: one address (`10.0.0.5`,
/// `::1`) or a network in CIDR notation (`10.0.0.0/8`, `fd00::/8`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(try_from = "String")]
pub struct TrustedProxy {
    network: IpAddr,
    prefix: u8,
}

impl TrustedProxy {
    /// True if `ip` is this address or lies in this network.
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.network, ip.to_canonical()) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                prefix_matches(&net.octets(), &ip.octets(), self.prefix)
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                prefix_matches(&net.octets(), &ip.octets(), self.prefix)
            }
            _ => false,
        }
    }
}

/// True if the first `prefix` bits of `a` and `b` are equal.
fn prefix_matches(a: &[u8], b: &[u8], prefix: u8) -> bool {
    let (whole, rest) = (usize::from(prefix / 8), prefix % 8);
    if a[..whole] != b[..whole] {
        return false;
    }
    rest == 0 || (a[whole] ^ b[whole]) >> (8 - rest) == 0
}

impl FromStr for TrustedProxy {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || format!("trusted proxy {s:?} is not an IP address or a CIDR network");
        let (addr, prefix) = match s.split_once('/') {
            Some((addr, prefix)) => (addr, Some(prefix)),
            None => (s, None),
        };
        let network = IpAddr::from_str(addr.trim())
            .map_err(|_| bad())?
            .to_canonical();
        let max = if network.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => max,
            Some(p) => p
                .trim()
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= max)
                .ok_or_else(bad)?,
        };
        Ok(Self { network, prefix })
    }
}

impl TryFrom<String> for TrustedProxy {
    type Error = String;

    fn try_from(s: String) -> Result<Self, String> {
        s.parse()
    }
}

impl fmt::Display for TrustedProxy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.network, self.prefix)
    }
}

/// The address of the client a request came from (a request extension set by
/// [`serve_router`]): the peer's, or behind a trusted proxy the forwarded client's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(IpAddr);

impl ClientAddr {
    /// The client's address.
    pub fn ip(self) -> IpAddr {
        self.0
    }
}

fn is_trusted(trusted: &[TrustedProxy], ip: IpAddr) -> bool {
    trusted.iter().any(|t| t.contains(ip))
}

/// The client of a request that `peer`, a trusted proxy, forwarded: the rightmost
/// `X-Forwarded-For` entry that is not a trusted proxy itself. An unreadable entry ends
/// the walk (what lies left of it cannot be believed), leaving the nearest address read.
fn forwarded_client(peer: IpAddr, headers: &HeaderMap, trusted: &[TrustedProxy]) -> IpAddr {
    let hops: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .collect();
    let mut client = peer;
    for hop in hops.into_iter().rev() {
        let Ok(ip) = IpAddr::from_str(hop.trim()) else {
            break;
        };
        client = ip.to_canonical();
        if !is_trusted(trusted, client) {
            break;
        }
    }
    client
}

fn too_many_requests() -> Response<Body> {
    let mut response = Response::new(Body::from(
        "too many requests in flight from one client address\n",
    ));
    *response.status_mut() = StatusCode::TOO_MANY_REQUESTS;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

/// Open connections per client address; a connection's slot is given back when it ends.
#[derive(Debug, Default)]
struct PerClient {
    open: Mutex<HashMap<IpAddr, usize>>,
}

impl PerClient {
    fn try_open(self: &Arc<Self>, ip: IpAddr, max: usize) -> Option<ClientSlot> {
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        let n = open.entry(ip).or_insert(0);
        if *n >= max {
            return None;
        }
        *n += 1;
        Some(ClientSlot {
            table: self.clone(),
            ip,
        })
    }
}

struct ClientSlot {
    table: Arc<PerClient>,
    ip: IpAddr,
}

impl Drop for ClientSlot {
    fn drop(&mut self) {
        let mut open = self.table.open.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(n) = open.get_mut(&self.ip) {
            *n -= 1;
            if *n == 0 {
                open.remove(&self.ip);
            }
        }
    }
}

/// Serves `router` on `listener` (HTTP/1.1) within `limits` until `shutdown` completes,
/// then lets the requests in flight finish (up to `limits.shutdown_grace`).
pub async fn serve_router(
    listener: tokio::net::TcpListener,
    router: Router,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let router = router.layer(tower_http::timeout::RequestBodyTimeoutLayer::new(
        limits.body_read_timeout,
    ));
    let open = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let per_client = Arc::new(PerClient::default());
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        // Wait for a free slot before accepting, so that excess clients wait in the
        // kernel's backlog rather than holding a task each.
        let permit = tokio::select! {
            permit = open.clone().acquire_owned() => permit.map_err(std::io::Error::other)?,
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of file descriptors and the like: wait a little, keep serving.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let peer = peer.ip().to_canonical();
        let via_proxy = is_trusted(&limits.trusted_proxies, peer);
        // A proxy's connections carry many clients: they are counted per request below.
        let slot = if via_proxy {
            None
        } else {
            let Some(slot) = per_client.try_open(peer, limits.max_connections_per_client) else {
                tracing::warn!(client = %peer, "too many connections from one client: closed");
                drop(stream);
                continue;
            };
            Some(slot)
        };
        let service = {
            let (router, per_client) = (router.clone(), per_client.clone());
            let (trusted, max) = (
                limits.trusted_proxies.clone(),
                limits.max_connections_per_client,
            );
            tower::service_fn(move |request: Request<Incoming>| {
                let (router, per_client) = (router.clone(), per_client.clone());
                let mut request = request.map(Body::new);
                let client = if via_proxy {
                    forwarded_client(peer, request.headers(), &trusted)
                } else {
                    peer
                };
                request.extensions_mut().insert(ClientAddr(client));
                async move {
                    let _in_flight = if via_proxy {
                        match per_client.try_open(client, max) {
                            Some(slot) => Some(slot),
                            None => return Ok::<_, Infallible>(too_many_requests()),
                        }
                    } else {
                        None
                    };
                    router.oneshot(request).await
                }
            })
        };
        let connection = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(limits.header_read_timeout)
            .serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
        let connection = graceful.watch(connection);
        let counted = OpenConnection::new();
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, "connection ended with an error");
            }
            drop(counted);
            drop(slot);
            drop(permit);
        });
    }
    drop(listener);
    if tokio::time::timeout(limits.shutdown_grace, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("shutdown: requests still in flight after the grace period were cut");
    }
    Ok(())
}
