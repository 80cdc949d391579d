//! Showcase mode and shared links in Chromium: the showcase's public landing page and an
//! app running read-only in it; a shared link with a PIN opening its one app on its
//! record; an expired link refused.

use crate::common::{Backend, TestServer};
use crate::world::{ADA, USER, World, app, import_patient, manifest};
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;

/// The uuid of the first frame of `app_id` once the page has one (an app the page
/// launched by itself).
async fn first_frame(w: &World, app_id: &str) -> String {
    let deadline = std::time::Instant::now() + crate::driver::PATIENCE;
    loop {
        if let Some(u) = w.frames(app_id).await.into_iter().next() {
            return u;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no frame for {app_id}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Waits until the demographics fixture of instance `uuid` has shown its patient's name;
/// the name.
async fn patient_name_shown(w: &World, uuid: &str) -> Value {
    let page = w.ready_of(uuid).await["page"].as_str().unwrap().to_owned();
    w.fixtures
        .wait_for("the app's own demographics call", |e| {
            e["page"] == page.as_str() && e["kind"] == "patient-name"
        })
        .await
}

/// A relayed API call made by the app itself (through the fixture's client).
async fn app_api(w: &World, uuid: &str, func: &str, method: &str, body: &str, ct: &str) -> Value {
    w.in_app(
        uuid,
        "FX.api(args[0], args[1], args[2], args[3]).then(done);",
        vec![json!(func), json!(method), json!(body), json!(ct)],
    )
    .await
}

pub async fn showcase_landing_and_read_only_app(w: Arc<World>) {
    let server = TestServer::start_with(Backend::Memory, |c| {
        c.showcase.enabled = true;
        c.check().unwrap();
    })
    .await;
    import_patient(&server, ADA).await;
    let o = &w.fixtures.origin;
    server
        .register_app(&manifest(
            app::DEMO,
            "Fixture demographics",
            &format!("{o}/demographics.html"),
            "ui",
            "record",
            false,
        ))
        .await;
    let b = &w.browser;
    b.leave_frame().await;
    b.client.delete_all_cookies().await.unwrap();
    // No login: the landing page lists the apps and the sample patients.
    b.client.goto(&format!("{}/", server.base)).await.unwrap();
    b.wait_css("#showcase-apps").await;
    let seen = b
        .js(
            "return [document.querySelector('#showcase-apps').innerText,\
                     document.querySelector('#showcase-patients').innerText, location.pathname];",
            vec![],
        )
        .await;
    assert!(
        seen[0].as_str().unwrap().contains("Fixture demographics"),
        "{seen}"
    );
    assert!(seen[1].as_str().unwrap().contains("Lovelace"), "{seen}");
    assert_eq!(seen[2], json!("/"), "no login page on the way: {seen}");
    b.screenshot("showcase_landing").await;

    // A patient, an app: it runs and reads, and its writes are refused by the server.
    b.wait_css(&format!("a[data-record-id=\"{}\"]", ADA.id))
        .await
        .click()
        .await
        .unwrap();
    b.wait_css("#app-sidebar").await;
    let uuid = w.launch(app::DEMO).await;
    let name = patient_name_shown(&w, &uuid).await;
    assert!(name.to_string().contains("Lovelace"), "{name}");
    let put = app_api(
        &w,
        &uuid,
        &format!("/records/{}/apps/{}/scratchpad", ADA.id, app::DEMO),
        "PUT",
        "not saved",
        "text/plain",
    )
    .await;
    assert_eq!(put["error"], 403, "{put}");
    assert!(put.to_string().contains("read-only"), "{put}");
    b.screenshot("showcase_app_read_only").await;
    b.leave_frame().await;
    b.client.delete_all_cookies().await.unwrap();
    server.stop().await;
}

pub async fn shared_link_with_pin_opens_its_app(w: Arc<World>) {
    let b = &w.browser;
    // The owner makes the link on the account page, from the record view's link.
    w.fresh_record_view(ADA).await;
    b.wait_css("a.share-link").await.click().await.unwrap();
    b.wait_css("#share-record").await;
    let made = b
        .js(
            "document.querySelector('#share-app').value = arguments[0];\
             document.querySelector('#share-days').value = '1';\
             document.querySelector('#share-pin').value = '4321';\
             return document.querySelector('#share-record').value;",
            vec![json!(app::DEMO)],
        )
        .await;
    assert_eq!(made, json!(ADA.id));
    b.client
        .find(fantoccini::Locator::Css("#share button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let link = b
        .wait_css("#new-link")
        .await
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    assert!(link.contains("/s/"), "{link}");

    // Someone else (no cookies at all) opens it: the PIN, then the app on its record.
    b.client.delete_all_cookies().await.unwrap();
    b.client.goto(&link).await.unwrap();
    let pin = b.wait_css("input[name=\"pin\"]").await;
    pin.send_keys("4321").await.unwrap();
    b.screenshot("shared_link_pin").await;
    pin.send_keys("\u{E007}").await.unwrap();
    b.wait_css("#smart-page").await;
    let uuid = first_frame(&w, app::DEMO).await;
    let name = patient_name_shown(&w, &uuid).await;
    assert!(name.to_string().contains("Lovelace"), "{name}");
    let seen = b
        .js(
            "return [document.querySelectorAll('.app-launcher').length,\
                     document.querySelector('.patient-header').innerText,\
                     document.querySelectorAll('nav.topnav').length];",
            vec![],
        )
        .await;
    assert_eq!(seen[0], json!(1), "one app only: {seen}");
    assert!(seen[1].as_str().unwrap().contains("read-only"), "{seen}");
    assert_eq!(seen[2], json!(0), "no account menu: {seen}");
    // The app reads its record; another record and any write are refused.
    let other = app_api(
        &w,
        &uuid,
        "/records/7100002/demographics",
        "GET",
        "",
        "application/x-www-form-urlencoded",
    )
    .await;
    assert_eq!(other["error"], 403, "{other}");
    let put = app_api(
        &w,
        &uuid,
        &format!("/records/{}/apps/{}/scratchpad", ADA.id, app::DEMO),
        "PUT",
        "no",
        "text/plain",
    )
    .await;
    assert_eq!(put["error"], 403, "{put}");
    b.screenshot("shared_link_viewer").await;
    b.leave_frame().await;
    b.client.delete_all_cookies().await.unwrap();
}

pub async fn shared_link_expired_refused(w: Arc<World>) {
    use smart_auth::directory::SharedLink;
    use smart_store::directory::{AppId, Timestamp, UserId};
    let token = "browser-expired-link-token-0000000000000001";
    let now = Timestamp::now();
    w.server
        .container
        .directory()
        .create_shared_link(SharedLink::new(
            smart_auth::provider::link_digest(token),
            UserId::new(USER).unwrap(),
            AppId::new(app::DEMO).unwrap(),
            smart_core::RecordId::new(ADA.id).unwrap(),
            None,
            now.saturating_sub(Duration::from_secs(3 * 86_400)),
            now.saturating_sub(Duration::from_secs(60)),
        ))
        .await
        .unwrap();
    let b = &w.browser;
    b.leave_frame().await;
    b.client.delete_all_cookies().await.unwrap();
    b.client.goto(&w.url(&format!("/s/{token}"))).await.unwrap();
    b.wait_css("main h1").await;
    let seen = b
        .js(
            "return [document.querySelector('main h1').innerText, document.querySelectorAll('iframe').length];",
            vec![],
        )
        .await;
    assert_eq!(seen[0], json!("This link has expired"), "{seen}");
    assert_eq!(seen[1], json!(0));
    b.screenshot("shared_link_expired").await;
}
