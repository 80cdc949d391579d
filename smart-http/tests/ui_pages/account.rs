//! Timeouts, the account page, sign-up and a deployment under a path prefix.

use super::*;

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
