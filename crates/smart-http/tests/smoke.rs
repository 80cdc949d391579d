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
