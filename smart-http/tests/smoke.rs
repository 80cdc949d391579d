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
