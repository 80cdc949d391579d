//! `[limits] trusted_proxies`: behind a trusted reverse proxy, the client is the one
//! `X-Forwarded-For` names and the per-client cap counts its requests in flight; from
//! any other peer the header is ignored.

use axum::Router;
use axum::extract::{Extension, State};
use axum::routing::get;
use smart_http::{ClientAddr, ConnectionLimits, TrustedProxy, serve_router};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Notify, oneshot};

/// A server whose `/who` answers the client address it was given and whose `/hold`
/// answers only once the test releases it.
struct Server {
    base: String,
    release: Arc<Notify>,
    stop: Option<oneshot::Sender<()>>,
}

async fn start(trusted: &[&str], per_client: usize) -> Server {
    let release = Arc::new(Notify::new());
    let router = Router::new()
        .route(
            "/who",
            get(|Extension(client): Extension<ClientAddr>| async move { client.ip().to_string() }),
        )
        .route(
            "/hold",
            get(|State(release): State<Arc<Notify>>| async move {
                release.notified().await;
                "released"
            }),
        )
        .with_state(release.clone());
    let mut limits = ConnectionLimits::default();
    limits.max_connections_per_client = per_client;
    limits.trusted_proxies = trusted.iter().map(|t| t.parse().unwrap()).collect();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = oneshot::channel();
    tokio::spawn(serve_router(listener, router, limits, async {
        let _ = stopped.await;
    }));
    Server {
        base,
        release,
        stop: Some(stop),
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

async fn who(server: &Server, forwarded: Option<&str>) -> String {
    let mut request = reqwest::Client::new().get(format!("{}/who", server.base));
    if let Some(f) = forwarded {
        request = request.header("X-Forwarded-For", f);
    }
    let response = request.send().await.unwrap();
    assert_eq!(response.status(), 200);
    response.text().await.unwrap()
}

#[tokio::test]
async fn a_trusted_proxy_names_the_client() {
    let server = start(&["127.0.0.0/8"], 256).await;
    assert_eq!(who(&server, Some("203.0.113.9")).await, "203.0.113.9");
    // The nearest untrusted hop: what the client wrote further left is not believed.
    assert_eq!(
        who(&server, Some("198.51.100.1, 203.0.113.9, 127.0.0.2")).await,
        "203.0.113.9"
    );
    // An unreadable hop ends the walk at the nearest address read.
    assert_eq!(
        who(&server, Some("203.0.113.9, junk, 127.0.0.2")).await,
        "127.0.0.2"
    );
    // No header: the proxy itself.
    assert_eq!(who(&server, None).await, "127.0.0.1");
}

#[tokio::test]
async fn an_untrusted_peer_cannot_claim_another_address() {
    let server = start(&["10.0.0.0/8"], 256).await;
    assert_eq!(who(&server, Some("203.0.113.9")).await, "127.0.0.1");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_a_proxy_the_cap_counts_each_clients_requests() {
    let server = start(&["127.0.0.1"], 1).await;
    let client = reqwest::Client::new();
    let hold = |ip: &'static str| {
        client
            .get(format!("{}/hold", server.base))
            .header("X-Forwarded-For", ip)
            .send()
    };
    // One request of client A in flight takes A's only slot.
    let first = tokio::spawn(hold("203.0.113.1"));
    let mut refused = None;
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(50)).await;
        let second = hold("203.0.113.1").await.unwrap();
        if second.status() == 429 {
            refused = Some(second.text().await.unwrap());
            break;
        }
    }
    let refused = refused.expect("a second request of the same client is refused");
    assert!(refused.contains("too many requests"), "{refused}");
    // Client B, through the same proxy, is not affected by A.
    let other = tokio::spawn(hold("203.0.113.2"));
    tokio::time::sleep(Duration::from_millis(200)).await;
    server.release.notify_waiters();
    assert_eq!(first.await.unwrap().unwrap().status(), 200);
    assert_eq!(other.await.unwrap().unwrap().status(), 200);
    // A's slot is given back once its request is answered.
    let again = tokio::spawn(hold("203.0.113.1"));
    tokio::time::sleep(Duration::from_millis(200)).await;
    server.release.notify_waiters();
    assert_eq!(again.await.unwrap().unwrap().status(), 200);
}

#[test]
fn proxies_are_addresses_or_networks() {
    let net: TrustedProxy = "10.0.0.0/8".parse().unwrap();
    assert!(net.contains("10.200.3.4".parse().unwrap()));
    assert!(!net.contains("11.0.0.1".parse().unwrap()));
    // An IPv4 client seen on an IPv6 socket is the same client.
    assert!(net.contains("::ffff:10.1.2.3".parse().unwrap()));
    let one: TrustedProxy = "192.0.2.7".parse().unwrap();
    assert!(one.contains("192.0.2.7".parse().unwrap()));
    assert!(!one.contains("192.0.2.8".parse().unwrap()));
    let v6: TrustedProxy = "fd00::/8".parse().unwrap();
    assert!(v6.contains("fd12::1".parse().unwrap()));
    assert!(!v6.contains("fe80::1".parse().unwrap()));
    let odd: TrustedProxy = "192.0.2.0/25".parse().unwrap();
    assert!(odd.contains("192.0.2.127".parse().unwrap()));
    assert!(!odd.contains("192.0.2.128".parse().unwrap()));
    for bad in ["", "10.0.0.0/33", "example.com", "10.0.0.0/x", "::/129"] {
        let err = bad.parse::<TrustedProxy>().unwrap_err();
        assert!(err.contains("trusted proxy"), "{bad}: {err}");
    }
}
