//! Branding from the configuration (`[branding]`): the container's name in page titles
//! and the top bar, the logo, the accent colour (a stylesheet, no inline style), the
//! footer, all escaped; and the container manifest's name and description following it.

mod common;
mod ui_support;

use common::{Backend, TestServer};
use smart_http::config::BrandingConfig;
use ui_support::Visitor;

const LOGO: &str = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"><rect width=\"10\" height=\"10\" fill=\"#c0ffee\"/></svg>";

async fn manifest(server: &TestServer) -> serde_json::Value {
    let r = server
        .http
        .get(format!("{}/manifest", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    serde_json::from_str(&r.text().await.unwrap()).unwrap()
}

#[tokio::test]
async fn the_configured_brand_is_on_every_page_and_in_the_manifest() {
    let dir = tempfile::tempdir().unwrap();
    let logo = dir.path().join("logo.svg");
    std::fs::write(&logo, LOGO).unwrap();
    let server = TestServer::start_with(Backend::Memory, |c| {
        let mut b = BrandingConfig::default();
        b.name = "Mercy <EHR>".to_owned();
        b.description = "Mercy's SMART container".to_owned();
        b.logo = Some(logo.clone());
        b.accent = Some("#C0FFEE".to_owned());
        b.footer = Some("Help & support: <ext. 555>".to_owned());
        c.branding = b;
        // The server checks what it was given, as `smart serve` does.
        c.check().unwrap();
    })
    .await;
    let mut v = Visitor::new(&server, "");
    let a = v.get("/login").await;
    assert_eq!(a.status, 200);
    let body = &a.body;
    assert!(
        body.contains("<title>Sign in · Mercy &lt;EHR&gt;</title>"),
        "{body}"
    );
    assert!(
        body.contains("<img class=\"brand-logo\" alt=\"\" height=\"28\" src=\"/static/logo\"> Mercy &lt;EHR&gt;</a>"),
        "{body}"
    );
    assert!(body.contains("<link rel=\"stylesheet\" href=\"/static/brand.css\">"));
    assert!(
        body.contains("<footer class=\"site-footer\" role=\"contentinfo\">Help &amp; support: &lt;ext. 555&gt;</footer>"),
        "{body}"
    );
    assert!(!body.contains("<EHR>"));
    assert!(!body.contains("style="), "no inline style");

    let css = v.get("/static/brand.css").await;
    assert_eq!(css.status, 200);
    assert_eq!(css.header("content-type"), "text/css; charset=utf-8");
    assert!(css.body.contains("--accent: #c0ffee;"), "{}", css.body);
    assert!(
        css.body.contains("--accent-ink: #111;"),
        "a light accent gets dark ink"
    );

    let r = server
        .http
        .get(format!("{}/static/logo", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "image/svg+xml");
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    let csp = r.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        csp.contains("sandbox") && csp.contains("default-src 'none'"),
        "{csp}"
    );
    assert_eq!(r.text().await.unwrap(), LOGO);

    let m = manifest(&server).await;
    assert_eq!(m["name"], "Mercy <EHR>");
    assert_eq!(m["description"], "Mercy's SMART container");

    // Signed in, the pages carry it too.
    server.create_user("clinician@example.org").await;
    v.login("clinician@example.org").await;
    let a = v.get("/account").await;
    assert!(
        a.body
            .contains("<title>Your account · Mercy &lt;EHR&gt;</title>")
    );
    assert!(a.body.contains("Help &amp; support"));
}

#[tokio::test]
async fn without_branding_the_defaults_show() {
    let server = TestServer::start(Backend::Memory).await;
    let mut v = Visitor::new(&server, "");
    let a = v.get("/login").await;
    assert!(
        a.body.contains(
            "<span class=\"logo\" aria-hidden=\"true\">+</span> smart-rs reference container</a>"
        ),
        "{}",
        a.body
    );
    assert!(!a.body.contains("site-footer"));
    let css = v.get("/static/brand.css").await;
    assert_eq!(css.status, 200);
    assert!(css.body.is_empty(), "the default accent is style.css's own");
    assert_eq!(v.get("/static/logo").await.status, 404);
    let m = manifest(&server).await;
    assert_eq!(m["name"], "smart-rs reference container");
    assert_eq!(
        m["description"],
        "A SMART Classic container built with smart-rs"
    );
}
