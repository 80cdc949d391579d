//! The end-to-end journey of a clinician in the real UI: wrong password and unknown user
//! answered alike, sign in, search, open a record, run an app on it, switch patient (the
//! app relaunched, the old instance destroyed), a CSRF-less POST refused, sign out, and
//! the launch token refused afterwards. A screenshot at every step.

use crate::common::PASSWORD;
use crate::world::{ADA, GRACE, Patient, USER, World, app};
use fantoccini::Locator;
use serde_json::{Value, json};
use std::sync::Arc;

/// The text of the page once a navigation started by `act` has finished.
async fn after_navigation<F: std::future::Future<Output = ()>>(w: &World, act: F) {
    w.browser
        .js("window.__before_navigation = true; return true;", vec![])
        .await;
    act.await;
    w.browser
        .wait_js(
            "the next page",
            "return !window.__before_navigation && document.readyState === 'complete';",
            vec![],
        )
        .await;
}

async fn body_text(w: &World) -> String {
    w.browser
        .js("return document.body.innerText;", vec![])
        .await
        .as_str()
        .unwrap()
        .to_owned()
}

/// Searches the list for `p` with the `q` box and opens the record.
async fn search_and_open(w: &World, p: Patient, shot: &str) {
    let b = &w.browser;
    let q = b.wait_css("input[name=\"q\"]").await;
    q.clear().await.unwrap();
    q.send_keys(p.family).await.unwrap();
    after_navigation(w, async {
        q.send_keys("\u{E007}").await.unwrap();
    })
    .await;
    let link = b.wait_css(&format!("a[data-record-id=\"{}\"]", p.id)).await;
    let others = b
        .client
        .find_all(Locator::Css("a[data-record-id]"))
        .await
        .unwrap();
    assert_eq!(
        others.len(),
        1,
        "the search for {} finds one patient",
        p.family
    );
    b.screenshot(shot).await;
    after_navigation(w, async {
        link.click().await.unwrap();
    })
    .await;
    b.wait_css("#smart-page").await;
    let page: Value = serde_json::from_str(
        b.js(
            "return document.getElementById('smart-page').textContent;",
            vec![],
        )
        .await
        .as_str()
        .unwrap(),
    )
    .unwrap();
    assert_eq!(page["record"]["id"], p.id);
    assert!(
        body_text(w).await.contains(&p.full_name()),
        "the header names {}",
        p.full_name()
    );
}

/// A fetch from the top page; (status, body).
async fn page_fetch(w: &World, url: &str, init: Value) -> (u64, String) {
    let v = w
        .browser
        .js_async(
            "var done = arguments[2]; fetch(arguments[0], arguments[1])\
             .then(function (r) { return r.text().then(function (t) { done([r.status, t]); }); },\
                   function (e) { done([0, String(e)]); });",
            vec![json!(url), init],
        )
        .await;
    (v[0].as_u64().unwrap(), v[1].as_str().unwrap().to_owned())
}

/// The clinician's journey (issue 12 §5).
pub async fn e2e_clinician_journey(w: Arc<World>) {
    let b = &w.browser;
    b.leave_frame().await;
    b.client.delete_all_cookies().await.unwrap();
    b.client.goto(&w.url("/patients/7100001")).await.unwrap();
    let at = b.client.current_url().await.unwrap();
    assert!(
        at.path().ends_with("/login"),
        "signed out, the UI asks to sign in: {at}"
    );
    b.screenshot("e2e-login").await;

    // A wrong password and an unknown user are answered alike.
    after_navigation(&w, w.fill_login(USER, "not the password")).await;
    let wrong_password = body_text(&w).await;
    b.screenshot("e2e-wrong-password").await;
    after_navigation(&w, w.fill_login("nobody@example.org", "not the password")).await;
    let unknown_user = body_text(&w).await;
    b.screenshot("e2e-unknown-user").await;
    assert_eq!(wrong_password, unknown_user);
    assert!(
        b.client
            .current_url()
            .await
            .unwrap()
            .path()
            .ends_with("/login")
    );

    // Sign in; back where the UI sent us from.
    after_navigation(&w, w.fill_login(USER, PASSWORD)).await;
    let at = b.client.current_url().await.unwrap();
    assert!(
        at.path().ends_with("/patients/7100001"),
        "the next page: {at}"
    );

    // Search the list, open Ada's record, run the app.
    b.client.goto(&w.url("/")).await.unwrap();
    b.screenshot("e2e-patient-list").await;
    search_and_open(&w, ADA, "e2e-search-ada").await;
    b.screenshot("e2e-record-view").await;
    w.install_spy().await;
    let first = w.launch(app::DEMO).await;
    let first_page = w.ready_of(&first).await["page"]
        .as_str()
        .unwrap()
        .to_owned();
    w.fixtures
        .wait_for("Ada's name in the app", |e| {
            e["page"] == first_page.as_str()
                && e["kind"] == "patient-name"
                && e["detail"]["name"] == ADA.full_name()
        })
        .await;
    let shown = w
        .in_app(
            &first,
            "done(document.getElementById('patient-name').textContent);",
            vec![],
        )
        .await;
    assert_eq!(shown, json!(ADA.full_name()));
    b.screenshot("e2e-app-shows-ada").await;

    // The launch token, as the host page holds it, works for Ada and only for Ada.
    let token = w
        .spied()
        .await
        .iter()
        .find_map(|f| f["headers"]["X-Smart-Launch"].as_str().map(str::to_owned));
    let token = token.expect("the host's API call carried its launch token");
    let with_token = json!({"headers": {"X-Smart-Launch": token}, "credentials": "same-origin"});
    let (status, body) = page_fetch(
        &w,
        &w.url(&format!("/ui/api/records/{}/demographics", ADA.id)),
        with_token.clone(),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (status, _) = page_fetch(
        &w,
        &w.url(&format!("/ui/api/records/{}/demographics", GRACE.id)),
        with_token.clone(),
    )
    .await;
    assert!(
        (400..500).contains(&status),
        "a token for Ada read Grace: {status}"
    );

    // Switch patient: the app is relaunched on Grace, the old instance told destroyed.
    let mark = w.fixtures.mark();
    let patients = b.wait_css(".topnav a").await; // "Patients"
    after_navigation(&w, async {
        patients.click().await.unwrap();
    })
    .await;
    w.fixtures
        .wait_after(mark, "the old instance destroyed", |e| {
            e["page"] == first_page.as_str()
                && e["kind"] == "notification"
                && e["detail"]["name"] == "destroyed"
        })
        .await;
    search_and_open(&w, GRACE, "e2e-search-grace").await;
    let relaunched = w
        .fixtures
        .wait_after(mark, "the app relaunched on Grace", |e| {
            e["kind"] == "patient-name" && e["detail"]["name"] == GRACE.full_name()
        })
        .await;
    let frames = w.frames(app::DEMO).await;
    assert_eq!(frames.len(), 1, "one instance on the new record view");
    assert_ne!(frames[0], first, "a new instance");
    let new_ready = w.ready_of(&frames[0]).await;
    assert_eq!(new_ready["page"], relaunched["page"]);
    assert_eq!(
        new_ready["detail"]["params"]["context"]["record"]["id"],
        GRACE.id
    );
    let shown = w
        .in_app(
            &frames[0],
            "done(document.getElementById('patient-name').textContent);",
            vec![],
        )
        .await;
    assert_eq!(shown, json!(GRACE.full_name()));
    b.screenshot("e2e-switched-to-grace").await;

    // State-changing requests without the CSRF token are refused.
    let (status, body) = page_fetch(
        &w,
        &w.url("/ui/launch"),
        json!({"method": "POST", "credentials": "same-origin",
               "headers": {"Content-Type": "application/json"},
               "body": json!({"app_id": app::DEMO, "record_id": GRACE.id}).to_string()}),
    )
    .await;
    assert_eq!(status, 403, "a launch without CSRF token: {body}");
    let (status, _) = page_fetch(
        &w,
        &w.url("/logout"),
        json!({"method": "POST", "credentials": "same-origin", "redirect": "manual",
               "headers": {"Content-Type": "application/x-www-form-urlencoded"},
               "body": "csrf=forged"}),
    )
    .await;
    assert_eq!(status, 403, "a sign-out with a forged CSRF token");
    let (status, _) = page_fetch(
        &w,
        &w.url(&format!("/ui/api/records/{}/demographics", ADA.id)),
        with_token.clone(),
    )
    .await;
    assert_eq!(status, 200, "still signed in after the refused POSTs");

    // Sign out with the page's own control; the launch token is refused from then on.
    let logout = b
        .wait_css(
            "form[action$=\"/logout\"] button, form[action$=\"/logout\"] input[type=\"submit\"]",
        )
        .await;
    after_navigation(&w, async {
        logout.click().await.unwrap();
    })
    .await;
    let at = b.client.current_url().await.unwrap();
    assert!(at.path().ends_with("/login"), "signed out: {at}");
    b.screenshot("e2e-signed-out").await;
    let (status, _) = page_fetch(
        &w,
        &w.url(&format!("/ui/api/records/{}/demographics", ADA.id)),
        with_token,
    )
    .await;
    assert_eq!(status, 401, "the launch token after sign-out");
    let r = w
        .server
        .http
        .get(w.url(&format!("/ui/api/records/{}/demographics", ADA.id)))
        .header("X-Smart-Launch", &token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401, "the launch token without the session");
}
