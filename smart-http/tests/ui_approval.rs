//! The authorization page of the SMART REST 3-legged flow (`/oauth/authorize`) and the
//! standalone launch page (`/apps/{app_id}/launch`) over real HTTP, with a cookie-keeping
//! client: login and return, what the page shows, Approve and Deny and where they go,
//! "remember" and its revocation on the account page, framing refused, CSRF, escaping,
//! and clear 4xx answers.

mod common;
mod ui_support;

use common::{Backend, CALLBACK, Creds, TestServer, form_get, form_reply, ui_manifest};
use ui_support::{Answer, Visitor, add_patient};

const USER: &str = "clinician@example.org";
const APP: &str = "rest@apps.example.org";

/// A server with a user, a standalone REST app (with `requires`) and two patients.
async fn server() -> (TestServer, Creds) {
    let server = TestServer::start(Backend::Memory).await;
    server.create_user(USER).await;
    let mut manifest = ui_manifest(APP);
    manifest["name"] = "Med <b>Reconciler</b>".into();
    manifest["author"] = "Example Labs & Co".into();
    manifest["description"] = "Compares <i>medications</i> across visits".into();
    manifest["standalone"] = true.into();
    manifest["requires"] = serde_json::json!({
        "http://smartplatforms.org/terms#Medication": {"methods": ["GET"]},
        "http://smartplatforms.org/terms#Allergy": {"methods": ["GET", "POST"]}
    });
    let app = server.register_app(&manifest).await;
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
        "<script>alert(1)</script>",
        "Evil",
        "male",
        "1980-01-02",
        "02139",
    )
    .await;
    (server, app)
}

/// A request token of `app` for `record`, asked with a callback of its own (which the
/// container must ignore). (token creds of the app, token string)
async fn request_token(server: &TestServer, app: &Creds, record: &str) -> (Creds, String) {
    let r = server
        .post_form(
            app,
            "/oauth/request_token",
            &[("smart_record_id", record)],
            &[("oauth_callback", "https://evil.example.net/steal")],
        )
        .await;
    let form = form_reply(r).await;
    let token = form_get(&form, "oauth_token");
    (
        app.with_token(&token, &form_get(&form, "oauth_token_secret")),
        token,
    )
}

/// Exchanges an approved request token; the status and body.
async fn exchange(server: &TestServer, request: &Creds, verifier: &str) -> (u16, String) {
    let r = server
        .post_form(
            request,
            "/oauth/access_token",
            &[],
            &[("oauth_verifier", verifier)],
        )
        .await;
    common::status_text(r).await
}

/// A signed-in visitor.
async fn signed_in(server: &TestServer) -> Visitor {
    let mut v = Visitor::new(server, "");
    v.login(USER).await;
    v
}

fn page_path(token: &str) -> String {
    format!("/oauth/authorize?oauth_token={token}")
}

/// Submits the page's form with `decision` (and `remember` when asked).
async fn answer(
    v: &mut Visitor,
    page: &Answer,
    token: &str,
    decision: &str,
    remember: bool,
) -> Answer {
    let csrf = page.csrf();
    let mut form = vec![
        ("csrf", csrf.as_str()),
        ("oauth_token", token),
        ("decision", decision),
    ];
    if remember {
        form.push(("remember", "yes"));
    }
    v.post("/oauth/authorize", &form).await
}

fn verifier_of(location: &str) -> String {
    location
        .split_once("oauth_verifier=")
        .map(|(_, v)| v.to_owned())
        .unwrap_or_else(|| panic!("no verifier in {location}"))
}

fn assert_unframeable(a: &Answer) {
    assert_eq!(a.header("x-frame-options"), "DENY");
    let csp = a.header("content-security-policy");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(!csp.contains("unsafe-inline"), "{csp}");
}

#[tokio::test]
async fn the_page_needs_a_login_and_comes_back_to_itself() {
    let (server, app) = server().await;
    let (_, token) = request_token(&server, &app, "p1").await;
    let mut v = Visitor::new(&server, "");
    let a = v.get(&page_path(&token)).await;
    assert_eq!(a.status, 303);
    let next = format!("/oauth/authorize?oauth_token={token}");
    let expected = format!(
        "/login?{}",
        serde_urlencoded::to_string([("next", next.as_str())]).unwrap()
    );
    assert_eq!(a.location(), expected);
    assert_unframeable(&a);
    let a = v.login_as(USER, common::PASSWORD, &next).await;
    assert_eq!(a.status, 303, "{}", a.body);
    assert_eq!(a.location(), next);
    // A POST without a session goes to the login page and changes nothing.
    let mut stranger = Visitor::new(&server, "");
    let a = stranger
        .post(
            "/oauth/authorize",
            &[("oauth_token", token.as_str()), ("decision", "approve")],
        )
        .await;
    assert_eq!(a.status, 303);
    assert_eq!(a.location(), "/login");
    assert_eq!(v.get(&page_path(&token)).await.status, 200);
}

#[tokio::test]
async fn the_page_shows_the_app_the_patient_and_the_request_escaped_and_unframeable() {
    let (server, app) = server().await;
    let mut v = signed_in(&server).await;
    let (_, token) = request_token(&server, &app, "p1").await;
    let a = v.get(&page_path(&token)).await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_unframeable(&a);
    let csp = a.header("content-security-policy");
    // The form may lead on to the registered callback's origin, and nowhere else.
    assert!(
        csp.contains("form-action 'self' http://app.example.org;"),
        "{csp}"
    );
    assert!(!csp.contains("evil"), "{csp}");
    assert!(
        csp.contains("img-src 'self' data: http://app.example.org;"),
        "{csp}"
    );
    let body = &a.body;
    // The app, escaped.
    assert!(
        body.contains("Med &lt;b&gt;Reconciler&lt;/b&gt; asks for access"),
        "{body}"
    );
    assert!(!body.contains("<b>Reconciler"));
    assert!(body.contains("By Example Labs &amp; Co · rest@apps.example.org"));
    assert!(body.contains("Compares &lt;i&gt;medications&lt;/i&gt; across visits"));
    assert!(body.contains("src=\"http://app.example.org/icon.png\""));
    // The patient.
    assert!(body.contains("<dd>Ann Smith</dd>"), "{body}");
    assert!(body.contains("<dd>1951-07-04</dd>"));
    // What it asks for.
    assert!(body.contains("<strong>Medication</strong>: read"), "{body}");
    assert!(body.contains("<strong>Allergy</strong>: read, add"));
    assert!(body.contains("you go back to http://app.example.org."));
    // The form: the hooks, the CSRF token, "remember" off.
    assert!(body.contains("<button type=\"submit\" name=\"decision\" value=\"approve\""));
    assert!(body.contains("<button type=\"submit\" name=\"decision\" value=\"deny\""));
    assert!(body.contains(&format!("name=\"oauth_token\" value=\"{token}\"")));
    assert!(!a.csrf().is_empty());
    assert!(
        body.contains("<input type=\"checkbox\" id=\"remember\" name=\"remember\" value=\"yes\">"),
        "remember is unchecked by default"
    );
    assert!(!body.contains("<script>"), "no inline script");

    // A hostile patient name is text.
    let (_, token) = request_token(&server, &app, "p2").await;
    let a = v.get(&page_path(&token)).await;
    assert_eq!(a.status, 200);
    assert!(
        a.body
            .contains("&lt;script&gt;alert(1)&lt;/script&gt; Evil")
    );
    assert!(!a.body.contains("<script>alert(1)"));
}

#[tokio::test]
async fn approve_goes_to_the_manifest_callback_once_and_remembers_nothing() {
    let (server, app) = server().await;
    let mut v = signed_in(&server).await;
    let (request, token) = request_token(&server, &app, "p1").await;
    let page = v.get(&page_path(&token)).await;
    let a = answer(&mut v, &page, &token, "approve", false).await;
    assert_eq!(a.status, 303, "{}", a.body);
    assert_unframeable(&a);
    let location = a.location().to_owned();
    assert!(
        location.starts_with(&format!("{CALLBACK}?oauth_token={token}&oauth_verifier=")),
        "{location}"
    );
    assert!(!location.contains("evil"));
    // Answered: the page and the form are refused now.
    let again = v.get(&page_path(&token)).await;
    assert_eq!(again.status, 409, "{}", again.body);
    assert!(again.body.contains("answered already"));
    assert_unframeable(&again);
    let twice = answer(&mut v, &page, &token, "deny", false).await;
    assert_eq!(twice.status, 409);

    // The app exchanges the verifier and reads its record.
    let (status, text) = exchange(&server, &request, &verifier_of(&location)).await;
    assert_eq!(status, 200, "{text}");
    let form: Vec<(String, String)> = serde_urlencoded::from_str(&text).unwrap();
    assert_eq!(form_get(&form, "record_id"), "p1");
    assert_eq!(form_get(&form, "user_id"), USER);
    let access = app.with_token(
        &form_get(&form, "oauth_token"),
        &form_get(&form, "oauth_token_secret"),
    );
    let r = server.get(&access, "/records/p1/demographics").await;
    assert_eq!(r.status(), 200);
    // Used: the page says so.
    let used = v.get(&page_path(&token)).await;
    assert_eq!(used.status, 404, "{}", used.body);

    // Not remembered: the next request asks again, and the account page lists nothing.
    let (_, token2) = request_token(&server, &app, "p1").await;
    assert_eq!(v.get(&page_path(&token2)).await.status, 200);
    let account = v.get("/account").await;
    assert!(
        account.body.contains("You have not let any app"),
        "{}",
        account.body
    );
}

#[tokio::test]
async fn deny_tells_the_app_and_kills_the_request_token() {
    let (server, app) = server().await;
    let mut v = signed_in(&server).await;
    let (request, token) = request_token(&server, &app, "p1").await;
    let page = v.get(&page_path(&token)).await;
    let a = answer(&mut v, &page, &token, "deny", true).await;
    assert_eq!(a.status, 303, "{}", a.body);
    assert_eq!(
        a.location(),
        format!("{CALLBACK}?oauth_token={token}&oauth_problem=user_refused")
    );
    // The token is dead: no page, no approval, no exchange.
    let again = v.get(&page_path(&token)).await;
    assert_eq!(again.status, 404);
    assert!(
        again
            .body
            .contains("unknown, was refused, or has been used")
    );
    let late = answer(&mut v, &page, &token, "approve", false).await;
    assert_eq!(late.status, 404);
    let (status, _) = exchange(&server, &request, "anything").await;
    assert_eq!(status, 401);
    // "remember" on a refusal stores nothing.
    let account = v.get("/account").await;
    assert!(account.body.contains("You have not let any app"));
}

#[tokio::test]
async fn remembered_approvals_skip_the_page_and_are_revocable() {
    let (server, app) = server().await;
    let mut v = signed_in(&server).await;
    let (request, token) = request_token(&server, &app, "p1").await;
    let page = v.get(&page_path(&token)).await;
    let a = answer(&mut v, &page, &token, "approve", true).await;
    assert_eq!(a.status, 303);
    let (status, text) = exchange(&server, &request, &verifier_of(a.location())).await;
    assert_eq!(status, 200, "{text}");
    let form: Vec<(String, String)> = serde_urlencoded::from_str(&text).unwrap();
    let access = app.with_token(
        &form_get(&form, "oauth_token"),
        &form_get(&form, "oauth_token_secret"),
    );

    // Next time, straight back to the app with a verifier.
    let (request2, token2) = request_token(&server, &app, "p1").await;
    let a = v.get(&page_path(&token2)).await;
    assert_eq!(a.status, 303, "{}", a.body);
    assert!(
        a.location()
            .starts_with(&format!("{CALLBACK}?oauth_token={token2}&oauth_verifier="))
    );
    let (status, _) = exchange(&server, &request2, &verifier_of(a.location())).await;
    assert_eq!(status, 200);
    // ... but only for that patient.
    let (_, token3) = request_token(&server, &app, "p2").await;
    assert_eq!(v.get(&page_path(&token3)).await.status, 200);

    // The account page lists it, with a revoke form.
    let account = v.get("/account").await;
    assert_eq!(account.status, 200);
    assert!(account.body.contains("Remembered approvals"));
    assert!(
        account
            .body
            .contains("<td>Med &lt;b&gt;Reconciler&lt;/b&gt;</td><td>Ann Smith</td>"),
        "{}",
        account.body
    );
    assert!(
        account
            .body
            .contains("data-app-id=\"rest@apps.example.org\" data-record-id=\"p1\"")
    );
    let csrf = account.csrf();

    // Without the CSRF token nothing happens.
    let forged = v
        .post("/account/approvals", &[("app", APP), ("record", "p1")])
        .await;
    assert_eq!(forged.status, 403);
    assert_eq!(
        server
            .get(&access, "/records/p1/demographics")
            .await
            .status(),
        200
    );
    // Unknown ones are a clear 404.
    let unknown = v
        .post(
            "/account/approvals",
            &[("csrf", &csrf), ("app", APP), ("record", "p2")],
        )
        .await;
    assert_eq!(unknown.status, 404, "{}", unknown.body);

    let revoked = v
        .post(
            "/account/approvals",
            &[("csrf", &csrf), ("app", APP), ("record", "p1")],
        )
        .await;
    assert_eq!(revoked.status, 303, "{}", revoked.body);
    assert_eq!(revoked.location(), "/account?done=approval");
    let account = v.get("/account?done=approval").await;
    assert!(account.body.contains("The approval was revoked."));
    assert!(account.body.contains("You have not let any app"));
    // The app's access for that patient ended with it.
    let r = server.get(&access, "/records/p1/demographics").await;
    assert_eq!(r.status(), 401);
    // And the page asks again.
    let (_, token4) = request_token(&server, &app, "p1").await;
    assert_eq!(v.get(&page_path(&token4)).await.status, 200);
}

#[tokio::test]
async fn bad_answers_get_clear_4xx_pages() {
    let (server, app) = server().await;
    let mut v = signed_in(&server).await;
    let a = v.get("/oauth/authorize").await;
    assert_eq!(a.status, 400);
    assert!(a.body.contains("needs an oauth_token"));
    assert_unframeable(&a);
    let a = v.get(&page_path("no-such-token")).await;
    assert_eq!(a.status, 404);
    assert!(a.body.contains("Unknown request"));

    let (_, token) = request_token(&server, &app, "p1").await;
    let page = v.get(&page_path(&token)).await;
    // No CSRF token: refused, the request is still pending.
    let a = v
        .post(
            "/oauth/authorize",
            &[("oauth_token", token.as_str()), ("decision", "approve")],
        )
        .await;
    assert_eq!(a.status, 403);
    assert_unframeable(&a);
    // No decision.
    let a = answer(&mut v, &page, &token, "maybe", false).await;
    assert_eq!(a.status, 400);
    assert!(a.body.contains("Choose Approve or Deny"));
    assert_eq!(v.get(&page_path(&token)).await.status, 200);
    // A token that is not a request token (the session's own) is unknown here.
    let session = server.login(USER).await;
    let (own, _) = session.token.clone().unwrap();
    assert_eq!(v.get(&page_path(&own)).await.status, 404);
}

#[tokio::test]
async fn the_launch_page_picks_a_patient_and_opens_the_app() {
    let (server, _app) = server().await;
    let path = "/apps/rest%40apps.example.org/launch";
    let mut v = Visitor::new(&server, "");
    let a = v.get(path).await;
    assert_eq!(a.status, 303);
    assert!(a.location().starts_with("/login?next="), "{}", a.location());
    v.login(USER).await;
    let a = v.get(path).await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert!(a.body.contains("Open Med &lt;b&gt;Reconciler&lt;/b&gt;"));
    let api_base = server.container.config().api_base().to_owned();
    let encoded = smart_core::encoding::percent_encode(
        api_base.as_bytes(),
        smart_core::encoding::EncodeSet::Unreserved,
    );
    let href =
        format!("href=\"http://app.example.org/index.html?api_base={encoded}&amp;record_id=p1\"");
    assert!(a.body.contains(&href), "{href} in {}", a.body);
    assert!(a.body.contains("data-record-id=\"p2\""));
    assert!(!a.body.contains("<script>alert(1)"));
    // The search of the patient list works here too, and stays on this page.
    let a = v.get(&format!("{path}?q=Smith")).await;
    assert!(a.body.contains("data-record-id=\"p1\""));
    assert!(!a.body.contains("data-record-id=\"p2\""));
    assert!(a.body.contains(&format!("action=\"{path}\"")));
    // The raw `@` works as well.
    assert_eq!(
        v.get("/apps/rest@apps.example.org/launch").await.status,
        200
    );

    // Unknown and background apps: a clear 404.
    let a = v.get("/apps/nobody%40apps.example.org/launch").await;
    assert_eq!(a.status, 404);
    assert!(
        a.body
            .contains("No app with the id “nobody@apps.example.org”")
    );
    let background = serde_json::json!({
        "name": "Nightly", "description": "background job", "id": "bg@apps.example.org",
        "mode": "background", "scope": "record"
    });
    server.register_app(&background).await;
    let a = v.get("/apps/bg%40apps.example.org/launch").await;
    assert_eq!(a.status, 404);
    assert!(a.body.contains("runs in the background"));

    // Every other /apps/… path is still the API's.
    let r = server
        .http
        .get(format!("{}/apps/{APP}/manifest", server.base))
        .header("cookie", v.cookie_header())
        .send()
        .await
        .unwrap();
    assert_ne!(
        r.headers()["content-type"].to_str().unwrap(),
        "text/html; charset=utf-8"
    );
}
