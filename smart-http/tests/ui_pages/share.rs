//! Showcase mode and shared links: read-only sessions refused every write on the server,
//! links that expire, are revoked, ask for a PIN with throttling, and reach one app on one
//! record only.

use super::*;
use smart_auth::directory::SharedLink;
use smart_auth::provider::link_digest;
use smart_store::directory::{AppId, Timestamp, UserId};
use std::time::Duration;

const NOTE: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
  xmlns:sp="http://smartplatforms.org/terms#" xmlns:dcterms="http://purl.org/dc/terms/">
<sp:ClinicalNote><dcterms:title>Visit</dcterms:title><dcterms:date>2024-01-02</dcterms:date></sp:ClinicalNote>
</rdf:RDF>"#;

/// Launches through `launch_path` with the page's CSRF token; the answer.
async fn launch_at(
    v: &mut Visitor,
    launch_path: &str,
    csrf: &str,
    app: &str,
    record: &str,
) -> Answer {
    let rb = v
        .http
        .post(v.url(launch_path))
        .header("content-type", "application/json")
        .header("x-csrf-token", csrf)
        .body(serde_json::json!({"app_id": app, "record_id": record}).to_string());
    v.send(rb).await
}

/// A relayed call through `api_prefix` (`/ui/api` or `/s/view/api`).
async fn relay_at(
    v: &mut Visitor,
    api_prefix: &str,
    method: &str,
    func: &str,
    token: &str,
    content_type: &str,
    body: &str,
) -> Answer {
    let rb = v
        .http
        .request(
            method.parse().unwrap(),
            v.url(&format!("{api_prefix}{func}")),
        )
        .header("x-smart-launch", token)
        .header("content-type", content_type)
        .body(body.to_owned());
    v.send(rb).await
}

fn launch_token(a: &Answer) -> String {
    assert_eq!(a.status, 200, "{}", a.body);
    let v: serde_json::Value = serde_json::from_str(&a.body).unwrap();
    v["launch_token"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn showcase_visitors_read_but_every_write_is_refused() {
    let server = server_with(|c| c.showcase.enabled = true).await;
    let mut v = Visitor::new(&server, "");
    // No login: a visitor session, then the landing page with apps and patients.
    let a = v.get("/").await;
    assert_eq!(a.status, 303, "{}", a.body);
    assert!(v.cookies.contains_key("smart_session"));
    let landing = v.get("/").await;
    assert_eq!(landing.status, 200, "{}", landing.body);
    assert!(
        landing.body.contains("read-only showcase"),
        "{}",
        landing.body
    );
    assert!(landing.body.contains(&format!("data-app-id=\"{APP}\"")));
    assert!(landing.body.contains("Other app"));
    assert!(landing.body.contains("data-record-id=\"p1\""));

    // The record view shows every app; launching and reading work.
    let view = v.get("/patients/p1").await;
    assert_eq!(view.status, 200, "{}", view.body);
    assert!(view.body.contains(&format!("data-app-id=\"{OTHER_APP}\"")));
    assert!(
        !view.body.contains("share-link"),
        "the visitor shares nothing"
    );
    let csrf = view.page_data()["csrf"].as_str().unwrap().to_owned();
    let token = launch_token(&launch_at(&mut v, "/ui/launch", &csrf, APP, "p1").await);
    let r = relay_at(
        &mut v,
        "/ui/api",
        "GET",
        "/records/p1/demographics",
        &token,
        "text/plain",
        "",
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);

    // Writes through the relay: refused by the access policy, with a clear message.
    let r = relay_at(
        &mut v,
        "/ui/api",
        "POST",
        "/records/p1/clinical_notes/",
        &token,
        "application/rdf+xml",
        NOTE,
    )
    .await;
    assert_eq!(r.status, 403, "{}", r.body);
    assert!(r.body.contains("read-only"), "{}", r.body);
    let notes = server
        .container
        .clinical()
        .query(
            &smart_core::RecordId::new("p1").unwrap(),
            &smart_store::clinical::StatementQuery::all(smart_core::sp!("ClinicalNote")),
        )
        .await
        .unwrap();
    assert!(notes.graph.is_empty(), "no note was stored");
    let scratchpad = format!("/records/p1/apps/{APP}/scratchpad");
    let r = relay_at(
        &mut v,
        "/ui/api",
        "PUT",
        &scratchpad,
        &token,
        "text/plain",
        "x",
    )
    .await;
    assert_eq!(r.status, 403, "{}", r.body);
    let prefs = format!("/users/showcase@localhost/apps/{APP}/preferences");
    let r = relay_at(&mut v, "/ui/api", "PUT", &prefs, &token, "text/plain", "x").await;
    assert_eq!(r.status, 403, "{}", r.body);

    // The account pages: refused, password change included.
    assert_eq!(v.get("/account").await.status, 403);
    let r = v
        .post(
            "/account/password",
            &[
                ("csrf", &csrf),
                ("current", ""),
                ("new", "a-new-password-1"),
            ],
        )
        .await;
    assert_eq!(r.status, 403, "{}", r.body);
    assert!(r.body.contains("read-only showcase"));
    let r = v
        .post(
            "/account/links",
            &[
                ("csrf", &csrf),
                ("app", APP),
                ("record", "p1"),
                ("days", "1"),
            ],
        )
        .await;
    assert_eq!(r.status, 403);
    let account = server
        .container
        .directory()
        .get_account(&UserId::new("showcase@localhost").unwrap())
        .await
        .unwrap()
        .expect("the showcase account was created");
    assert!(account.password_hash.is_none(), "nobody can log in as it");
    assert!(!account.admin);

    // Logging out is harmless, and the showcase account has no password to log in with.
    let r = v.post("/logout", &[("csrf", &csrf)]).await;
    assert_eq!(r.status, 303);
    let mut m = Visitor::new(&server, "");
    assert_eq!(m.login_as("showcase@localhost", "", "/").await.status, 401);

    // A real account still signs in, with its usual rights.
    let mut real = Visitor::new(&server, "");
    real.login(USER).await;
    let csrf = real.csrf().await;
    let token = launch_token(&launch_at(&mut real, "/ui/launch", &csrf, APP, "p1").await);
    let r = relay_at(
        &mut real,
        "/ui/api",
        "PUT",
        &scratchpad,
        &token,
        "text/plain",
        "mine",
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
}

/// Signs `USER` in and makes a link on `/account`; the link's token.
async fn make_link(v: &mut Visitor, app: &str, record: &str, pin: &str) -> String {
    let csrf = v.csrf().await;
    let a = v
        .post(
            "/account/links",
            &[
                ("csrf", &csrf),
                ("app", app),
                ("record", record),
                ("days", "7"),
                ("pin", pin),
            ],
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    let needle = "id=\"new-link\" href=\"";
    let at = a.body.find(needle).expect("the new link") + needle.len();
    let url = &a.body[at..at + a.body[at..].find('"').unwrap()];
    url.rsplit_once("/s/").unwrap().1.to_owned()
}

#[tokio::test]
async fn a_shared_link_opens_one_app_on_one_record_read_only_until_revoked() {
    let server = server().await;
    let mut owner = Visitor::new(&server, "");
    owner.login(USER).await;
    // The record view offers to share.
    let view = owner.get("/patients/p1").await;
    assert!(
        view.body.contains("/account?share=p1#share"),
        "{}",
        view.body
    );
    let token = make_link(&mut owner, APP, "p1", "").await;
    // Only the digest is stored.
    let stored = server
        .container
        .directory()
        .get_shared_link(&link_digest(&token))
        .await
        .unwrap()
        .expect("stored by digest");
    assert_eq!(stored.record.as_str(), "p1");
    let account = owner.get("/account").await;
    assert!(account.body.contains(&stored.id()));
    assert!(
        !account.body.contains(&token),
        "the token is shown only once"
    );

    // The viewer: no login, one app on one record.
    let mut viewer = Visitor::new(&server, "");
    let page = viewer.get(&format!("/s/{token}")).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let cookie = page
        .set_cookies()
        .into_iter()
        .find(|c| c.starts_with("smart_share="))
        .expect("a viewer cookie");
    for attr in ["HttpOnly", "SameSite=Strict", "Path=/s/"] {
        assert!(cookie.contains(attr), "{cookie}");
    }
    let data = page.page_data();
    assert_eq!(data["autolaunch"], APP);
    assert_eq!(data["record"]["id"], "p1");
    assert_eq!(data["launch_url"], "/s/view/launch");
    assert!(!page.body.contains(OTHER_APP), "no other app on the page");
    let csrf = data["csrf"].as_str().unwrap().to_owned();
    assert_eq!(
        launch_at(&mut viewer, "/s/view/launch", "wrong", APP, "p1")
            .await
            .status,
        403
    );
    let a = launch_at(&mut viewer, "/s/view/launch", &csrf, OTHER_APP, "p1").await;
    assert_eq!(a.status, 403, "another app: {}", a.body);
    let a = launch_at(&mut viewer, "/s/view/launch", &csrf, APP, "p2").await;
    assert_eq!(a.status, 403, "another record: {}", a.body);
    let t = launch_token(&launch_at(&mut viewer, "/s/view/launch", &csrf, APP, "p1").await);
    let api = "/s/view/api";
    let r = relay_at(
        &mut viewer,
        api,
        "GET",
        "/records/p1/demographics",
        &t,
        "text/plain",
        "",
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("Smith"));
    let r = relay_at(
        &mut viewer,
        api,
        "GET",
        "/records/p2/demographics",
        &t,
        "text/plain",
        "",
    )
    .await;
    assert_eq!(r.status, 403, "{}", r.body);
    let scratchpad = format!("/records/p1/apps/{APP}/scratchpad");
    let r = relay_at(&mut viewer, api, "PUT", &scratchpad, &t, "text/plain", "x").await;
    assert_eq!(r.status, 403, "{}", r.body);
    assert!(r.body.contains("read-only"), "{}", r.body);
    let r = relay_at(
        &mut viewer,
        api,
        "POST",
        "/records/p1/clinical_notes/",
        &t,
        "application/rdf+xml",
        NOTE,
    )
    .await;
    assert_eq!(r.status, 403, "{}", r.body);

    // The viewer's cookie opens nothing of the normal UI, even sent as a session cookie.
    assert_eq!(
        launch_at(&mut viewer, "/ui/launch", &csrf, APP, "p1")
            .await
            .status,
        401
    );
    let r = relay_at(
        &mut viewer,
        "/ui/api",
        "GET",
        "/records/p1/demographics",
        &t,
        "text/plain",
        "",
    )
    .await;
    assert_eq!(r.status, 401, "{}", r.body);
    let share_value = viewer.cookies["smart_share"].clone();
    let mut thief = Visitor::new(&server, "");
    thief.cookies.insert("smart_session".into(), share_value);
    assert_eq!(thief.get("/account").await.status, 303, "not a session");
    assert_eq!(thief.get("/patients/p1").await.status, 303);

    // Revoked: the link and its viewer session stop at once.
    let csrf_owner = owner.csrf().await;
    let r = owner
        .post(
            "/account/links/revoke",
            &[("csrf", &csrf_owner), ("link", &stored.id())],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let r = relay_at(
        &mut viewer,
        api,
        "GET",
        "/records/p1/demographics",
        &t,
        "text/plain",
        "",
    )
    .await;
    assert_eq!(r.status, 401, "{}", r.body);
    let gone = viewer.get(&format!("/s/{token}")).await;
    assert_eq!(gone.status, 410);
    assert!(gone.body.contains("revoked"), "{}", gone.body);
    // Revoking without CSRF, or another's link, does nothing.
    let r = owner
        .post("/account/links/revoke", &[("link", &stored.id())])
        .await;
    assert_eq!(r.status, 403);
    assert_eq!(
        Visitor::new(&server, "").get("/s/not-a-link").await.status,
        404
    );
}

#[tokio::test]
async fn an_expired_link_is_refused() {
    let server = server().await;
    let now = Timestamp::now();
    let token = "expired-link-token-expired-link-token-0001";
    let link = SharedLink::new(
        link_digest(token),
        UserId::new(USER).unwrap(),
        AppId::new(APP).unwrap(),
        smart_core::RecordId::new("p1").unwrap(),
        None,
        now.saturating_sub(Duration::from_secs(7200)),
        now.saturating_sub(Duration::from_secs(1)),
    );
    server
        .container
        .directory()
        .create_shared_link(link)
        .await
        .unwrap();
    let mut v = Visitor::new(&server, "");
    let a = v.get(&format!("/s/{token}")).await;
    assert_eq!(a.status, 410, "{}", a.body);
    assert!(a.body.contains("expired"), "{}", a.body);
    assert!(!v.cookies.contains_key("smart_share"));
    // Nor does a launch get through without a viewer session.
    assert_eq!(
        launch_at(&mut v, "/s/view/launch", "x", APP, "p1")
            .await
            .status,
        401
    );
}

#[tokio::test]
async fn wrong_pins_are_refused_and_throttled() {
    let server = server().await;
    let mut owner = Visitor::new(&server, "");
    owner.login(USER).await;
    let token = make_link(&mut owner, APP, "p1", "2468").await;
    let path = format!("/s/{token}");
    let mut v = Visitor::new(&server, "");
    let form = v.get(&path).await;
    assert_eq!(form.status, 200);
    assert!(form.body.contains("name=\"pin\""), "{}", form.body);
    assert!(!v.cookies.contains_key("smart_share"));
    let csrf = form.csrf();
    // No CSRF: refused before the PIN is looked at (and not counted).
    assert_eq!(v.post(&path, &[("pin", "2468")]).await.status, 403);
    for _ in 0..4 {
        let a = v.post(&path, &[("csrf", &csrf), ("pin", "1111")]).await;
        assert_eq!(a.status, 401, "{}", a.body);
        assert!(a.body.contains("not right"));
    }
    let a = v.post(&path, &[("csrf", &csrf), ("pin", "1111")]).await;
    assert_eq!(a.status, 429, "the fifth wrong PIN locks: {}", a.body);
    // Locked: even the right PIN is refused for now.
    let a = v.post(&path, &[("csrf", &csrf), ("pin", "2468")]).await;
    assert_eq!(a.status, 429, "{}", a.body);
    assert!(!v.cookies.contains_key("smart_share"));

    // Another link: the right PIN opens it.
    let token = make_link(&mut owner, APP, "p1", "1357").await;
    let path = format!("/s/{token}");
    let mut v = Visitor::new(&server, "");
    let csrf = v.get(&path).await.csrf();
    let a = v.post(&path, &[("csrf", &csrf), ("pin", "0000")]).await;
    assert_eq!(a.status, 401);
    let a = v.post(&path, &[("csrf", &csrf), ("pin", "1357")]).await;
    assert_eq!(a.status, 303, "{}", a.body);
    assert!(v.cookies.contains_key("smart_share"));
    let page = v.get(&path).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(page.page_data()["autolaunch"], APP);
    let link = server
        .container
        .directory()
        .get_shared_link(&link_digest(&token))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(link.failed_pin_count, 0, "a right PIN clears the count");
}
