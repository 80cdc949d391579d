//! The administration pages and the access log over real HTTP: an in-process server, a
//! cookie-keeping client without JavaScript. Every admin action, the 403 of every admin
//! URL for a non-admin (GET and POST, from one list), CSRF refusals, escaping, and the
//! access log entries the API writes for signed calls.

#[path = "../common/mod.rs"]
mod common;
#[path = "../ui_support/mod.rs"]
mod ui_support;

mod access_log;
mod accounts;
mod apps;
mod records;

use common::{Backend, PASSWORD, TestServer};
use ui_support::{Answer, Visitor, add_patient};

const ADMIN: &str = "admin@example.org";
const USER: &str = "clinician@example.org";

/// Every admin URL: (method, path). A new admin page must be added here, so that the
/// 403 test covers it.
const ADMIN_URLS: &[(&str, &str)] = &[
    ("GET", "/admin"),
    ("GET", "/admin/accounts"),
    ("GET", "/admin/apps"),
    ("GET", "/admin/records"),
    ("GET", "/admin/log"),
    ("POST", "/admin/accounts/create"),
    ("POST", "/admin/accounts/state"),
    ("POST", "/admin/accounts/role"),
    ("POST", "/admin/accounts/password"),
    ("POST", "/admin/apps/register"),
    ("POST", "/admin/apps/replace"),
    ("POST", "/admin/apps/delete"),
    ("POST", "/admin/apps/secret"),
    ("POST", "/admin/apps/rotate"),
    ("POST", "/admin/apps/switches"),
    ("POST", "/admin/records/delete"),
    ("POST", "/admin/records/import"),
];

/// A server with an administrator, a user and two patients.
async fn server() -> TestServer {
    let server = TestServer::start(Backend::Memory).await;
    let admin = server.admin_principal().await;
    server
        .container
        .provider()
        .create_account(&admin, ADMIN, Some(PASSWORD), true)
        .await
        .unwrap();
    server.create_user(USER).await;
    add_patient(
        &server,
        "101",
        "Ann",
        "Smith",
        "female",
        "1951-07-04",
        "02115",
    )
    .await;
    add_patient(
        &server,
        "102",
        "Bob",
        "Jones",
        "male",
        "1960-01-02",
        "02116",
    )
    .await;
    server
}

/// An administrator's browser, signed in, with the session's CSRF token.
async fn admin_visitor(server: &TestServer) -> (Visitor, String) {
    let mut v = Visitor::new(server, "");
    v.login(ADMIN).await;
    let csrf = v.csrf().await;
    (v, csrf)
}

/// A `multipart/form-data` body as a browser sends it: text fields, then files
/// (field, file name, bytes). Returns the content type and the body.
fn multipart(fields: &[(&str, &str)], files: &[(&str, &str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "----smartrsTestBoundary7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    for (name, file_name, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// Posts a multipart form.
async fn post_multipart(
    v: &mut Visitor,
    path: &str,
    fields: &[(&str, &str)],
    files: &[(&str, &str, &[u8])],
) -> Answer {
    let (content_type, body) = multipart(fields, files);
    let rb = v
        .http
        .post(v.url(path))
        .header("content-type", content_type)
        .body(body);
    v.send(rb).await
}

/// Whether `email` can sign in with `password`.
async fn can_login(server: &TestServer, email: &str, password: &str) -> bool {
    let mut v = Visitor::new(server, "");
    v.login_as(email, password, "/").await.status == 303
}

#[tokio::test]
async fn a_non_admin_gets_403_on_every_admin_url_and_a_visitor_is_sent_to_login() {
    let server = server().await;
    let mut user = Visitor::new(&server, "");
    user.login(USER).await;
    let csrf = user.csrf().await;
    // The user's own CSRF token is valid: the refusal is for the role, not the form.
    for (method, path) in ADMIN_URLS {
        let a = if *method == "GET" {
            user.get(path).await
        } else {
            user.post(path, &[("csrf", &csrf), ("user", ADMIN), ("app", "x")])
                .await
        };
        assert_eq!(a.status, 403, "{method} {path}: {}", a.body);
        assert!(a.body.contains("Administrators only"), "{method} {path}");
        let (ct, body) = multipart(&[("csrf", &csrf)], &[("files", "p5.xml", b"x")]);
        if *method == "POST" {
            let rb = user
                .http
                .post(user.url(path))
                .header("content-type", ct)
                .body(body);
            assert_eq!(user.send(rb).await.status, 403, "multipart {path}");
        }
    }
    // No admin link in a user's navigation.
    let home = user.get("/").await;
    assert!(!home.body.contains("href=\"/admin\""), "{}", home.body);
    // Nothing was changed by any of those posts.
    let admin = server
        .container
        .directory()
        .get_account(&smart_store::directory::UserId::new(ADMIN).unwrap())
        .await
        .unwrap()
        .unwrap();
    assert!(admin.admin);

    let mut anonymous = Visitor::new(&server, "");
    for (method, path) in ADMIN_URLS {
        let a = if *method == "GET" {
            anonymous.get(path).await
        } else {
            anonymous.post(path, &[]).await
        };
        assert_eq!(a.status, 303, "{method} {path}");
        assert!(a.location().starts_with("/login"), "{method} {path}");
    }
    // A role removed in the directory takes effect at the next request.
    let (mut v, _) = admin_visitor(&server).await;
    assert_eq!(v.get("/admin/accounts").await.status, 200);
    let home = v.get("/").await;
    assert!(home.body.contains("href=\"/admin\""), "admins get the link");
    server
        .container
        .directory()
        .update_account(
            &smart_store::directory::UserId::new(ADMIN).unwrap(),
            smart_store::directory::AccountUpdate::default().admin(false),
            smart_store::directory::Timestamp::now(),
        )
        .await
        .unwrap();
    assert_eq!(v.get("/admin/accounts").await.status, 403);
    server.stop().await;
}

#[tokio::test]
async fn every_admin_post_needs_the_session_csrf_token() {
    let server = server().await;
    let (mut v, csrf) = admin_visitor(&server).await;
    for (method, path) in ADMIN_URLS.iter().filter(|(m, _)| *m == "POST") {
        for bad in [None, Some("not-the-token")] {
            let mut form = vec![("email", "new@example.org"), ("app", "x"), ("user", USER)];
            if let Some(b) = bad {
                form.push(("csrf", b));
            }
            let a = v.post(path, &form).await;
            assert_eq!(a.status, 403, "{method} {path} with {bad:?}");
            assert!(a.body.contains("Form expired"), "{path}");
        }
        // Multipart forms too.
        let a = post_multipart(&mut v, path, &[("csrf", "wrong")], &[]).await;
        assert_eq!(a.status, 403, "multipart {path}");
    }
    assert!(
        !can_login(&server, "new@example.org", PASSWORD).await,
        "nothing was created"
    );
    // The right token works.
    let a = v
        .post(
            "/admin/accounts/create",
            &[
                ("csrf", &csrf),
                ("email", "new@example.org"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(a.status, 303, "{}", a.body);
    server.stop().await;
}

/// A table row of the page: the `<tr …data-NAME="VALUE">` element's HTML.
fn row<'a>(page: &'a str, attribute: &str, value: &str) -> &'a str {
    let marker = format!("{attribute}=\"{value}\"");
    let at = page
        .find(&marker)
        .unwrap_or_else(|| panic!("no row {marker} in {page}"));
    let end = page[at..].find("</tr>").unwrap() + at;
    &page[at..end]
}
