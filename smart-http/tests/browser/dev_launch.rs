//! "Launch by URL": a developer pastes the index URL of a fixture app (served on the
//! fixture origin, registered nowhere) and it runs on the patient like a registered app.

use crate::world::{ADA, World};
use serde_json::json;
use std::sync::Arc;

/// The temporary apps in the directory.
async fn temporary_apps(w: &World) -> Vec<String> {
    w.server
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

pub async fn dev_launch_by_url(w: Arc<World>) {
    w.fresh_record_view(ADA).await;
    let b = &w.browser;
    let index = format!("{}/demographics.html", w.fixtures.origin);

    b.wait_css("details.dev-launch summary")
        .await
        .click()
        .await
        .unwrap();
    b.wait_css("#dev-index-url")
        .await
        .send_keys(&index)
        .await
        .unwrap();
    b.screenshot("dev-launch-form").await;
    b.wait_css(".dev-launch-form button[type=\"submit\"]")
        .await
        .click()
        .await
        .unwrap();

    // Back on Ada's record view, the app has a launcher of its own and opens at once.
    b.wait_css(".app-launcher.dev-app").await;
    let id = b
        .js(
            "return document.querySelector('.app-launcher.dev-app').getAttribute('data-app-id');",
            vec![],
        )
        .await
        .as_str()
        .unwrap()
        .to_owned();
    assert!(id.starts_with("~dev."), "{id}");
    assert_eq!(temporary_apps(&w).await, std::slice::from_ref(&id));
    let deadline = std::time::Instant::now() + crate::driver::PATIENCE;
    let uuid = loop {
        if let Some(u) = w.frames(&id).await.into_iter().next() {
            break u;
        }
        assert!(std::time::Instant::now() < deadline, "no frame for {id}");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    // Framed from its own origin, not the UI's.
    let src = b
        .js(
            "return document.querySelector('iframe[data-uuid=\"' + arguments[0] + '\"]').src;",
            vec![json!(uuid)],
        )
        .await;
    let src = src.as_str().unwrap();
    assert!(src.starts_with(&format!("{index}?api_base=")), "{src}");
    assert!(!src.starts_with(&w.server.base));

    // It runs the SMART Connect handshake and reads Ada's demographics through the relay.
    let ready = w.ready_of(&uuid).await;
    assert_eq!(ready["detail"]["params"]["manifest"]["id"], id.as_str());
    let page = ready["page"].as_str().unwrap().to_owned();
    w.fixtures
        .wait_for("Ada's name in the app launched by URL", |e| {
            e["page"] == page.as_str()
                && e["kind"] == "patient-name"
                && e["detail"]["name"] == ADA.full_name()
        })
        .await;
    let shown = w
        .in_app(
            &uuid,
            "done(document.getElementById('patient-name').textContent);",
            vec![],
        )
        .await;
    assert_eq!(shown, json!(ADA.full_name()));
    b.screenshot("dev-launch-app-shows-ada").await;

    // A bad URL: the form comes back with what is wrong.
    b.client
        .goto(&w.url(&format!("/patients/{}", ADA.id)))
        .await
        .unwrap();
    b.wait_css("details.dev-launch summary")
        .await
        .click()
        .await
        .unwrap();
    b.wait_css("#dev-index-url")
        .await
        .send_keys(&format!("{}/mine.html", w.server.base))
        .await
        .unwrap();
    b.wait_css(".dev-launch-form button[type=\"submit\"]")
        .await
        .click()
        .await
        .unwrap();
    let alert = b
        .wait_css("p.error[role=\"alert\"]")
        .await
        .text()
        .await
        .unwrap();
    assert!(alert.contains("own origin"), "{alert}");
    b.screenshot("dev-launch-refused").await;

    // Signing out deletes the temporary app.
    b.client.goto(&w.url("/account")).await.unwrap();
    b.wait_css(
        "form[action$=\"/logout\"] button, form[action$=\"/logout\"] input[type=\"submit\"]",
    )
    .await
    .click()
    .await
    .unwrap();
    b.wait_js(
        "the login page",
        "return location.pathname.endsWith('/login');",
        vec![],
    )
    .await;
    assert!(temporary_apps(&w).await.is_empty());
}
