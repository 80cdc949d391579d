//! Host behaviour beyond the numbered checks: container-scope and standalone apps, and
//! the "app failed to load" state.

use crate::world::{ADA, World, app};
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
