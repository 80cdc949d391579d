//! The bundled apps' origin over real HTTP (headers, caching, methods, cookies ignored) and
//! the registration of the bundled apps at start (idempotent, following the apps URL,
//! switched off by `[apps] enabled = false`).

mod common;

use common::{Backend, TestServer};
use smart_http::apps::{BUNDLED, Registration, register_bundled};
use smart_http::{Container, ServerConfig};
use smart_store::directory::AppId;

/// A container whose apps origin is served on a free port; its base URL.
async fn with_apps_origin() -> (TestServer, String, tokio::sync::oneshot::Sender<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let apps = format!("http://{addr}");
    let server = TestServer::start_with(Backend::Memory, |c| {
        c.apps.public_url = apps.clone();
        c.apps.bind = addr;
    })
    .await;
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(smart_http::apps::serve(
        server.container.clone(),
        listener,
        async move {
            let _ = rx.await;
        },
    ));
    (server, apps, tx)
}

#[tokio::test]
async fn the_apps_origin_serves_embedded_files_with_strict_headers() {
    let (server, apps, stop) = with_apps_origin().await;
    let http = reqwest::Client::new();

    let lib = http
        .get(format!("{apps}/lib/smart-connect.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(lib.status(), 200);
    let h = lib.headers().clone();
    assert_eq!(h["content-type"], "text/javascript; charset=utf-8");
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["cache-control"], "no-cache");
    assert_eq!(h["cross-origin-resource-policy"], "same-origin");
    let csp = h["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("script-src 'self';"), "{csp}");
    assert!(csp.contains("connect-src 'self';"), "{csp}");
    assert!(csp.contains("default-src 'none'"), "{csp}");
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert!(
        csp.ends_with(&format!("frame-ancestors {}", server.base)),
        "framed only by the UI: {csp}"
    );
    assert!(h.get("set-cookie").is_none());
    let etag = h["etag"].to_str().unwrap().to_owned();
    assert!(etag.starts_with('"'), "{etag}");
    let text = lib.text().await.unwrap();
    assert!(text.contains("global.SmartConnect"), "the library");

    // Revalidation: the same ETag is 304 without a body.
    let again = http
        .get(format!("{apps}/lib/smart-connect.js"))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
    assert_eq!(again.headers()["etag"], etag.as_str());
    assert!(again.bytes().await.unwrap().is_empty());

    // The UI's session cookie reaches this origin (cookies ignore ports) and changes nothing.
    let with_cookie = http
        .get(format!("{apps}/lib/smart-connect.js"))
        .header("cookie", "smart_session=stolen-if-it-were-read")
        .send()
        .await
        .unwrap();
    assert_eq!(with_cookie.status(), 200);
    assert!(with_cookie.headers().get("set-cookie").is_none());
    assert_eq!(with_cookie.text().await.unwrap(), text);

    // Every bundled app's page and icon, with their types.
    for app in BUNDLED {
        let page = http
            .get(format!("{apps}/{}/", app.slug))
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), 200, "{}", app.slug);
        assert_eq!(page.headers()["content-type"], "text/html; charset=utf-8");
        let html = page.text().await.unwrap();
        assert!(html.contains("/lib/smart-connect.js"), "{}", app.slug);
        assert!(
            !html.contains("<script>") && !html.contains("style="),
            "no inline script or style in {}",
            app.slug
        );
        let icon = http
            .get(format!("{apps}/{}/icon.svg", app.slug))
            .send()
            .await
            .unwrap();
        assert_eq!(icon.headers()["content-type"], "image/svg+xml");
        // The UI's sidebar shows the icon: it may be loaded cross-origin, nothing else.
        assert_eq!(
            icon.headers()["cross-origin-resource-policy"],
            "cross-origin"
        );
    }

    // The growth tables: JSON, cached for a day, with their license beside them.
    let table = http
        .get(format!("{apps}/growth/wfa_girls_0_5_zscores.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(table.headers()["content-type"], "application/json");
    assert_eq!(table.headers()["cache-control"], "public, max-age=86400");
    let rows: serde_json::Value = table.json().await.unwrap();
    assert_eq!(rows[0]["Month"], "0");
    let license = http
        .get(format!("{apps}/growth/LICENSE.txt"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        license.headers()["content-type"],
        "text/plain; charset=utf-8"
    );
    assert!(license.text().await.unwrap().contains("UNICEF"));

    // Only GET and HEAD; unknown paths are 404 with the same protections.
    let post = http
        .post(format!("{apps}/lib/smart-connect.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(post.status(), 405);
    assert_eq!(post.headers()["allow"], "GET, HEAD");
    let head = http
        .head(format!("{apps}/lib/smart-connect.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(head.status(), 200);
    let missing = http
        .get(format!("{apps}/lib/../../Cargo.toml"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    assert_eq!(missing.headers()["x-content-type-options"], "nosniff");
    assert!(missing.headers().contains_key("content-security-policy"));

    let _ = stop.send(());
    server.stop().await;
}

/// The same service (one directory) under another HTTP configuration: a second server.
fn second_server(first: &TestServer, adjust: impl FnOnce(&mut ServerConfig)) -> Container {
    let mut config = first.container.config().clone();
    adjust(&mut config);
    Container::with_service(first.container.service().clone(), config)
}

#[tokio::test]
async fn bundled_apps_are_registered_idempotently_and_follow_the_apps_url() {
    let server = TestServer::start_with(Backend::Memory, |c| {
        c.apps.public_url = "http://127.0.0.1:17001".to_owned();
    })
    .await;
    let directory = server.container.directory();

    let first = register_bundled(&server.container).await.unwrap();
    assert_eq!(first.len(), BUNDLED.len());
    assert!(first.iter().all(|(_, r)| *r == Registration::Created));
    let id = AppId::new(BUNDLED[0].id).unwrap();
    let before = directory.get_app(&id).await.unwrap().unwrap();
    assert!(before.enabled && before.enabled_by_default);
    assert_eq!(
        before.manifest.index.as_deref(),
        Some(format!("http://127.0.0.1:17001/{}/", BUNDLED[0].slug).as_str())
    );

    // A second start (or a second server with the same apps URL) changes nothing.
    let same = second_server(&server, |_| {});
    let again = register_bundled(&same).await.unwrap();
    assert!(again.iter().all(|(_, r)| *r == Registration::Unchanged));
    assert_eq!(directory.get_app(&id).await.unwrap().unwrap(), before);

    // The apps URL changed: the manifests follow it, the secret stays.
    let moved = second_server(&server, |c| {
        c.apps.public_url = "https://apps.example.org".to_owned();
    });
    let updated = register_bundled(&moved).await.unwrap();
    assert!(updated.iter().all(|(_, r)| *r == Registration::Updated));
    let after = directory.get_app(&id).await.unwrap().unwrap();
    assert_eq!(
        after.manifest.index.as_deref(),
        Some(format!("https://apps.example.org/{}/", BUNDLED[0].slug).as_str())
    );
    assert_eq!(after.consumer_secret, before.consumer_secret);

    // The API lists them (GET /apps/manifests/ is open to any signed caller).
    let listed = server.get(&server.admin(), "/apps/manifests/").await;
    assert_eq!(listed.status(), 200);
    let listed: serde_json::Value = listed.json().await.unwrap();
    for app in BUNDLED {
        assert!(
            listed
                .as_array()
                .unwrap()
                .iter()
                .any(|m| m["id"] == app.id && m["mode"] == "ui"),
            "{} listed: {listed}",
            app.id
        );
    }

    // Turned off: switched off container-wide, nothing deleted; back on: switched on.
    let off = second_server(&server, |c| {
        c.apps.enabled = false;
        c.apps.public_url = "https://apps.example.org".to_owned();
    });
    let outcome = register_bundled(&off).await.unwrap();
    assert!(outcome.iter().all(|(_, r)| *r == Registration::Updated));
    assert!(!directory.get_app(&id).await.unwrap().unwrap().enabled);
    let on = register_bundled(&moved).await.unwrap();
    assert!(on.iter().all(|(_, r)| *r == Registration::Updated));
    assert!(directory.get_app(&id).await.unwrap().unwrap().enabled);
    server.stop().await;
}

#[tokio::test]
async fn turned_off_before_any_registration_registers_nothing() {
    let server = TestServer::start_with(Backend::Memory, |c| c.apps.enabled = false).await;
    let outcome = register_bundled(&server.container).await.unwrap();
    assert!(outcome.iter().all(|(_, r)| *r == Registration::Absent));
    for app in BUNDLED {
        let id = AppId::new(app.id).unwrap();
        assert!(
            server
                .container
                .directory()
                .get_app(&id)
                .await
                .unwrap()
                .is_none()
        );
    }
    server.stop().await;
}
