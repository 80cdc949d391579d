//! Principals for the tests: signed request builders, the UI and admin principals,
//! users, apps and the 3-legged flow, and the form replies of the OAuth endpoints.

use super::{Creds, PASSWORD, TestServer};

/// A signed request builder (query parameters signed, no body), for tests that add
/// headers of their own.
impl TestServer {
    pub fn signed(&self, c: &Creds, method: &str, path_and_query: &str) -> reqwest::RequestBuilder {
        let header = self.authorization(c, method, path_and_query, &[], &[]);
        self.http
            .request(
                method.parse().unwrap(),
                format!("{}{path_and_query}", self.base),
            )
            .header("Authorization", header)
    }

    /// The UI principal's credentials (2-legged).
    pub fn ui(&self) -> Creds {
        let ui = &self.container.config().ui;
        Creds::new(
            &ui.consumer_key,
            ui.consumer_secret
                .as_deref()
                .expect("the test server sets a UI secret"),
        )
    }

    /// The admin credential as an authenticated principal for in-process provider calls
    /// (account creation has no HTTP endpoint): a request signed like any other and
    /// authenticated by the provider, so no back door is used.
    pub async fn admin_principal(&self) -> smart_auth::Authenticated {
        let header = self.authorization(&self.admin(), "GET", "/apps/manifests/", &[], &[]);
        let request =
            smart_auth::oauth::Request::new("GET", "/apps/manifests/").with_authorization(&header);
        self.container
            .provider()
            .authenticate(&request)
            .await
            .unwrap()
            .expect("the admin request is signed")
    }

    /// Creates an active account with [`PASSWORD`].
    pub async fn create_user(&self, email: &str) {
        let admin = self.admin_principal().await;
        self.container
            .provider()
            .create_account(&admin, email, Some(PASSWORD), false)
            .await
            .unwrap();
    }

    /// Logs `email` in through `POST /oauth/login` signed as the UI: the session
    /// credentials (UI key + session token).
    pub async fn login(&self, email: &str) -> Creds {
        let r = self
            .post_form(
                &self.ui(),
                "/oauth/login",
                &[("username", email), ("password", PASSWORD)],
                &[],
            )
            .await;
        let form = form_reply(r).await;
        self.ui().with_token(
            &form_get(&form, "oauth_token"),
            &form_get(&form, "oauth_token_secret"),
        )
    }

    /// Registers a user-facing REST app with an `oauth_callback`.
    pub async fn ui_app(&self, id: &str) -> Creds {
        self.register_app(&ui_manifest(id)).await
    }

    /// Answers a request token on the UI's authorization page (`/oauth/authorize`) as the
    /// browser of `session` would (its cookie holds the session token and secret): reads
    /// the page, checks it names the request, submits the form with `decision`
    /// (`approve` or `deny`). Returns where the page sends the browser (`Location`).
    pub async fn approve_in_ui(&self, session: &Creds, req_token: &str, decision: &str) -> String {
        let (token, secret) = session.token.clone().expect("a session token");
        let cookie = format!("smart_session={token}.{secret}");
        let browser = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let r = browser
            .get(format!(
                "{}/oauth/authorize?oauth_token={req_token}",
                self.base
            ))
            .header("Cookie", &cookie)
            .send()
            .await
            .unwrap();
        let status = r.status();
        let page = r.text().await.unwrap();
        assert_eq!(status, 200, "the authorization page: {page}");
        let field = |name: &str| {
            let marker = format!("name=\"{name}\" value=\"");
            let at = page
                .find(&marker)
                .unwrap_or_else(|| panic!("no {name} in {page}"))
                + marker.len();
            page[at..at + page[at..].find('"').unwrap()].to_owned()
        };
        assert_eq!(field("oauth_token"), req_token);
        let csrf = field("csrf");
        let r = browser
            .post(format!("{}/oauth/authorize", self.base))
            .header("Cookie", &cookie)
            .form(&[
                ("csrf", csrf.as_str()),
                ("oauth_token", req_token),
                ("decision", decision),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303, "the answer redirects");
        r.headers()["location"].to_str().unwrap().to_owned()
    }

    /// The full 3-legged flow over HTTP for `app` on `record`, approved by `session`:
    /// request token (2-legged, `smart_record_id` in the signed form body), the session's
    /// browser approves it on the authorization page, the app exchanges it with the
    /// verifier. Returns
    /// the app's credentials with the access token, and the verifier used.
    pub async fn three_legged(
        &self,
        app: &Creds,
        session: &Creds,
        record: &str,
    ) -> (Creds, String) {
        let r = self
            .post_form(
                app,
                "/oauth/request_token",
                &[("smart_record_id", record)],
                &[("oauth_callback", "oob")],
            )
            .await;
        let form = form_reply(r).await;
        assert_eq!(form_get(&form, "oauth_callback_confirmed"), "true");
        let request = app.with_token(
            &form_get(&form, "oauth_token"),
            &form_get(&form, "oauth_token_secret"),
        );
        let req_token = request.token.clone().unwrap().0;

        let location = self.approve_in_ui(session, &req_token, "approve").await;
        assert!(
            location.starts_with(&format!(
                "{CALLBACK}?oauth_token={req_token}&oauth_verifier="
            )),
            "redirect to the manifest's callback: {location}"
        );
        let verifier = location
            .split_once("oauth_verifier=")
            .map(|(_, v)| v.to_owned())
            .unwrap();

        let r = self
            .post_form(
                &request,
                "/oauth/access_token",
                &[],
                &[("oauth_verifier", verifier.as_str())],
            )
            .await;
        let form = form_reply(r).await;
        assert_eq!(form_get(&form, "record_id"), record);
        let access = app.with_token(
            &form_get(&form, "oauth_token"),
            &form_get(&form, "oauth_token_secret"),
        );
        (access, verifier)
    }
}

/// Where the test UI apps' approvals redirect.
pub const CALLBACK: &str = "http://app.example.org/after-auth";

/// A valid manifest of a user-facing app with a callback.
pub fn ui_manifest(id: &str) -> serde_json::Value {
    serde_json::json!({
        "name": "Test REST app",
        "description": "end-to-end tests",
        "author": "smart-rs",
        "id": id,
        "version": "1.0",
        "mode": "ui",
        "scope": "record",
        "index": "http://app.example.org/index.html",
        "icon": "http://app.example.org/icon.png",
        "oauth_callback": CALLBACK,
    })
}

/// A form-encoded 200 reply, parsed (panics with the body otherwise).
pub async fn form_reply(r: reqwest::Response) -> Vec<(String, String)> {
    let status = r.status();
    let url = r.url().clone();
    let text = r.text().await.unwrap();
    assert_eq!(status, 200, "{url}: {text}");
    serde_urlencoded::from_str(&text).unwrap()
}

/// A field of a parsed form.
pub fn form_get(form: &[(String, String)], name: &str) -> String {
    form.iter()
        .find(|(k, _)| k == name)
        .unwrap_or_else(|| panic!("no {name} in {form:?}"))
        .1
        .clone()
}
