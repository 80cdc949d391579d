//! Administration in Chromium: an administrator registers an app by uploading its
//! manifest and switches it on by default; a user then finds it in the sidebar and runs
//! it; the access log page shows the app's call. Screenshots of every admin page.

use crate::common::PASSWORD;
use crate::world::{ADA, USER, World};
use fantoccini::Locator;
use serde_json::json;
use std::sync::Arc;

const ADMIN: &str = "browser-admin@example.org";
const APP: &str = "fx-uploaded@fixtures.smart-rs.org";

async fn sign_in_as(w: &World, user: &str) {
    let b = &w.browser;
    b.leave_frame().await;
    b.client.delete_all_cookies().await.unwrap();
    b.client.goto(&w.url("/login")).await.unwrap();
    w.fill_login(user, PASSWORD).await;
    b.wait_js(
        "signed in",
        "return !location.pathname.endsWith('/login') && document.readyState === 'complete';",
        vec![],
    )
    .await;
}

async fn open(w: &World, local: &str) {
    let b = &w.browser;
    b.client.goto(&w.url(local)).await.unwrap();
    b.wait_js(
        "the page",
        "return document.readyState === 'complete';",
        vec![],
    )
    .await;
}

pub async fn admin_registers_an_app_by_upload_and_the_log_shows_its_calls(w: Arc<World>) {
    let admin = w.server.admin_principal().await;
    w.server
        .container
        .provider()
        .create_account(&admin, ADMIN, Some(PASSWORD), true)
        .await
        .unwrap();
    let b = &w.browser;

    // The admin link is in the administrator's navigation only.
    sign_in_as(&w, ADMIN).await;
    let link = b
        .js(
            "return !!document.querySelector('nav.topnav a[href$=\"/admin\"]');",
            vec![],
        )
        .await;
    assert_eq!(link, json!(true));
    b.client
        .find(Locator::Css("nav.topnav a[href$=\"/admin\"]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.wait_css("table#accounts").await;
    b.screenshot("admin-accounts").await;

    // Register by upload, on by default.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("uploaded-app.json");
    let manifest = crate::world::manifest(
        APP,
        "Uploaded demographics",
        &format!("{}/demographics.html", w.fixtures.origin),
        "ui",
        "record",
        false,
    );
    std::fs::write(&file, serde_json::to_vec_pretty(&manifest).unwrap()).unwrap();
    open(&w, "/admin/apps").await;
    b.wait_css("#manifest-file")
        .await
        .send_keys(file.to_str().unwrap())
        .await
        .unwrap();
    b.wait_css("#register-default").await.click().await.unwrap();
    b.screenshot("admin-apps-upload").await;
    b.wait_css("#register-app button[type=submit]")
        .await
        .click()
        .await
        .unwrap();
    b.wait_js(
        "the registered notice",
        "var n = document.querySelector('p.notice'); return !!n && n.innerText.indexOf('registered') >= 0;",
        vec![],
    )
    .await;
    let row = b
        .js(
            &format!(
                "var r = document.querySelector('tr[data-app=\"{APP}\"]'); \
                 return r ? [r.innerText, r.querySelector('input[name=by_default]').checked] : null;"
            ),
            vec![],
        )
        .await;
    assert!(
        row[0].as_str().unwrap().contains("Uploaded demographics"),
        "{row}"
    );
    assert_eq!(row[1], json!(true), "on by default: {row}");
    b.screenshot("admin-apps").await;

    // A bad paste is refused next to the field.
    b.wait_css("#manifest-json")
        .await
        .send_keys("{\"id\": \"x\"")
        .await
        .unwrap();
    b.wait_css("#register-app button[type=submit]")
        .await
        .click()
        .await
        .unwrap();
    b.wait_css("#register-app .field-error").await;
    b.screenshot("admin-apps-invalid-manifest").await;

    open(&w, "/admin/records").await;
    b.wait_css("table#records").await;
    b.screenshot("admin-records").await;

    // A user who never chose it has the app in the sidebar, and runs it.
    // (Signed out first: the record view then signs in as the user.)
    b.client.delete_all_cookies().await.unwrap();
    w.fresh_record_view(ADA).await;
    let uuid = w.launch(APP).await;
    b.enter_app(&uuid).await;
    b.wait_js(
        "the app shows the patient",
        "var p = document.getElementById('patient-name'); return !!p && p.innerText !== '…';",
        vec![],
    )
    .await;
    b.leave_frame().await;
    w.server.container.flush_access_log().await;

    // The access log shows the call the app made for the user.
    sign_in_as(&w, ADMIN).await;
    open(&w, &format!("/admin/log?app={APP}")).await;
    let rows = b
        .js(
            "return Array.from(document.querySelectorAll('#access-log tbody tr')).map(function (r) { return r.innerText; });",
            vec![],
        )
        .await;
    let rows: Vec<String> = serde_json::from_value(rows).unwrap();
    assert!(
        rows.iter().any(|r| r.contains("get_demographics")
            && r.contains(USER)
            && r.contains(ADA.id)
            && r.contains("ok")),
        "{rows:?}"
    );
    b.screenshot("admin-access-log").await;

    // Leave the world as it was: the app gone, nobody signed in.
    w.server
        .container
        .directory()
        .delete_app(&smart_store::directory::AppId::new(APP).unwrap())
        .await
        .unwrap();
    b.client.delete_all_cookies().await.unwrap();
}

pub async fn admin_pages_refuse_a_non_admin(w: Arc<World>) {
    let b = &w.browser;
    sign_in_as(&w, USER).await;
    let link = b
        .js(
            "return !!document.querySelector('nav.topnav a[href$=\"/admin\"]');",
            vec![],
        )
        .await;
    assert_eq!(link, json!(false), "no admin link for a user");
    for page in [
        "/admin/accounts",
        "/admin/apps",
        "/admin/records",
        "/admin/log",
    ] {
        open(&w, page).await;
        let title = b
            .js("return document.querySelector('h1').innerText;", vec![])
            .await;
        assert_eq!(title, json!("Administrators only"), "{page}");
    }
    b.screenshot("admin-refused-for-a-user").await;
    b.client.delete_all_cookies().await.unwrap();
}
