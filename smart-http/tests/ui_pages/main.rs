//! The web UI over real HTTP: an in-process server on 127.0.0.1:0, a plain HTTP client
//! (no browser) that keeps its cookies by hand so that their attributes can be checked.
//! Login and its redirects, CSRF, cookies, security headers, the patient search, escaping,
//! the launch endpoint and the policy of the API relay, timeouts, the account page, and a
//! deployment under a path prefix.

#[path = "../common/mod.rs"]
mod common;
#[path = "../ui_support/mod.rs"]
mod ui_support;

mod account;
mod dev_launch;
mod launch;
mod login;
mod patients;
mod persistence;
mod share;

use common::{Backend, PASSWORD, TestServer, ui_manifest};
use std::collections::BTreeMap;
use ui_support::{Answer, Visitor, add_patient};

const USER: &str = "clinician@example.org";
const APP: &str = "chart@apps.example.org";
const OTHER_APP: &str = "other@apps.example.org";

/// A server with a user, two Connect apps and a few patients.
async fn server_with(adjust: impl FnOnce(&mut smart_http::ServerConfig)) -> TestServer {
    let server = TestServer::start_with(Backend::Memory, adjust).await;
    server.create_user(USER).await;
    server.register_app(&ui_manifest(APP)).await;
    let mut other = ui_manifest(OTHER_APP);
    other["name"] = "Other app".into();
    server.register_app(&other).await;
    // Registered apps are off until a user (or the app's default) switches them on.
    let account = smart_store::directory::UserId::new(USER).unwrap();
    for app in [APP, OTHER_APP] {
        server
            .container
            .directory()
            .set_app_enabled(
                &account,
                &smart_store::directory::AppId::new(app).unwrap(),
                true,
                smart_store::directory::Timestamp::now(),
            )
            .await
            .unwrap();
    }
    add_patient(
        &server,
        "p1",
        "Ann",
        "Smith",
        "female",
        "1951-07-04",
        "02115",
    )
    .await;
    add_patient(
        &server,
        "p2",
        "Bob",
        "Smithers",
        "male",
        "1980-01-02",
        "02139",
    )
    .await;
    add_patient(
        &server,
        "p3",
        "Smita",
        "Patel",
        "female",
        "2001-03-04",
        "10001",
    )
    .await;
    add_patient(
        &server,
        "p4",
        "Carl",
        "Jones",
        "male",
        "1951-07-04",
        "94110",
    )
    .await;
    server
}

async fn server() -> TestServer {
    server_with(|_| {}).await
}
