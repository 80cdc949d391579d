//! Host behaviour beyond the numbered checks: container-scope and standalone apps, and
//! the "app failed to load" state.

use crate::common::{Backend, PASSWORD, TestServer};
use crate::world::{ADA, USER, World, app, import_patient, manifest};
use serde_json::json;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A container-scope app runs with a `record` object all the same (spec §2.2).
pub async fn host_container_scope_app(w: Arc<World>) {
    w.fresh_record_view(ADA).await;
    let uuid = w.launch(app::CONTAINER).await;
    let ready = w.ready_of(&uuid).await;
    let p = &ready["detail"]["params"];
    assert!(p["context"]["record"].is_object(), "{p}");
    assert_eq!(p["manifest"]["scope"], "container");
}

/// A standalone app opens in a window of its own with `record_id` and `api_base`.
pub async fn host_standalone_app(w: Arc<World>) {
    w.fresh_record_view(ADA).await;
    let b = &w.browser;
    let main = b.client.window().await.unwrap();
    let before = b.client.windows().await.unwrap().len();
    let mark = w.fixtures.mark();
    b.wait_css(&format!(
        ".app-launcher[data-app-id=\"{}\"]",
        app::STANDALONE
    ))
    .await
    .click()
    .await
    .unwrap();
    let opened = w
        .fixtures
        .wait_after(mark, "the standalone window", |e| e["kind"] == "not-framed")
        .await;
    let search = opened["detail"]["search"].as_str().unwrap();
    assert!(
        search.contains(&format!("record_id={}", ADA.id)),
        "{search}"
    );
    assert!(search.contains("api_base=http"), "{search}");
    assert!(w.frames(app::STANDALONE).await.is_empty(), "not framed");
    let windows = b.client.windows().await.unwrap();
    assert_eq!(windows.len(), before + 1);
    for h in windows {
        if h != main {
            b.client.switch_to_window(h).await.unwrap();
            b.client.close_window().await.unwrap();
        }
    }
    b.client.switch_to_window(main).await.unwrap();
}

/// An app that never finishes the handshake is reported as "app failed to load".
pub async fn host_app_failed_to_load(w: Arc<World>) {
    w.fresh_record_view(ADA).await;
    w.launch(app::SILENT).await;
    let started = Instant::now();
    loop {
        let text = w
            .browser
            .js(
                "return document.getElementById('app-status').textContent;",
                vec![],
            )
            .await;
        if text
            .as_str()
            .unwrap_or_default()
            .contains("app failed to load")
        {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "no failure shown: {text}"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert!(
        started.elapsed() > Duration::from_secs(5),
        "reported before the app had its time"
    );
    let failed = w
        .browser
        .js(
            "return !!document.querySelector('.app-tab.app-failed[data-app-id=\"' + arguments[0] + '\"]');",
            vec![json!(app::SILENT)],
        )
        .await;
    assert_eq!(failed, json!(true));
    w.browser.screenshot("host-app-failed-to-load").await;
}

/// Behind a public URL with a path (`/ehr`), the host launches through `{base}/ui/launch`
/// and relays through `{base}/ui/api`: the app shows its patient.
pub async fn host_under_path_prefix(w: Arc<World>) {
    let server = TestServer::start_with(Backend::Memory, |c| {
        c.public_url = format!("{}/ehr", c.public_url);
    })
    .await;
    let admin = server.container.local_admin().await.unwrap();
    let provider = server.container.provider();
    provider
        .create_account(&admin, USER, Some(PASSWORD), false)
        .await
        .unwrap();
    import_patient(&server, ADA).await;
    let m = manifest(
        app::DEMO,
        "Fixture demographics",
        &format!("{}/demographics.html", w.fixtures.origin),
        "ui",
        "record",
        false,
    );
    let parsed = smart_core::manifest::AppManifest::from_json(&m.to_string()).unwrap();
    provider.register_app(&admin, parsed).await.unwrap();
    server
        .container
        .directory()
        .set_app_enabled(
            &smart_store::directory::UserId::new(USER).unwrap(),
            &smart_store::directory::AppId::new(app::DEMO).unwrap(),
            true,
            smart_store::directory::Timestamp::now(),
        )
        .await
        .unwrap();

    let b = &w.browser;
    b.leave_frame().await;
    // Cookies do not tell ports apart: start clean, and leave clean for the next test.
    b.client.delete_all_cookies().await.unwrap();
    b.client
        .goto(&format!("{}/ehr/patients/{}", server.base, ADA.id))
        .await
        .unwrap();
    w.fill_login(USER, PASSWORD).await;
    b.wait_css("#smart-page").await;
    let base = b
        .js(
            "return JSON.parse(document.getElementById('smart-page').textContent).base;",
            vec![],
        )
        .await;
    assert_eq!(base, json!("/ehr"));
    w.install_spy().await;
    let mark = w.fixtures.mark();
    let uuid = w.launch(app::DEMO).await;
    let ready = w
        .fixtures
        .wait_after(mark, "ready under /ehr", |e| {
            e["kind"] == "ready" && e["detail"]["params"]["uuid"] == uuid.as_str()
        })
        .await;
    let page = ready["page"].as_str().unwrap().to_owned();
    let name = w
        .fixtures
        .wait_after(mark, "the name under /ehr", |e| {
            e["page"] == page.as_str() && e["kind"] == "patient-name"
        })
        .await;
    assert_eq!(name["detail"]["name"], ADA.full_name());
    let urls: Vec<String> = w
        .spied()
        .await
        .iter()
        .map(|f| f["url"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        urls[0],
        format!("{}/ehr/ui/launch", server.base),
        "{urls:?}"
    );
    assert_eq!(
        urls[1],
        format!("{}/ehr/ui/api/records/{}/demographics", server.base, ADA.id)
    );
    w.browser.screenshot("host-under-path-prefix").await;
    b.js("sessionStorage.clear(); return true;", vec![]).await;
    b.client.goto("about:blank").await.unwrap();
    b.client.delete_all_cookies().await.unwrap();
    server.stop().await;
}
