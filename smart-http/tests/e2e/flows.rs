//! The OAuth flows over HTTP: 3-legged (admin registers the app, a user logs in through
//! the UI principal, approves, the app exchanges the verifier), the background walk over
//! every record, and the SMART Connect launch.

use crate::common::subset::{background_walk, three_legged_flow};
use crate::common::*;
use smart_core::sp;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_legged_flow_over_http() {
    let Some(shared) = shared_dir() else { return };
    let server = TestServer::start(Backend::Memory).await;
    server
        .import_reference(&shared, &["1032702", "1081332"])
        .await;
    three_legged_flow(
        &server,
        "1032702",
        "1081332",
        "rest@apps.example.org",
        "ann@example.org",
    )
    .await;

    // Logout ends the session: it can no longer authorize.
    let session = server.login("ann@example.org").await;
    let (status, _) =
        status_text(server.post_form(&session, "/oauth/logout", &[], &[]).await).await;
    assert_eq!(status, 200);
    let (status, _) = status_text(server.get(&session, "/users/ann@example.org").await).await;
    assert_eq!(status, 401);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn background_app_walks_every_record() {
    let Some(shared) = shared_dir() else { return };
    let server = TestServer::start(Backend::Memory).await;
    let ids = ["1032702", "1081332", "99912345", "1098667", "613876"];
    server.import_reference(&shared, &ids).await;
    let expected: Vec<String> = ids.iter().map(|s| s.to_string()).collect();
    background_walk(&server, "walker@apps.example.org", &expected).await;
    // A user-facing app cannot use the background endpoints.
    let ui = server.ui_app("notbg@apps.example.org").await;
    let (status, _) = status_text(
        server
            .get(&ui, "/apps/notbg@apps.example.org/tokens/records/first")
            .await,
    )
    .await;
    assert_eq!(status, 403);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn launch_gives_credentials_for_the_record() {
    let Some(shared) = shared_dir() else { return };
    let server = TestServer::start(Backend::Memory).await;
    server
        .import_reference(&shared, &["1032702", "1081332"])
        .await;
    let app = server.ui_app("launched@apps.example.org").await;
    server.create_user("bob@example.org").await;
    server.create_user("eve@example.org").await;
    let session = server.login("bob@example.org").await;
    let r = server
        .get(
            &session,
            "/accounts/bob@example.org/apps/launched@apps.example.org/launch?record_id=1032702",
        )
        .await;
    let (status, text) = status_text(r).await;
    assert_eq!(status, 200, "{text}");
    let launch: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(launch["record_id"], "1032702");
    assert_eq!(launch["api_base"], server.base.as_str());
    let header = launch["oauth_header"].as_str().unwrap();
    assert!(
        header.starts_with("OAuth ") && header.contains("smart_oauth_token"),
        "{header}"
    );
    assert!(
        launch.get("connect_secret").is_none(),
        "the connect secret stays on the server"
    );
    let rest = app.with_token(
        launch["rest_token"].as_str().unwrap(),
        launch["rest_secret"].as_str().unwrap(),
    );
    let graph = rdf_ok(server.get(&rest, "/records/1032702/medications/").await).await;
    assert!(!typed(&graph, sp!("Medication")).is_empty());
    let (status, _) = status_text(server.get(&rest, "/records/1081332/medications/").await).await;
    assert_eq!(status, 403);
    // The launch token is user-bound: it reaches this user's preferences.
    let prefs = "/users/bob@example.org/apps/launched@apps.example.org/preferences";
    assert_eq!(status_text(server.get(&rest, prefs).await).await.0, 200);
    // Another user's session cannot launch as bob; an unknown record is 404.
    let eve = server.login("eve@example.org").await;
    let (status, _) = status_text(
        server
            .get(
                &eve,
                "/accounts/bob@example.org/apps/launched@apps.example.org/launch?record_id=1032702",
            )
            .await,
    )
    .await;
    assert_eq!(status, 403);
    let (status, _) = status_text(
        server
            .get(
                &session,
                "/accounts/bob@example.org/apps/launched@apps.example.org/launch?record_id=424242",
            )
            .await,
    )
    .await;
    assert_eq!(status, 404);
    server.stop().await;
}
