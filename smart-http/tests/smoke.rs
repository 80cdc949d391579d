//! The server answers over real HTTP: manifest, a background token, a record call.

mod common;

use common::{Backend, TestServer, parse_rdf, shared_dir};

#[tokio::test]
async fn background_app_reads_medications() {
    let Some(shared) = shared_dir() else { return };
    let server = TestServer::start(Backend::Memory).await;
    server.import_reference(&shared, &["1032702"]).await;

    let r = server
        .http
        .get(format!("{}/manifest", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let manifest: serde_json::Value = r.json().await.unwrap();
    assert_eq!(manifest["api_base"], server.base.as_str());

    let app = server.background_app("bg@apps.example.org").await;
    let token = server.background_token(&app, "1032702").await;
    let r = server.get(&token, "/records/1032702/medications/").await;
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/rdf+xml")
    );
    let body = r.bytes().await.unwrap();
    assert!(
        body.starts_with(b"<?xml"),
        "{}",
        String::from_utf8_lossy(&body[..100])
    );
    let graph = parse_rdf(&body);
    assert!(graph.len() > 10);

    // Unsigned: 401 with a challenge.
    let r = server
        .http
        .get(format!("{}/records/1032702/medications/", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert!(r.headers().contains_key("www-authenticate"));
    // Another record: 403.
    let r = server.get(&token, "/records/1081332/medications/").await;
    assert_eq!(r.status(), 403);
    server.stop().await;
}

#[tokio::test]
async fn local_admin_creates_accounts() {
    let server = TestServer::start(Backend::Embedded).await;
    let admin = server.container.local_admin().await.unwrap();
    let user = server
        .container
        .provider()
        .create_account(
            &admin,
            "alice@example.org",
            Some("correct horse battery staple"),
            false,
        )
        .await
        .unwrap();
    assert_eq!(user.as_str(), "alice@example.org");
    // A second call signs afresh (a new nonce), so it is not a replay.
    server.container.local_admin().await.unwrap();
    server.stop().await;
}

/// The answer cache: a cached answer equals the uncached one in every format (graph
/// isomorphism, with its own fresh summary), paging summaries survive the cache, and a
/// write is seen at once.
#[tokio::test]
async fn cached_answers_equal_fresh_ones_and_follow_writes() {
    use common::{note_rdfxml, summary};
    let Some(shared) = shared_dir() else { return };
    let cached = TestServer::start(Backend::Memory).await;
    let fresh =
        TestServer::start_with(Backend::Memory, |c| c.limits.response_cache_bytes = 0).await;
    let mut tokens = Vec::new();
    for server in [&cached, &fresh] {
        server.import_reference(&shared, &["1032702"]).await;
        let app = server.background_app("bg@apps.example.org").await;
        tokens.push(server.background_token(&app, "1032702").await);
    }
    let formats = [
        ("application/rdf+xml", smart_rdf::RdfFormat::RdfXml),
        ("text/turtle", smart_rdf::RdfFormat::Turtle),
        ("application/n-triples", smart_rdf::RdfFormat::NTriples),
        ("application/ld+json", smart_rdf::RdfFormat::JsonLd),
    ];
    let without_time = |mut g: oxrdf::Graph| {
        let time = oxrdf::NamedNodeRef::new_unchecked(
            "http://smartplatforms.org/terms/api#processingTimeMs",
        );
        let drop: Vec<oxrdf::Triple> = g
            .triples_for_predicate(time)
            .map(|t| t.into_owned())
            .collect();
        for t in &drop {
            g.remove(t);
        }
        g.canonicalize(oxrdf::dataset::CanonicalizationAlgorithm::Unstable);
        g
    };
    for path in [
        "/records/1032702/vital_sign_sets/?limit=2",
        "/records/1032702/problems/",
        "/records/1032702/demographics",
    ] {
        for (accept, format) in formats {
            let mut graphs = Vec::new();
            // Twice on the caching server (miss, then hit), once on the other.
            for (server, token) in [
                (&cached, &tokens[0]),
                (&cached, &tokens[0]),
                (&fresh, &tokens[1]),
            ] {
                let r = server
                    .signed(token, "GET", path)
                    .header("Accept", accept)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status(), 200, "{path} {accept}");
                // The two servers differ only in their base URL.
                let body = r
                    .text()
                    .await
                    .unwrap()
                    .replace(&server.base, "http://base.example");
                let graph = smart_rdf::parse(body.as_bytes(), format, None)
                    .unwrap_or_else(|e| panic!("{path} {accept}: {e}"));
                summary(&graph);
                graphs.push(without_time(graph));
            }
            assert_eq!(graphs[0], graphs[1], "miss vs hit: {path} {accept}");
            assert_eq!(graphs[1], graphs[2], "cached vs fresh: {path} {accept}");
        }
    }

    // A write through the API is visible at once.
    let token = &tokens[0];
    let count =
        |g: &oxrdf::Graph| common::typed(g, "http://smartplatforms.org/terms#ClinicalNote").len();
    let before =
        count(&common::rdf_ok(cached.get(token, "/records/1032702/clinical_notes/").await).await);
    let r = cached
        .send_body(
            token,
            "POST",
            "/records/1032702/clinical_notes/",
            "application/rdf+xml",
            note_rdfxml("cache test").into_bytes(),
        )
        .await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let after =
        count(&common::rdf_ok(cached.get(token, "/records/1032702/clinical_notes/").await).await);
    assert_eq!(after, before + 1);
    // And so is a write straight to the container's store (an import).
    cached
        .container
        .clinical()
        .delete_record(&smart_core::RecordId::new("1032702").unwrap())
        .await
        .unwrap();
    let r = cached.get(token, "/records/1032702/clinical_notes/").await;
    assert_eq!(r.status(), 404);
    cached.stop().await;
    fresh.stop().await;
}

/// A full nonce memory refuses (503, saying why) rather than forgetting nonces, and only
/// for the consumer that filled its share.
#[tokio::test]
async fn full_nonce_memory_is_a_named_503_for_that_consumer_only() {
    let Some(shared) = shared_dir() else { return };
    let server = TestServer::start_with(Backend::Memory, |c| {
        c.limits.nonce_capacity_per_consumer = 3;
    })
    .await;
    server.import_reference(&shared, &["1032702"]).await;
    let busy = server.background_app("busy@apps.example.org").await;
    let other = server.background_app("other@apps.example.org").await;
    // The token request is the first nonce; two record reads fill the share of 3.
    let token = server.background_token(&busy, "1032702").await;
    for _ in 0..2 {
        let r = server.get(&token, "/records/1032702/problems/").await;
        assert_eq!(r.status(), 200);
    }
    let r = server.get(&token, "/records/1032702/problems/").await;
    assert_eq!(r.status(), 503);
    let text = r.text().await.unwrap();
    assert!(text.contains("nonce"), "{text}");
    let token = server.background_token(&other, "1032702").await;
    let r = server.get(&token, "/records/1032702/problems/").await;
    assert_eq!(r.status(), 200);
    server.stop().await;
}

/// Opening the embedded store makes the record registry agree with the clinical data (a
/// crash between the two writes of an import leaves them apart by one record).
#[tokio::test]
async fn opening_the_embedded_store_reconciles_the_registry() {
    let Some(shared) = shared_dir() else { return };
    let data = tempfile::tempdir().unwrap();
    let config = smart_http::ServerConfig::for_data_dir(data.path());
    let record = smart_core::RecordId::new("1032702").unwrap();
    {
        let container = smart_http::Container::open(config.clone()).await.unwrap();
        // The clinical write of an import without its registry write.
        let file = shared.join("data/reference-patients/p1032702.xml");
        let graph = smart_rdf::parse(
            &std::fs::read(file).unwrap(),
            smart_rdf::RdfFormat::RdfXml,
            None,
        )
        .unwrap();
        let split = smart_rdf::split_record(&graph, &record).unwrap();
        container.clinical().replace_record(&split).await.unwrap();
        assert!(
            container
                .directory()
                .get_record(&record)
                .await
                .unwrap()
                .is_none()
        );
        container.close().await;
    }
    let container = smart_http::Container::open(config).await.unwrap();
    assert!(
        container
            .directory()
            .get_record(&record)
            .await
            .unwrap()
            .is_some()
    );
    container.close().await;
}

/// On the embedded default the app and token look-ups are cached; disabling or deleting
/// an app must still stop its tokens at the very next request.
#[tokio::test]
async fn revocation_is_immediate_with_cached_lookups() {
    let Some(shared) = shared_dir() else { return };
    let server = TestServer::start(Backend::Embedded).await;
    server.import_reference(&shared, &["1032702"]).await;
    let path = "/records/1032702/problems/";

    let app = server.background_app("gone@apps.example.org").await;
    let token = server.background_token(&app, "1032702").await;
    for _ in 0..3 {
        assert_eq!(server.get(&token, path).await.status(), 200);
    }
    let r = server
        .call(
            &server.admin(),
            "DELETE",
            "/apps/gone@apps.example.org/manifest",
        )
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(server.get(&token, path).await.status(), 401);

    let app = server.background_app("off@apps.example.org").await;
    let token = server.background_token(&app, "1032702").await;
    for _ in 0..3 {
        assert_eq!(server.get(&token, path).await.status(), 200);
    }
    let admin = server.container.local_admin().await.unwrap();
    server
        .container
        .provider()
        .set_app_enabled(
            &admin,
            &smart_auth::AppId::new("off@apps.example.org").unwrap(),
            false,
        )
        .await
        .unwrap();
    assert_eq!(server.get(&token, path).await.status(), 401);
    server.stop().await;
}

mod connection_limits {
    //! The listener's limits, over raw TCP: a client that trickles its request head is cut
    //! off, a body that does not arrive gets 408, and the connection caps hold.

    use super::common::{Backend, TestServer};
    use std::time::Duration;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpStream;

    async fn connect(server: &TestServer) -> TcpStream {
        TcpStream::connect(server.base.trim_start_matches("http://"))
            .await
            .unwrap()
    }

    /// Reads what the server sends until it closes the connection (or `within` passes:
    /// `None`).
    async fn read_until_closed(stream: &mut TcpStream, within: Duration) -> Option<String> {
        let mut all = Vec::new();
        let read = tokio::time::timeout(within, async {
            let mut buf = [0u8; 4096];
            loop {
                match stream.read(&mut buf).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => all.extend_from_slice(&buf[..n]),
                }
            }
        })
        .await;
        read.ok()
            .map(|()| String::from_utf8_lossy(&all).into_owned())
    }

    async fn manifest_answers(server: &TestServer) -> bool {
        let mut s = connect(server).await;
        s.write_all(b"GET /manifest HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .await
            .unwrap();
        read_until_closed(&mut s, Duration::from_secs(10))
            .await
            .is_some_and(|r| r.starts_with("HTTP/1.1 200"))
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_trickled_request_head_is_cut_off() {
        let server = TestServer::start_with(Backend::Memory, |c| {
            c.limits.header_read_timeout_secs = 1;
        })
        .await;
        let mut s = connect(&server).await;
        s.write_all(b"GET /manifest HTTP/1.1\r\n").await.unwrap();
        // One header line every 200 ms, for up to 10 s: the server must hang up long
        // before the head is complete.
        let mut cut_off = false;
        for i in 0..50 {
            tokio::time::sleep(Duration::from_millis(200)).await;
            if s.write_all(format!("X-Slow-{i}: 1\r\n").as_bytes())
                .await
                .is_err()
            {
                cut_off = true;
                break;
            }
            let mut buf = [0u8; 256];
            if let Ok(r) = tokio::time::timeout(Duration::from_millis(1), s.read(&mut buf)).await {
                // Closed (0 bytes or reset), or an error status before the head ended.
                let text = String::from_utf8_lossy(&buf[..r.unwrap_or(0)]).into_owned();
                assert!(!text.starts_with("HTTP/1.1 200"), "{text}");
                cut_off = true;
                break;
            }
        }
        assert!(
            cut_off,
            "the connection is still open after 10 s of trickling"
        );
        assert!(manifest_answers(&server).await, "other clients are served");
        server.stop().await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_body_that_does_not_arrive_gets_408() {
        let server = TestServer::start_with(Backend::Memory, |c| {
            c.limits.body_read_timeout_secs = 1;
        })
        .await;
        let mut s = connect(&server).await;
        s.write_all(
            b"POST /oauth/request_token HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nsmart_record",
        )
        .await
        .unwrap();
        let reply = read_until_closed(&mut s, Duration::from_secs(10))
            .await
            .expect("the server answers within 10 s");
        assert!(reply.starts_with("HTTP/1.1 408"), "{reply}");
        assert!(reply.contains("did not arrive in time"), "{reply}");
        server.stop().await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn one_client_cannot_hold_every_connection() {
        let server = TestServer::start_with(Backend::Memory, |c| {
            c.limits.max_connections_per_client = 2;
        })
        .await;
        // Two idle connections take this client's two slots (each is accepted once a
        // request shows it is being served).
        let mut held = Vec::new();
        for _ in 0..2 {
            let mut s = connect(&server).await;
            s.write_all(b"GET /manifest HTTP/1.1\r\nHost: x\r\n\r\n")
                .await
                .unwrap();
            let mut buf = [0u8; 12];
            s.read_exact(&mut buf).await.unwrap();
            assert_eq!(&buf, b"HTTP/1.1 200");
            held.push(s);
        }
        // A third is closed at once, without an answer.
        let mut third = connect(&server).await;
        let _ = third
            .write_all(b"GET /manifest HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .await;
        let reply = read_until_closed(&mut third, Duration::from_secs(10))
            .await
            .expect("closed at once");
        assert_eq!(reply, "", "no answer over a connection beyond the cap");
        // Once one is closed, the client may connect again.
        drop(held.pop());
        let mut ok = false;
        for _ in 0..50 {
            if manifest_answers(&server).await {
                ok = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(ok, "a freed slot is given back");
        server.stop().await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn excess_clients_wait_for_a_free_connection() {
        let server = TestServer::start_with(Backend::Memory, |c| {
            c.limits.max_connections = 1;
        })
        .await;
        let mut first = connect(&server).await;
        first
            .write_all(b"GET /manifest HTTP/1.1\r\nHost: x\r\n\r\n")
            .await
            .unwrap();
        let mut buf = [0u8; 12];
        first.read_exact(&mut buf).await.unwrap();
        // The second waits in the backlog while the first stays open ...
        let mut second = connect(&server).await;
        second
            .write_all(b"GET /manifest HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .await
            .unwrap();
        assert!(
            tokio::time::timeout(Duration::from_millis(300), second.read(&mut buf))
                .await
                .is_err(),
            "served beyond the connection cap"
        );
        // ... and is served once it closes.
        drop(first);
        let reply = read_until_closed(&mut second, Duration::from_secs(10))
            .await
            .expect("served after the first closed");
        assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
        server.stop().await;
    }
}
