//! The SMART REST 3-legged flow in the browser, with a standalone REST app whose pages
//! are fixtures on the app origin and whose back end is this test (it signs with
//! oauth1-request, as a real back end would): the approval page after a login, Approve
//! (the callback page receives the verifier; exchange; a signed record call), Deny,
//! "remember" and its revocation on the account page, framing refused, and the
//! standalone launch page's record picker.

use crate::common::{Creds, PASSWORD, form_get, form_reply, status_text};
use crate::world::{ADA, GRACE, USER, World};
use fantoccini::Locator;
use serde_json::{Value, json};
use std::sync::Arc;
use tokio::sync::OnceCell;

/// The standalone REST app of these tests.
const REST_APP: &str = "fx-rest-standalone@fixtures.smart-rs.org";

/// Its credentials (registered once per run, by the first test that needs it).
static CREDS: OnceCell<Creds> = OnceCell::const_new();

async fn rest_app(w: &World) -> Creds {
    CREDS
        .get_or_init(|| async {
            let o = &w.fixtures.origin;
            let manifest = json!({
                "name": "Fixture REST standalone",
                "description": "A standalone app that uses the SMART REST 3-legged flow",
                "author": "smart-rs tests",
                "id": REST_APP,
                "version": "1.0",
                "mode": "ui",
                "scope": "record",
                "standalone": true,
                "index": format!("{o}/demographics.html"),
                "icon": format!("{o}/icon.svg"),
                "oauth_callback": format!("{o}/demographics.html"),
                "requires": {
                    "http://smartplatforms.org/terms#Demographics": {"methods": ["GET"]}
                }
            });
            w.server.register_app(&manifest).await
        })
        .await
        .clone()
}

/// The app's back end asks for a request token for `record` (with a callback of its
/// own, which the container ignores). (request-token credentials, token)
async fn request_token(w: &World, app: &Creds, record: &str) -> (Creds, String) {
    let r = w
        .server
        .post_form(
            app,
            "/oauth/request_token",
            &[("smart_record_id", record)],
            &[("oauth_callback", "http://evil.example.net/steal")],
        )
        .await;
    let form = form_reply(r).await;
    let token = form_get(&form, "oauth_token");
    (
        app.with_token(&token, &form_get(&form, "oauth_token_secret")),
        token,
    )
}

fn authorize_url(w: &World, token: &str) -> String {
    w.url(&format!("/oauth/authorize?oauth_token={token}"))
}

/// Waits until the app's callback page has loaded with `token` in its query; the query.
async fn callback_query(w: &World, mark: usize, token: &str) -> String {
    let e = w
        .fixtures
        .wait_after(mark, "the app's callback page", |e| {
            e["kind"] == "not-framed"
                && e["detail"]["search"]
                    .as_str()
                    .is_some_and(|s| s.contains(token))
        })
        .await;
    e["detail"]["search"].as_str().unwrap().to_owned()
}

fn param(query: &str, name: &str) -> Option<String> {
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_str(query.trim_start_matches('?')).unwrap();
    pairs.into_iter().find(|(k, _)| k == name).map(|(_, v)| v)
}

/// The app's back end exchanges the verifier; the access credentials.
async fn exchange(w: &World, app: &Creds, request: &Creds, verifier: &str) -> Result<Creds, u16> {
    let r = w
        .server
        .post_form(
            request,
            "/oauth/access_token",
            &[],
            &[("oauth_verifier", verifier)],
        )
        .await;
    let (status, text) = status_text(r).await;
    if status != 200 {
        return Err(status);
    }
    let form: Vec<(String, String)> = serde_urlencoded::from_str(&text).unwrap();
    Ok(app.with_token(
        &form_get(&form, "oauth_token"),
        &form_get(&form, "oauth_token_secret"),
    ))
}

async fn body_text(w: &World) -> String {
    w.browser
        .js("return document.body.innerText;", vec![])
        .await
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// Opens a UI URL signed in as the clinician (signing in on the way if asked).
async fn goto_signed_in(w: &World, url: &str) {
    let b = &w.browser;
    b.leave_frame().await;
    b.client.goto(url).await.unwrap();
    let at = b.client.current_url().await.unwrap();
    if at.path().ends_with("/login") {
        w.fill_login(USER, PASSWORD).await;
        b.wait_js(
            "the page after login",
            "return !location.pathname.endsWith('/login') && document.readyState === 'complete';",
            vec![],
        )
        .await;
    }
}

/// Clicks one of the decision buttons.
async fn click_decision(w: &World, decision: &str) {
    w.browser
        .wait_css(&format!("button[name=\"decision\"][value=\"{decision}\"]"))
        .await
        .click()
        .await
        .unwrap();
}

/// The full flow: signed out, the app sends the browser to the authorize page, the user
/// signs in and lands back on it, approves; the callback page receives the verifier;
/// the back end exchanges it and reads the record with a signed call.
pub async fn approve_three_legged_flow(w: Arc<World>) {
    let app = rest_app(&w).await;
    let b = &w.browser;
    b.leave_frame().await;
    b.client.goto(&w.url("/login")).await.unwrap();
    b.client.delete_all_cookies().await.unwrap();

    let (request, token) = request_token(&w, &app, ADA.id).await;
    b.client.goto(&authorize_url(&w, &token)).await.unwrap();
    let at = b.client.current_url().await.unwrap();
    assert!(
        at.path().ends_with("/login"),
        "asked to sign in first: {at}"
    );
    w.fill_login(USER, PASSWORD).await;
    b.wait_css("button[name=\"decision\"][value=\"approve\"]")
        .await;
    let at = b.client.current_url().await.unwrap();
    assert!(
        at.path().ends_with("/oauth/authorize") && at.query().unwrap_or("").contains(&token),
        "back on the authorize page: {at}"
    );
    let text = body_text(&w).await;
    for expected in [
        "Fixture REST standalone asks for access",
        "By smart-rs tests",
        "A standalone app that uses the SMART REST 3-legged flow",
        "Ada Lovelace",
        ADA.birth,
        "Demographics: read",
        &format!("you go back to {}", w.fixtures.origin),
    ] {
        assert!(text.contains(expected), "{expected:?} on the page: {text}");
    }
    assert_eq!(
        b.js(
            "return document.getElementById('remember').checked;",
            vec![]
        )
        .await,
        json!(false),
        "remember is unchecked by default"
    );
    let icon_loaded = b
        .js(
            "var i = document.querySelector('img.app-logo'); return !!i && i.complete && i.naturalWidth > 0;",
            vec![],
        )
        .await;
    assert_eq!(icon_loaded, json!(true), "the app's icon is shown");
    b.screenshot("approval-page").await;

    let mark = w.fixtures.mark();
    click_decision(&w, "approve").await;
    let query = callback_query(&w, mark, &token).await;
    assert_eq!(
        param(&query, "oauth_token").as_deref(),
        Some(token.as_str())
    );
    let verifier = param(&query, "oauth_verifier").expect("a verifier");
    let at = b.client.current_url().await.unwrap();
    assert!(
        at.as_str()
            .starts_with(&format!("{}/demographics.html?", w.fixtures.origin)),
        "the manifest's callback, not the request's: {at}"
    );
    b.screenshot("approval-callback").await;

    let access = exchange(&w, &app, &request, &verifier)
        .await
        .expect("the exchange succeeds");
    let r = w
        .server
        .get(&access, &format!("/records/{}/demographics", ADA.id))
        .await;
    let (status, body) = status_text(r).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("Lovelace"), "{body}");
    // Bound to Ada's record only.
    let r = w
        .server
        .get(&access, &format!("/records/{}/demographics", GRACE.id))
        .await;
    assert_eq!(r.status(), 403);
}

/// Deny: the app's callback hears `oauth_problem=user_refused`, the request token is dead.
pub async fn approve_deny(w: Arc<World>) {
    let app = rest_app(&w).await;
    let (request, token) = request_token(&w, &app, ADA.id).await;
    goto_signed_in(&w, &authorize_url(&w, &token)).await;
    let mark = w.fixtures.mark();
    click_decision(&w, "deny").await;
    let query = callback_query(&w, mark, &token).await;
    assert_eq!(
        param(&query, "oauth_problem").as_deref(),
        Some("user_refused")
    );
    assert_eq!(param(&query, "oauth_verifier"), None);
    w.browser.screenshot("approval-denied").await;
    assert_eq!(
        exchange(&w, &app, &request, "any verifier").await.err(),
        Some(401)
    );
    // The page of a refused request says so, with a 4xx.
    w.browser
        .client
        .goto(&authorize_url(&w, &token))
        .await
        .unwrap();
    let text = body_text(&w).await;
    assert!(text.contains("Unknown request"), "{text}");
    let (status, _) = fetch_status(&w, &authorize_url(&w, &token)).await;
    assert_eq!(status, 404);
}

/// A fetch from the current page; (status, body).
async fn fetch_status(w: &World, url: &str) -> (u64, String) {
    let v = w
        .browser
        .js_async(
            "var done = arguments[1]; fetch(arguments[0], {credentials: 'same-origin', redirect: 'manual'})\
             .then(function (r) { return r.text().then(function (t) { done([r.status, t]); }); },\
                   function (e) { done([0, String(e)]); });",
            vec![json!(url)],
        )
        .await;
    (v[0].as_u64().unwrap(), v[1].as_str().unwrap().to_owned())
}

/// Remember: the next request for the same patient is approved without the page; the
/// account page lists the approval and revokes it, and the app's access ends.
pub async fn approve_remember(w: Arc<World>) {
    let app = rest_app(&w).await;
    let b = &w.browser;
    let (request, token) = request_token(&w, &app, GRACE.id).await;
    goto_signed_in(&w, &authorize_url(&w, &token)).await;
    b.wait_css("#remember").await.click().await.unwrap();
    let mark = w.fixtures.mark();
    click_decision(&w, "approve").await;
    let query = callback_query(&w, mark, &token).await;
    let access = exchange(
        &w,
        &app,
        &request,
        &param(&query, "oauth_verifier").unwrap(),
    )
    .await
    .unwrap();

    // The next request token for Grace: straight back to the app.
    let (request2, token2) = request_token(&w, &app, GRACE.id).await;
    let mark = w.fixtures.mark();
    b.client.goto(&authorize_url(&w, &token2)).await.unwrap();
    let query = callback_query(&w, mark, &token2).await;
    let verifier = param(&query, "oauth_verifier").expect("approved without asking");
    assert!(exchange(&w, &app, &request2, &verifier).await.is_ok());

    // Listed on the account page; revoke it there.
    b.client.goto(&w.url("/account")).await.unwrap();
    let row = format!(
        "#approvals tr[data-app-id=\"{REST_APP}\"][data-record-id=\"{}\"]",
        GRACE.id
    );
    b.wait_css(&row).await;
    let text = body_text(&w).await;
    assert!(text.contains("Fixture REST standalone"), "{text}");
    assert!(text.contains("Grace Hopper"), "{text}");
    b.screenshot("approval-remembered-on-account").await;
    b.wait_css(&format!("{row} button.revoke"))
        .await
        .click()
        .await
        .unwrap();
    b.wait_js(
        "the revocation notice",
        "return document.body.innerText.indexOf('The approval was revoked.') >= 0;",
        vec![],
    )
    .await;
    assert!(
        b.client
            .find_all(Locator::Css(&row))
            .await
            .unwrap()
            .is_empty()
    );
    b.screenshot("approval-revoked").await;
    // The access the app had ends with it.
    let r = w
        .server
        .get(&access, &format!("/records/{}/demographics", GRACE.id))
        .await;
    assert_eq!(r.status(), 401);
    // And the page asks again.
    let (_, token3) = request_token(&w, &app, GRACE.id).await;
    b.client.goto(&authorize_url(&w, &token3)).await.unwrap();
    b.wait_css("button[name=\"decision\"][value=\"approve\"]")
        .await;
}

/// The page refuses to be framed, even by a page of its own origin (where the other UI
/// pages may be framed); nothing can be clicked in the frame, and the request stays
/// pending.
pub async fn approve_framing_refused(w: Arc<World>) {
    let app = rest_app(&w).await;
    let b = &w.browser;
    let (_, token) = request_token(&w, &app, ADA.id).await;
    goto_signed_in(&w, &w.url("/account")).await;
    // A same-origin document without a CSP of its own: the API's JSON manifest.
    b.client.goto(&w.url("/manifest")).await.unwrap();
    let loaded = b
        .js_async(
            "var done = arguments[2]; var n = 0;\
             function add(id, src) { var f = document.createElement('iframe'); f.id = id;\
               f.width = 600; f.height = 300; f.onload = function () { if (++n === 2) done(true); };\
               f.src = src; document.body.insertBefore(f, document.body.firstChild); }\
             add('framed-authorize', arguments[0]); add('framed-control', arguments[1]);",
            vec![json!(authorize_url(&w, &token)), json!(w.url("/account"))],
        )
        .await;
    assert_eq!(loaded, json!(true));
    b.screenshot("approval-framing-refused").await;
    let inside = |id: &'static str| async move {
        b.leave_frame().await;
        let frame = b.wait_css(&format!("iframe#{id}")).await;
        frame.enter_frame().await.unwrap();
        let v: Value = b
            .js(
                "return [String(location.href), !!document.querySelector('button[name=decision]'), !!document.querySelector('#approvals')];",
                vec![],
            )
            .await;
        b.leave_frame().await;
        v
    };
    // The control: another UI page in the same kind of frame shows.
    let control = inside("framed-control").await;
    assert_eq!(
        control[2],
        json!(true),
        "the control frame shows: {control}"
    );
    // The authorize page does not.
    let framed = inside("framed-authorize").await;
    assert_eq!(
        framed[1],
        json!(false),
        "no decision button in a frame: {framed}"
    );
    assert!(
        !framed[0].as_str().unwrap().contains("/oauth/authorize"),
        "the frame holds no authorize document: {framed}"
    );
    // The request is still pending: the top-level page shows it.
    b.client.goto(&authorize_url(&w, &token)).await.unwrap();
    b.wait_css("button[name=\"decision\"][value=\"approve\"]")
        .await;
}

/// `/apps/{app_id}/launch`: the record picker opens the app's index with `api_base`
/// and `record_id`.
pub async fn approve_launch_picker(w: Arc<World>) {
    rest_app(&w).await;
    let b = &w.browser;
    goto_signed_in(&w, &w.url(&format!("/apps/{REST_APP}/launch"))).await;
    let q = b.wait_css("input[name=\"q\"]").await;
    q.send_keys(GRACE.family).await.unwrap();
    q.send_keys("\u{E007}").await.unwrap();
    b.wait_js(
        "the search result",
        "return document.querySelectorAll('a[data-record-id]').length === 1 && location.search.indexOf('q=') >= 0;",
        vec![],
    )
    .await;
    b.screenshot("launch-picker").await;
    let mark = w.fixtures.mark();
    b.wait_css(&format!("a[data-record-id=\"{}\"]", GRACE.id))
        .await
        .click()
        .await
        .unwrap();
    let e = w
        .fixtures
        .wait_after(mark, "the app's index", |e| {
            e["kind"] == "not-framed"
                && e["detail"]["search"]
                    .as_str()
                    .is_some_and(|s| s.contains("record_id="))
        })
        .await;
    let search = e["detail"]["search"].as_str().unwrap();
    assert_eq!(param(search, "record_id").as_deref(), Some(GRACE.id));
    assert_eq!(
        param(search, "api_base").as_deref(),
        Some(w.server.container.config().api_base())
    );
    let at = b.client.current_url().await.unwrap();
    assert!(
        at.as_str().starts_with(&format!(
            "{}/demographics.html?api_base=",
            w.fixtures.origin
        )),
        "{at}"
    );
}
