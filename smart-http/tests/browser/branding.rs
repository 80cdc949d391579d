//! Branding from the configuration, as Chromium renders it: the accent colour reaches
//! the top bar through `/static/brand.css` (the CSP allows no inline style), the logo
//! loads, the name and the footer show.

use crate::common::{Backend, PASSWORD, TestServer};
use crate::world::{USER, World};
use serde_json::json;
use smart_http::config::BrandingConfig;
use std::sync::Arc;

const LOGO: &str = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"40\" height=\"28\"><rect width=\"40\" height=\"28\" rx=\"6\" fill=\"#fff\"/><circle cx=\"14\" cy=\"14\" r=\"8\" fill=\"#7a1f5c\"/></svg>";

pub async fn branding_applied(w: Arc<World>) {
    let dir = tempfile::tempdir().unwrap();
    let logo = dir.path().join("logo.svg");
    std::fs::write(&logo, LOGO).unwrap();
    let server = TestServer::start_with(Backend::Memory, |c| {
        let mut b = BrandingConfig::default();
        b.name = "Mercy Health EHR".to_owned();
        b.logo = Some(logo.clone());
        b.accent = Some("#7a1f5c".to_owned());
        b.footer = Some("Mercy Health IT · help desk 555-0100".to_owned());
        c.branding = b;
        c.check().unwrap();
    })
    .await;
    server.create_user(USER).await;
    let b = &w.browser;
    b.leave_frame().await;
    b.client
        .goto(&format!("{}/login", server.base))
        .await
        .unwrap();
    w.fill_login(USER, PASSWORD).await;
    b.wait_js(
        "the patient list",
        "return !location.pathname.endsWith('/login') && document.readyState === 'complete';",
        vec![],
    )
    .await;
    let seen = b
        .js(
            "var bar = document.querySelector('.topbar'); var img = document.querySelector('img.brand-logo');\
             var foot = document.querySelector('footer.site-footer');\
             return [getComputedStyle(bar).backgroundColor, !!img && img.complete && img.naturalWidth > 0,\
                     bar.innerText, foot ? foot.innerText : null, document.title];",
            vec![],
        )
        .await;
    assert_eq!(seen[0], json!("rgb(122, 31, 92)"), "the accent: {seen}");
    assert_eq!(seen[1], json!(true), "the logo loads: {seen}");
    assert!(
        seen[2].as_str().unwrap().contains("Mercy Health EHR"),
        "{seen}"
    );
    assert_eq!(seen[3], json!("Mercy Health IT · help desk 555-0100"));
    assert_eq!(seen[4], json!("Patients · Mercy Health EHR"));
    b.screenshot("branding").await;
    b.client.delete_all_cookies().await.unwrap();
    server.stop().await;
}
