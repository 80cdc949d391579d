//! "Launch by URL": an app under development, registered for one session only.

use super::*;
use smart_store::directory::{AppId, NewApp, SecretPolicy, Timestamp};

const DEV_URL: &str = "http://dev.example.org:8000/app/index.html";

/// Posts the Launch by URL form.
async fn dev_launch(v: &mut Visitor, csrf: &str, url: &str, manifest: &str) -> Answer {
    v.post(
        "/dev-launch",
        &[
            ("csrf", csrf),
            ("record_id", "p1"),
            ("index_url", url),
            ("manifest", manifest),
        ],
    )
    .await
}

/// The temporary app ids in the directory.
async fn temporary_ids(server: &TestServer) -> Vec<String> {
    server
        .container
        .directory()
        .list_apps()
        .await
        .unwrap()
        .into_iter()
        .filter(|a| a.owner_session.is_some())
        .map(|a| a.id.as_str().to_owned())
        .collect()
}

/// The app id a successful form post redirects to (`/patients/p1?launch=ID`).
fn launched_id(a: &Answer) -> String {
    assert_eq!(a.status, 303, "{}", a.body);
    let location = a.location();
    let query = location
        .strip_prefix("/patients/p1?")
        .unwrap_or_else(|| panic!("redirect to {location}"));
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query).unwrap();
    assert_eq!(pairs[0].0, "launch");
    pairs[0].1.clone()
}

#[tokio::test]
async fn bad_urls_and_manifests_get_400_with_a_message() {
    let server = server().await;
    let mut v = Visitor::new(&server, "");
    v.login(USER).await;
    let csrf = v.csrf().await;
    let own = format!("{}/index.html", server.base);
    for (url, says) in [
        ("", "Paste the index URL"),
        (
            "javascript:alert(1)",
            "is not an absolute http:// or https:// URL",
        ),
        (
            "/relative/index.html",
            "is not an absolute http:// or https:// URL",
        ),
        ("http://user:pw@dev.example.org/", "user name or password"),
        ("http://dev.example.org/#x", "fragment"),
        ("http://dev.example.org:99999/", "no valid host"),
        (own.as_str(), "own origin"),
    ] {
        let a = dev_launch(&mut v, &csrf, url, "").await;
        assert_eq!(a.status, 400, "{url}: {}", a.body);
        assert!(a.body.contains(says), "{url}: no {says:?} in {}", a.body);
        assert!(a.body.contains("role=\"alert\""));
    }
    // The manifest: the rules of `smart apps register`, each problem named.
    for (manifest, says) in [
        ("{not json", "The manifest is not valid"),
        (r#"{"name": "x", "mode": "ui"}"#, "description"),
        (
            r#"{"name": "x", "description": "d", "id": "x@dev", "mode": "ui", "icon": "not a url"}"#,
            "icon",
        ),
        (
            r#"{"name": "x", "description": "d", "id": "x@dev", "mode": "background"}"#,
            "background",
        ),
        (
            r#"{"name": "x", "description": "d", "id": "x@dev", "mode": "ui", "standalone": true,
                "icon": "http://dev.example.org:8000/i.png"}"#,
            "standalone",
        ),
    ] {
        let a = dev_launch(&mut v, &csrf, DEV_URL, manifest).await;
        assert_eq!(a.status, 400, "{manifest}: {}", a.body);
        assert!(
            a.body.contains(says),
            "{manifest}: no {says:?} in {}",
            a.body
        );
        // What was typed comes back, escaped, so it can be corrected.
        assert!(
            a.body
                .contains("value=\"http://dev.example.org:8000/app/index.html\"")
        );
    }
    // No such record.
    let a = v
        .post(
            "/dev-launch",
            &[
                ("csrf", &csrf),
                ("record_id", "nope"),
                ("index_url", DEV_URL),
            ],
        )
        .await;
    assert_eq!(a.status, 400);
    assert!(a.body.contains("no such patient record"), "{}", a.body);
    // No or a wrong CSRF token: refused before anything else.
    for token in ["", "wrong"] {
        let a = dev_launch(&mut v, token, DEV_URL, "").await;
        assert_eq!(a.status, 403, "{}", a.body);
    }
    // Signed out: to the login page.
    let mut anonymous = Visitor::new(&server, "");
    let a = dev_launch(&mut anonymous, &csrf, DEV_URL, "").await;
    assert_eq!(a.status, 303);
    assert!(a.location().starts_with("/login"));
    assert!(temporary_ids(&server).await.is_empty());
}

#[tokio::test]
async fn a_temporary_app_is_seen_and_launched_by_its_session_alone() {
    let server = server().await;
    server.create_user("other@example.org").await;
    let mut v = Visitor::new(&server, "");
    v.login(USER).await;
    let csrf = v.csrf().await;

    let a = dev_launch(&mut v, &csrf, DEV_URL, "").await;
    let id = launched_id(&a);
    assert!(id.starts_with("~dev."), "{id}");
    assert_eq!(temporary_ids(&server).await, std::slice::from_ref(&id));

    // The record view has it in the sidebar, names it to open at once, and may frame it.
    let view = v.get(&format!("/patients/p1?launch={id}")).await;
    assert_eq!(view.status, 200);
    assert!(view.body.contains(&format!("data-app-id=\"{id}\"")));
    assert!(
        view.body.contains("dev.example.org:8000"),
        "the host names it"
    );
    assert_eq!(view.page_data()["launch"], id.as_str());
    let csp = view.header("content-security-policy");
    assert!(
        csp.contains("frame-src http://app.example.org http://dev.example.org:8000;"),
        "{csp}"
    );

    // It launches like a registered app, on its own origin, and reads the record.
    let a = v
        .launch(
            Some(&csrf),
            &serde_json::json!({"app_id": id, "record_id": "p1"}),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    let launch: serde_json::Value = serde_json::from_str(&a.body).unwrap();
    assert_eq!(launch["manifest"]["id"], id.as_str());
    assert_eq!(launch["manifest"]["mode"], "ui");
    assert_eq!(launch["origin"], "http://dev.example.org:8000");
    assert!(
        launch["index"]
            .as_str()
            .unwrap()
            .starts_with("http://dev.example.org:8000/app/index.html?api_base=")
    );
    let token = launch["launch_token"].as_str().unwrap().to_owned();
    let r = v.relay("GET", "/records/p1/demographics", &token, "").await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("Smith"));

    // Nobody else sees it: not in the app manifests (the list nor one by id), the app
    // list, nor the sidebar of the user's own account page.
    let admin = server.admin();
    let all = server
        .get(&admin, "/apps/manifests/")
        .await
        .text()
        .await
        .unwrap();
    assert!(all.contains(APP), "{all}");
    assert!(!all.contains("~dev."), "{all}");
    let one = server.get(&admin, &format!("/apps/{id}/manifest")).await;
    assert_eq!(one.status(), 404);
    let account = v.get("/account").await;
    assert!(!account.body.contains(&id));

    // Another user, and another session of the same user: no launcher, no launch.
    for user in ["other@example.org", USER] {
        let mut w = Visitor::new(&server, "");
        w.login(user).await;
        let their_csrf = w.csrf().await;
        let view = w.get("/patients/p1").await;
        assert!(!view.body.contains(&id), "{user} sees it");
        let a = w
            .launch(
                Some(&their_csrf),
                &serde_json::json!({"app_id": id, "record_id": "p1"}),
            )
            .await;
        assert_eq!(a.status, 404, "{user}: {}", a.body);
        // Nor can they use the first session's launch token.
        let r = w.relay("GET", "/records/p1/demographics", &token, "").await;
        assert_eq!(r.status, 401);
    }

    // Logout deletes it, with its launches.
    let a = v.post("/logout", &[("csrf", &csrf)]).await;
    assert_eq!(a.status, 303);
    assert!(temporary_ids(&server).await.is_empty());
    let gone = server
        .container
        .directory()
        .get_app(&AppId::new(id.as_str()).unwrap())
        .await
        .unwrap();
    assert!(gone.is_none());
}

#[tokio::test]
async fn a_pasted_manifest_is_used_and_relaunching_replaces_it() {
    let server = server().await;
    let mut v = Visitor::new(&server, "");
    v.login(USER).await;
    let csrf = v.csrf().await;
    let manifest = r#"{"name": "Growth <chart>", "description": "mine", "id": "growth@dev",
        "mode": "ui", "scope": "record", "icon": "http://dev.example.org:8000/icon.png",
        "index": "http://elsewhere.example.org/ignored.html"}"#;
    let first = launched_id(&dev_launch(&mut v, &csrf, DEV_URL, manifest).await);
    let view = v.get("/patients/p1").await;
    assert!(view.body.contains("Growth &lt;chart&gt;"), "escaped name");
    let a = v
        .launch(
            Some(&csrf),
            &serde_json::json!({"app_id": first, "record_id": "p1"}),
        )
        .await;
    let launch: serde_json::Value = serde_json::from_str(&a.body).unwrap();
    assert_eq!(launch["manifest"]["name"], "Growth <chart>");
    // The pasted URL is the index, whatever the manifest said; the id is the container's.
    assert_eq!(launch["origin"], "http://dev.example.org:8000");
    assert_eq!(launch["manifest"]["id"], first.as_str());

    // The same URL again replaces the app (same id, new manifest); another URL adds one.
    let again = launched_id(&dev_launch(&mut v, &csrf, DEV_URL, "").await);
    assert_eq!(again, first);
    let other = launched_id(&dev_launch(&mut v, &csrf, "https://localhost:9443/", "").await);
    assert_ne!(other, first);
    let mut ids = temporary_ids(&server).await;
    ids.sort();
    let mut want = vec![first.clone(), other];
    want.sort();
    assert_eq!(ids, want);
    let view = v.get("/patients/p1").await;
    assert!(
        !view.body.contains("Growth"),
        "replaced by the minimal manifest"
    );
    assert!(view.body.contains("localhost:9443"));
}

#[tokio::test]
async fn registration_refuses_the_reserved_ids() {
    let server = server().await;
    let r = server
        .send_body(
            &server.admin(),
            "POST",
            "/apps/",
            "application/json",
            serde_json::to_vec(&ui_manifest("~dev.mine")).unwrap(),
        )
        .await;
    let status = r.status().as_u16();
    let text = r.text().await.unwrap();
    assert_eq!(status, 400, "{text}");
    assert!(text.contains("reserved for apps launched by URL"), "{text}");
    // The directory itself refuses it too (the CLI registers there directly).
    let manifest =
        smart_core::manifest::AppManifest::from_json(&ui_manifest("~dev.mine").to_string())
            .unwrap();
    let err = server
        .container
        .directory()
        .register_app(
            NewApp::new(manifest, "x"),
            SecretPolicy::Rotate,
            Timestamp::now(),
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("reserved"), "{err}");
    assert!(temporary_ids(&server).await.is_empty());
}

/// Registers a temporary app owned by `session` straight in the directory.
async fn register_owned(container: &smart_http::Container, id: &str, session: &str) {
    let manifest =
        smart_core::manifest::AppManifest::from_json(&ui_manifest(id).to_string()).unwrap();
    container
        .directory()
        .register_app(
            NewApp::new(manifest, "x").owned_by_session(session),
            SecretPolicy::Rotate,
            Timestamp::now(),
        )
        .await
        .unwrap();
}

async fn owned_ids(container: &smart_http::Container) -> Vec<String> {
    container
        .directory()
        .list_apps()
        .await
        .unwrap()
        .into_iter()
        .filter(|a| a.owner_session.is_some())
        .map(|a| a.id.as_str().to_owned())
        .collect()
}

#[tokio::test]
async fn left_over_temporary_apps_are_removed_at_start_up() {
    let dir = tempfile::tempdir().unwrap();
    // Before: one app of a live session, one of a session that is gone (a server that
    // crashed before the logout). No server runs yet, so nothing sweeps.
    let mut config = smart_http::ServerConfig::for_data_dir(dir.path());
    config.public_url = "http://127.0.0.1:9".into();
    let container = smart_http::Container::open(config).await.unwrap();
    let admin = container.local_admin().await.unwrap();
    let provider = container.provider();
    provider
        .create_account(&admin, USER, Some(PASSWORD), false)
        .await
        .unwrap();
    let grant = provider
        .login(&provider.internal_ui(), USER, PASSWORD)
        .await
        .unwrap();
    register_owned(&container, "~dev.live", &grant.token).await;
    register_owned(&container, "~dev.leftover", "a-session-that-is-gone").await;
    assert_eq!(owned_ids(&container).await, ["~dev.leftover", "~dev.live"]);
    container.close().await;
    drop(container);

    // The server's start-up housekeeping removes the left-over one only.
    let (_, container, stop, task) = super::persistence::serve_dir(dir.path()).await;
    let mut ids = owned_ids(&container).await;
    for _ in 0..50 {
        if ids.len() < 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        ids = owned_ids(&container).await;
    }
    assert_eq!(ids, ["~dev.live"]);
    let _ = stop.send(());
    task.await.unwrap().unwrap();
    container.close().await;
}
