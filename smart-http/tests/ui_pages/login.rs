//! Login and its redirects, CSRF, cookies and the security headers.

use super::*;

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
    // Locked after five failures: even the right password gets the very same page.
    for _ in 0..4 {
        v.login_as(USER, "not the password", "/").await;
    }
    let locked = v.login_as(USER, PASSWORD, "/").await;
    assert_eq!(locked.status, wrong.status);
    assert_eq!(locked.body, wrong.body);
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
