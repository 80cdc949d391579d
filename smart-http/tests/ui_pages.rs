//! The web UI over real HTTP: an in-process server on 127.0.0.1:0, a plain HTTP client
//! (no browser) that keeps its cookies by hand so that their attributes can be checked.
//! Login and its redirects, CSRF, cookies, security headers, the patient search, escaping,
//! the launch endpoint and the policy of the API relay, timeouts, the account page, and a
//! deployment under a path prefix.

mod common;
mod ui_support;

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
    let account = smart_store::directory::AccountId::new(USER).unwrap();
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

#[tokio::test]
async fn login_redirects_back_and_never_off_site() {
    let server = server().await;
    let mut v = Visitor::new(&server, "");
    let a = v.get("/patients/p1?tab=x").await;
    assert_eq!(a.status, 303);
    assert_eq!(a.location(), "/login?next=%2Fpatients%2Fp1%3Ftab%3Dx");
    let a = v.get("/").await;
    assert_eq!(a.location(), "/login?next=%2F");

    let a = v.login_as(USER, PASSWORD, "/patients/p1?tab=x").await;
    assert_eq!(a.status, 303, "{}", a.body);
    assert_eq!(a.location(), "/patients/p1?tab=x");

    for hostile in [
        "//evil.example/",
        "/\\evil.example",
        "https://evil.example/",
        "javascript:alert(1)",
    ] {
        let mut v = Visitor::new(&server, "");
        let a = v.login_as(USER, PASSWORD, hostile).await;
        assert_eq!(a.status, 303);
        assert_eq!(a.location(), "/", "next={hostile}");
    }
    // The login page does not even echo an unsafe `next` into its form.
    let mut v = Visitor::new(&server, "");
    let a = v.get("/login?next=%2F%2Fevil.example").await;
    assert!(!a.body.contains("evil.example"));
    server.stop().await;
}

#[tokio::test]
async fn wrong_password_and_unknown_user_get_the_same_answer() {
    let server = server().await;
    let mut v = Visitor::new(&server, "");
    let wrong = v.login_as(USER, "not the password", "/").await;
    let unknown = v.login_as("nobody@example.org", PASSWORD, "/").await;
    assert_eq!(wrong.status, 401);
    assert_eq!(unknown.status, wrong.status);
    assert_eq!(unknown.body, wrong.body);
    assert!(wrong.body.contains("do not match an account"));
    assert!(!v.cookies.contains_key("smart_session"));
    server.stop().await;
}

#[tokio::test]
async fn posts_without_csrf_are_refused_and_change_nothing() {
    let server = server().await;
    let mut v = Visitor::new(&server, "");
    // Login without the form's token (and without the login cookie).
    let a = v
        .post("/login", &[("username", USER), ("password", PASSWORD)])
        .await;
    assert_eq!(a.status, 403);
    assert!(!v.cookies.contains_key("smart_session"));
    // With the cookie but a wrong token.
    v.get("/login").await;
    let a = v
        .post(
            "/login",
            &[
                ("csrf", "wrong"),
                ("username", USER),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(a.status, 403);
    assert!(!v.cookies.contains_key("smart_session"));

    v.login(USER).await;
    let new_password = "a brand new password 12345";
    let a = v
        .post(
            "/account/password",
            &[("current", PASSWORD), ("new", new_password)],
        )
        .await;
    assert_eq!(a.status, 403);
    let a = v
        .post(
            "/account/password",
            &[
                ("csrf", "forged"),
                ("current", PASSWORD),
                ("new", new_password),
            ],
        )
        .await;
    assert_eq!(a.status, 403);
    let a = v.post("/logout", &[]).await;
    assert_eq!(a.status, 403);
    // Still signed in, and the password did not change.
    assert_eq!(v.get("/").await.status, 200);
    let mut w = Visitor::new(&server, "");
    assert_eq!(w.login_as(USER, new_password, "/").await.status, 401);
    assert_eq!(w.login_as(USER, PASSWORD, "/").await.status, 303);

    // A launch without the CSRF header.
    let a = v
        .launch(None, &serde_json::json!({"app_id": APP, "record_id": "p1"}))
        .await;
    assert_eq!(a.status, 403);
    server.stop().await;
}

#[tokio::test]
async fn session_cookie_is_locked_down_and_rotated_at_login() {
    let server = server().await;
    let mut v = Visitor::new(&server, "");
    let page = v.get("/login").await;
    let login_cookie = page.set_cookies().join("\n");
    assert!(login_cookie.contains("smart_login="), "{login_cookie}");
    let a = v
        .post(
            "/login",
            &[
                ("csrf", &page.csrf()),
                ("username", USER),
                ("password", PASSWORD),
            ],
        )
        .await;
    let line = a
        .set_cookies()
        .into_iter()
        .find(|c| c.starts_with("smart_session="))
        .expect("a session cookie");
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(line.contains(attribute), "{line}");
    }
    assert!(!line.contains("Secure"), "http gets no Secure: {line}");
    let first = v.cookies["smart_session"].clone();

    // Logging in again gives another session and ends the first.
    v.login(USER).await;
    let second = v.cookies["smart_session"].clone();
    assert_ne!(first, second);
    let mut stale = Visitor::new(&server, "");
    stale.cookies.insert("smart_session".into(), first);
    assert_eq!(stale.get("/").await.status, 303);
    assert_eq!(v.get("/").await.status, 200);

    // A forged cookie is nobody.
    let mut forged = Visitor::new(&server, "");
    let (token, _) = second.split_once('.').unwrap();
    forged
        .cookies
        .insert("smart_session".into(), format!("{token}.guessed"));
    assert_eq!(forged.get("/").await.status, 303);
    server.stop().await;
}

#[tokio::test]
async fn https_public_url_makes_cookies_secure() {
    let server = TestServer::start_with(Backend::Memory, |c| {
        c.public_url = c.public_url.replace("http:", "https:");
    })
    .await;
    let mut v = Visitor::new(&server, "");
    // The server itself speaks http here; only the configured public URL is https.
    v.origin = v.origin.replace("https:", "http:");
    let page = v.get("/login").await;
    assert!(
        page.set_cookies().iter().all(|c| c.contains("; Secure")),
        "{:?}",
        page.set_cookies()
    );
    server.stop().await;
}

#[tokio::test]
async fn every_page_sends_the_security_headers() {
    let server = server().await;
    let mut v = Visitor::new(&server, "");
    let mut pages = vec![v.get("/login").await];
    v.login(USER).await;
    for path in [
        "/",
        "/patients/p1",
        "/account",
        "/patients/nope",
        "/static/style.css",
    ] {
        pages.push(v.get(path).await);
    }
    for a in &pages {
        let csp = a.header("content-security-policy");
        assert!(csp.contains("script-src 'self'"), "{csp}");
        assert!(
            !csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"),
            "{csp}"
        );
        assert!(csp.contains("frame-ancestors 'self'"), "{csp}");
        assert_eq!(a.header("x-content-type-options"), "nosniff");
        assert_eq!(a.header("x-frame-options"), "SAMEORIGIN");
        assert!(!a.header("referrer-policy").is_empty());
    }
    // No inline script on any page: every <script> is a data block or has a src.
    for a in &pages {
        for (i, _) in a.body.match_indices("<script") {
            let tag = &a.body[i..i + a.body[i..].find('>').unwrap()];
            assert!(
                tag.contains("type=\"application/json\"") || tag.contains(" src="),
                "{tag}"
            );
        }
    }
    // The record view may frame the apps' origin, nothing else.
    let csp = pages[2].header("content-security-policy");
    assert!(csp.contains("frame-src http://app.example.org;"), "{csp}");
    assert!(
        pages[1]
            .header("content-security-policy")
            .contains("frame-src 'none'")
    );
    assert_eq!(pages[4].status, 404);
    assert_eq!(pages[5].header("content-type"), "text/css; charset=utf-8");
    server.stop().await;
}

/// The record ids of the patient links, in page order.
fn listed(a: &Answer) -> Vec<String> {
    a.body
        .match_indices("data-record-id=\"")
        .map(|(i, m)| {
            let rest = &a.body[i + m.len()..];
            rest[..rest.find('"').unwrap()].to_owned()
        })
        .collect()
}

#[tokio::test]
async fn the_patient_search_finds_by_name_birth_date_and_zip() {
    let server = server().await;
    let mut v = Visitor::new(&server, "");
    v.login(USER).await;
    let all = v.get("/").await;
    assert_eq!(all.status, 200);
    assert!(all.body.contains("<form method=\"get\""));
    assert!(all.body.contains("name=\"q\""));
    // By family name, then given name.
    assert_eq!(listed(&all), ["p4", "p3", "p1", "p2"]);
    assert!(all.body.contains("href=\"/patients/p1\""));

    // A name prefix, any case, given or family.
    assert_eq!(listed(&v.get("/?q=smi").await), ["p3", "p1", "p2"]);
    assert_eq!(listed(&v.get("/?q=SMITHE").await), ["p2"]);
    assert_eq!(listed(&v.get("/?q=ann+smith").await), ["p1"]);
    assert_eq!(listed(&v.get("/?q=1951-07-04").await), ["p4", "p1"]);
    assert_eq!(listed(&v.get("/?q=02139").await), ["p2"]);
    assert_eq!(listed(&v.get("/?q=smi&gender=female").await), ["p3", "p1"]);
    assert_eq!(listed(&v.get("/?gender=male").await), ["p4", "p2"]);
    assert_eq!(
        listed(&v.get("/?sort=birth_date").await),
        ["p4", "p1", "p2", "p3"]
    );
    let none = v.get("/?q=zzz").await;
    assert_eq!(none.status, 200);
    assert!(listed(&none).is_empty());
    assert!(none.body.contains("No patients match"), "{}", none.body);
    // Rows show sex, birth date and age.
    let row = v.get("/?q=1980-01-02").await;
    assert!(row.body.contains("<td>male</td><td>1980-01-02</td><td>"));
    server.stop().await;
}

#[tokio::test]
async fn the_patient_list_pages_on_the_server() {
    let server = server().await;
    for i in 0..23 {
        add_patient(
            &server,
            &format!("q{i:02}"),
            "Pat",
            &format!("Pager{i:02}"),
            "female",
            &format!("19{:02}-05-06", 99 - i),
            "55555",
        )
        .await;
    }
    let mut v = Visitor::new(&server, "");
    v.login(USER).await;
    let first = v.get("/?q=pager").await;
    let ids = listed(&first);
    assert_eq!(ids.len(), 20);
    assert_eq!(ids[0], "q00");
    assert!(first.body.contains("23 patients"));
    assert!(first.body.contains("Page 1 of 2"));
    let second = v.get("/?q=pager&page=2").await;
    assert_eq!(listed(&second), ["q20", "q21", "q22"]);
    // The zip code goes through the store's own paging.
    let by_zip = v.get("/?q=55555&page=2").await;
    assert_eq!(listed(&by_zip), ["q20", "q21", "q22"]);
    // Oldest first: q22 was born in 1977.
    let by_age = v.get("/?q=pager&sort=birth_date").await;
    assert_eq!(listed(&by_age)[0], "q22");
    server.stop().await;
}

#[tokio::test]
async fn a_hostile_patient_name_is_text() {
    let server = server().await;
    add_patient(
        &server,
        "evil",
        "<script>alert(1)</script>",
        "\"><img src=x onerror=alert(2)>",
        "male",
        "1970-01-01",
        "00000",
    )
    .await;
    let mut v = Visitor::new(&server, "");
    v.login(USER).await;
    for path in ["/", "/?q=%3Cscript", "/patients/evil"] {
        let a = v.get(path).await;
        assert_eq!(a.status, 200, "{path}");
        assert!(!a.body.contains("<script>alert(1)"), "{path}");
        assert!(!a.body.contains("<img src=x"), "{path}");
    }
    let list = v.get("/").await;
    assert!(list.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    let record = v.get("/patients/evil").await;
    assert!(
        record
            .body
            .contains("<h1>&lt;script&gt;alert(1)&lt;/script&gt; &quot;&gt;&lt;img")
    );
    // The data block keeps the name exactly, as data.
    assert_eq!(
        record.page_data()["record"]["full_name"],
        "<script>alert(1)</script> \"><img src=x onerror=alert(2)>"
    );
    server.stop().await;
}

#[tokio::test]
async fn the_record_view_has_the_hooks_and_the_users_apps() {
    let server = server().await;
    let mut v = Visitor::new(&server, "");
    v.login(USER).await;
    let a = v.get("/patients/p1").await;
    assert_eq!(a.status, 200);
    for hook in [
        "<nav id=\"app-sidebar\"",
        "<div id=\"app-tabs\" role=\"tablist\"",
        "<main id=\"app-pane\">",
        "<div id=\"app-status\" role=\"status\" aria-live=\"polite\">",
        "<script src=\"/static/connect-host.js\"></script>",
        &format!("data-app-id=\"{APP}\""),
        "data-mode=\"ui\"",
        "data-scope=\"record\"",
        "title=\"end-to-end tests\"",
        "<h1>Ann Smith</h1>",
        "1951-07-04",
    ] {
        assert!(a.body.contains(hook), "{hook}");
    }
    let data = a.page_data();
    assert_eq!(data["record"]["id"], "p1");
    assert_eq!(data["user"]["id"], USER);
    assert_eq!(data["base"], "");
    assert_eq!(data["csrf"].as_str().unwrap(), v.csrf().await);
    assert_eq!(v.get("/patients/unknown").await.status, 404);

    // Taking an app out of the sidebar on the account page.
    let csrf = v.csrf().await;
    let a = v
        .post("/account/apps", &[("csrf", &csrf), ("app", OTHER_APP)])
        .await;
    assert_eq!(a.status, 303);
    let view = v.get("/patients/p1").await;
    assert!(!view.body.contains(&format!("data-app-id=\"{APP}\"")));
    assert!(view.body.contains(&format!("data-app-id=\"{OTHER_APP}\"")));
    let account = v.get("/account").await;
    assert!(
        account
            .body
            .contains(&format!("value=\"{OTHER_APP}\" checked"))
    );
    assert!(account.body.contains(&format!("value=\"{APP}\">")));
    server.stop().await;
}

#[tokio::test]
async fn launch_tokens_reach_only_their_record_app_and_session() {
    let server = server().await;
    let mut v = Visitor::new(&server, "");
    v.login(USER).await;
    let csrf = v.csrf().await;

    // Errors first.
    assert_eq!(
        v.launch(
            Some(&csrf),
            &serde_json::json!({"app_id": "nope@x", "record_id": "p1"})
        )
        .await
        .status,
        404
    );
    assert_eq!(
        v.launch(
            Some(&csrf),
            &serde_json::json!({"app_id": APP, "record_id": "nope"})
        )
        .await
        .status,
        404
    );
    assert_eq!(
        v.launch(Some(&csrf), &serde_json::json!({"app": APP}))
            .await
            .status,
        400
    );
    let mut anonymous = Visitor::new(&server, "");
    assert_eq!(
        anonymous
            .launch(
                Some(&csrf),
                &serde_json::json!({"app_id": APP, "record_id": "p1"})
            )
            .await
            .status,
        401
    );

    let a = v
        .launch(
            Some(&csrf),
            &serde_json::json!({"app_id": APP, "record_id": "p1"}),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    let launch: serde_json::Value = serde_json::from_str(&a.body).unwrap();
    let token = launch["launch_token"].as_str().unwrap().to_owned();
    assert_eq!(launch["manifest"]["id"], APP);
    assert_eq!(launch["context"]["record"]["id"], "p1");
    assert_eq!(launch["context"]["record"]["full_name"], "Ann Smith");
    assert_eq!(launch["context"]["user"]["id"], USER);
    assert_eq!(launch["origin"], "http://app.example.org");
    assert_eq!(launch["api_base"], server.base.as_str());
    let index = launch["index"].as_str().unwrap();
    assert!(
        index.starts_with("http://app.example.org/index.html?api_base=http%3A%2F%2F127.0.0.1%3A")
    );
    assert!(index.ends_with("&record_id=p1"), "{index}");
    // Nothing secret in the answer: no REST credentials, no launch header.
    for secret in ["secret", "oauth_header", "rest_token"] {
        assert!(!a.body.contains(secret), "{secret} in {}", a.body);
    }

    // A read of its record works and answers as the API does.
    let r = v.relay("GET", "/records/p1/demographics", &token, "").await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.header("content-type").starts_with("application/rdf+xml"));
    assert!(r.body.contains("Smith"));
    // Another record: refused by the policy.
    let r = v.relay("GET", "/records/p2/demographics", &token, "").await;
    assert_eq!(r.status, 403, "{}", r.body);
    // Its own scratchpad: yes; another app's: no.
    let own = format!("/records/p1/apps/{APP}/scratchpad");
    let r = v.relay("PUT", &own, &token, "mine").await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = v
        .relay(
            "PUT",
            &format!("/records/p1/apps/{OTHER_APP}/scratchpad"),
            &token,
            "theirs",
        )
        .await;
    assert_eq!(r.status, 403, "{}", r.body);
    let r = v.relay("GET", &own, &token, "").await;
    assert_eq!(r.body, "mine");
    // No token, or a made-up one.
    assert_eq!(
        v.relay("GET", "/records/p1/demographics", "", "")
            .await
            .status,
        401
    );
    assert_eq!(
        v.relay("GET", "/records/p1/demographics", "made-up", "")
            .await
            .status,
        401
    );

    // The same user in another browser: the token is useless there.
    let mut other = Visitor::new(&server, "");
    other.login(USER).await;
    assert_eq!(
        other
            .relay("GET", "/records/p1/demographics", &token, "")
            .await
            .status,
        401
    );
    // Without the session cookie, nothing.
    assert_eq!(
        anonymous
            .relay("GET", "/records/p1/demographics", &token, "")
            .await
            .status,
        401
    );

    // After logout the token is dead, even for a new session of the same browser.
    let a = v.post("/logout", &[("csrf", &csrf)]).await;
    assert_eq!(a.status, 303);
    assert_eq!(a.location(), "/login");
    assert!(!v.cookies.contains_key("smart_session"));
    v.login(USER).await;
    assert_eq!(
        v.relay("GET", "/records/p1/demographics", &token, "")
            .await
            .status,
        401
    );
    server.stop().await;
}

#[tokio::test]
async fn idle_and_absolute_timeouts_end_sessions() {
    let server = server_with(|c| c.ui.idle_timeout_secs = 1).await;
    let mut v = Visitor::new(&server, "");
    v.login(USER).await;
    assert_eq!(v.get("/").await.status, 200);
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    let a = v.get("/").await;
    assert_eq!(a.status, 303, "idle too long");
    server.stop().await;

    let server = server_with(|c| c.ui.absolute_timeout_secs = 2).await;
    let mut v = Visitor::new(&server, "");
    v.login(USER).await;
    for _ in 0..3 {
        assert_eq!(v.get("/").await.status, 200);
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
    tokio::time::sleep(std::time::Duration::from_millis(1600)).await;
    assert_eq!(v.get("/").await.status, 303, "past the absolute timeout");
    server.stop().await;
}

#[tokio::test]
async fn the_account_page_changes_the_password_and_signs_out_other_sessions() {
    let server = server().await;
    let mut v = Visitor::new(&server, "");
    v.login(USER).await;
    let mut elsewhere = Visitor::new(&server, "");
    elsewhere.login(USER).await;
    let csrf = v.csrf().await;

    let new_password = "another long password 777";
    let a = v
        .post(
            "/account/password",
            &[("csrf", &csrf), ("current", "wrong"), ("new", new_password)],
        )
        .await;
    assert_eq!(a.status, 400);
    assert!(a.body.contains("nothing was changed"));
    let a = v
        .post(
            "/account/password",
            &[
                ("csrf", &csrf),
                ("current", PASSWORD),
                ("new", new_password),
            ],
        )
        .await;
    assert_eq!(a.status, 303);
    assert_eq!(a.location(), "/account?done=password");
    let mut check = Visitor::new(&server, "");
    assert_eq!(check.login_as(USER, PASSWORD, "/").await.status, 401);
    // (a failed login leaves the visitor signed out, so the form is shown again)
    assert_eq!(check.login_as(USER, new_password, "/").await.status, 303);

    // Signing out the others: a wrong password changes nothing.
    let a = v
        .post(
            "/account/sessions",
            &[("csrf", &csrf), ("password", "wrong")],
        )
        .await;
    assert_eq!(a.status, 400);
    assert_eq!(elsewhere.get("/").await.status, 200);
    let a = v
        .post(
            "/account/sessions",
            &[("csrf", &csrf), ("password", new_password)],
        )
        .await;
    assert_eq!(a.status, 303, "{}", a.body);
    assert_eq!(elsewhere.get("/").await.status, 303);
    assert_eq!(check.get("/").await.status, 303);
    // This browser carries on with a fresh session.
    assert_eq!(v.get("/account?done=sessions").await.status, 200);
    server.stop().await;
}

#[tokio::test]
async fn sign_up_is_off_unless_configured() {
    let server = server().await;
    let mut v = Visitor::new(&server, "");
    assert_eq!(v.get("/signup").await.status, 404);
    assert!(!v.get("/login").await.body.contains("/signup"));
    server.stop().await;

    let server = server_with(|c| c.ui.self_signup = true).await;
    let mut v = Visitor::new(&server, "");
    let page = v.get("/signup").await;
    assert_eq!(page.status, 200);
    let a = v
        .post(
            "/signup",
            &[
                ("csrf", &page.csrf()),
                ("username", "new@example.org"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(a.status, 303, "{}", a.body);
    assert_eq!(v.get("/").await.status, 200);
    server.stop().await;
}

#[tokio::test]
async fn a_path_prefix_is_kept_in_links_cookies_and_redirects() {
    let server = TestServer::start_with(Backend::Memory, |c| {
        c.public_url = format!("{}/ehr", c.public_url);
    })
    .await;
    // Signed test requests name the root URL, so the user is made in process.
    let admin = server.container.local_admin().await.unwrap();
    server
        .container
        .provider()
        .create_account(&admin, USER, Some(PASSWORD), false)
        .await
        .unwrap();
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
    let mut v = Visitor::new(&server, "/ehr");
    let a = v.get("/patients/p1").await;
    assert_eq!(a.status, 303);
    assert_eq!(a.location(), "/ehr/login?next=%2Fpatients%2Fp1");
    let page = v.get("/login").await;
    assert!(page.body.contains("action=\"/ehr/login\""));
    assert!(page.body.contains("href=\"/ehr/static/style.css\""));
    assert!(page.set_cookies().iter().all(|c| c.contains("Path=/ehr;")));
    let a = v.login_as(USER, PASSWORD, "/patients/p1").await;
    assert_eq!(a.location(), "/ehr/patients/p1");
    assert!(
        a.set_cookies()
            .iter()
            .any(|c| c.starts_with("smart_session=") && c.contains("Path=/ehr;"))
    );
    let list = v.get("/").await;
    assert!(list.body.contains("href=\"/ehr/patients/p1\""));
    assert!(list.body.contains("action=\"/ehr/logout\""));
    let view = v.get("/patients/p1").await;
    assert_eq!(view.page_data()["base"], "/ehr");
    assert!(view.body.contains("src=\"/ehr/static/connect-host.js\""));
    // A proxy that strips the prefix reaches the same pages.
    let mut stripped = Visitor::new(&server, "/ehr");
    stripped.base = String::new();
    stripped.cookies = v.cookies.clone();
    assert_eq!(stripped.get("/patients/p1").await.status, 200);
    server.stop().await;
}

/// A server on the embedded default over `dir`; stops when the sender is dropped or sent.
async fn serve_dir(
    dir: &std::path::Path,
) -> (
    String,
    std::sync::Arc<smart_http::Container>,
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<std::io::Result<()>>,
) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let mut config = smart_http::ServerConfig::for_data_dir(dir);
    config.public_url = format!("http://{addr}");
    config.bind = addr;
    let container = std::sync::Arc::new(smart_http::Container::open(config).await.unwrap());
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(smart_http::serve(container.clone(), listener, async move {
        let _ = rx.await;
    }));
    (format!("http://{addr}"), container, tx, task)
}

#[tokio::test]
async fn sessions_survive_a_restart_of_the_embedded_default() {
    let dir = tempfile::tempdir().unwrap();
    let (origin, container, stop, task) = serve_dir(dir.path()).await;
    let admin = container.local_admin().await.unwrap();
    container
        .provider()
        .create_account(&admin, USER, Some(PASSWORD), false)
        .await
        .unwrap();
    let mut v = Visitor {
        http: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
        origin,
        base: String::new(),
        cookies: BTreeMap::new(),
    };
    v.login(USER).await;
    assert_eq!(v.get("/").await.status, 200);
    let _ = stop.send(());
    task.await.unwrap().unwrap();
    container.close().await;
    drop(container);

    let (origin, container, stop, task) = serve_dir(dir.path()).await;
    v.origin = origin;
    let a = v.get("/account").await;
    assert_eq!(
        a.status, 200,
        "the session is still there after the restart"
    );
    // And logging out still ends it.
    let csrf = a.csrf();
    let kept = v.cookies.clone();
    assert_eq!(v.post("/logout", &[("csrf", &csrf)]).await.status, 303);
    // The old cookie, replayed, is nobody.
    v.cookies = kept;
    assert_eq!(v.get("/").await.status, 303);
    let _ = stop.send(());
    task.await.unwrap().unwrap();
    container.close().await;
}

/// Sessions and launch tokens on the PostgreSQL directory (a fresh database).
#[cfg(feature = "postgres")]
#[tokio::test]
async fn sessions_and_launch_tokens_work_on_postgresql() {
    use sqlx::Connection;
    let Some(admin_url) = std::env::var("SMART_TEST_POSTGRES_URL").ok() else {
        let msg = "SMART_TEST_POSTGRES_URL is not set (run scripts/test)";
        assert!(std::env::var("CI").as_deref() != Ok("true"), "{msg}");
        eprintln!("!!!!! {msg}; SKIPPING this test !!!!!");
        return;
    };
    let name = format!(
        "smart_http_ui_{}_{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis()
    );
    let mut admin = sqlx::PgConnection::connect(&admin_url).await.unwrap();
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
        .execute(&mut admin)
        .await
        .unwrap();
    let (prefix, _) = admin_url.rsplit_once('/').unwrap();
    let db_url = format!("{prefix}/{name}");
    let server = server_with(|c| {
        c.store.directory = smart_http::config::DirectoryBackend::Postgres;
        c.store.postgres_url = Some(db_url.clone());
    })
    .await;
    let mut v = Visitor::new(&server, "");
    v.login(USER).await;
    let csrf = v.csrf().await;
    let a = v
        .launch(
            Some(&csrf),
            &serde_json::json!({"app_id": APP, "record_id": "p1"}),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    let launch: serde_json::Value = serde_json::from_str(&a.body).unwrap();
    let token = launch["launch_token"].as_str().unwrap().to_owned();
    let r = v.relay("GET", "/records/p1/demographics", &token, "").await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        v.relay("GET", "/records/p2/demographics", &token, "")
            .await
            .status,
        403
    );
    assert_eq!(v.post("/logout", &[("csrf", &csrf)]).await.status, 303);
    v.login(USER).await;
    assert_eq!(
        v.relay("GET", "/records/p1/demographics", &token, "")
            .await
            .status,
        401
    );
    server.stop().await;
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
    )))
    .execute(&mut admin)
    .await
    .unwrap();
}
