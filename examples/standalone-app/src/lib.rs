//! A SMART REST app with its own web server (a "standalone" app): the container opens it
//! in a new window, it runs the three-legged OAuth 1.0a flow from its back end, and shows
//! the patient's medications.
//!
//! It is written as any third-party app would be: HTTP only (axum to serve, reqwest to call
//! the container), OAuth 1.0a signatures from the `oauth1-request` crate, answers read with
//! `oxrdfxml`. It depends on no smart-rs crate.
//!
//! The flow (SMART Classic, "SMART REST"):
//! 1. The container opens `index?record_id=…&api_base=…` (launched from the record view, or
//!    from the container's `/apps/{id}/launch` record picker, where `GET /` without a record
//!    sends the browser).
//! 2. The app reads `{api_base}/manifest` for the OAuth URLs and POSTs `request_token`,
//!    signed with its consumer key and secret, with `smart_record_id` in the form body.
//! 3. It sends the browser to `authorize_token?oauth_token=…`; the user signs in and
//!    approves; the container redirects to the manifest's `oauth_callback` with
//!    `oauth_token` and `oauth_verifier` (or `oauth_problem=user_refused`).
//! 4. The app exchanges the request token and verifier at `exchange_token` for an access
//!    token bound to (app, user, record), and reads the record with it.
//!
//! ```no_run
//! # async fn run() -> std::io::Result<()> {
//! let config = example_standalone_app::AppConfig {
//!     container: "http://127.0.0.1:7000".to_owned(),
//!     app_id: "med-list@apps.example.org".to_owned(),
//!     consumer_secret: "its secret".to_owned(),
//! };
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:7002").await?;
//! axum::serve(listener, example_standalone_app::router(config)).await
//! # }
//! ```

mod flow;
mod page;

pub use flow::{Error, drug_names, patient_name};

use axum::Router;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What the app needs to know: where its container is and its own credentials.
#[derive(Clone)]
pub struct AppConfig {
    /// The container's API base (no trailing slash). The app talks to this container only,
    /// whatever `api_base` a launch URL names.
    pub container: String,
    /// The app id (= consumer key).
    pub app_id: String,
    /// The consumer secret the container assigned.
    pub consumer_secret: String,
}

impl std::fmt::Debug for AppConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppConfig")
            .field("container", &self.container)
            .field("app_id", &self.app_id)
            .field("consumer_secret", &"<redacted>")
            .finish()
    }
}

/// How long a started authorization may take before its request token is forgotten.
const PENDING_FOR: Duration = Duration::from_secs(600);

struct AppState {
    client: flow::Client,
    /// Request token → its secret, kept on the server (never sent to the browser).
    pending: Mutex<HashMap<String, (String, Instant)>>,
}

/// The app's web server: `GET /` (launch) and `GET /callback` (after approval).
pub fn router(config: AppConfig) -> Router {
    let state = Arc::new(AppState {
        client: flow::Client::new(config),
        pending: Mutex::new(HashMap::new()),
    });
    Router::new()
        .route("/", get(launch))
        .route("/callback", get(callback))
        .with_state(state)
}

fn error_page(status: StatusCode, message: &str) -> Response {
    (status, Html(page::message("Something went wrong", message))).into_response()
}

/// `GET /?record_id=…&api_base=…`: start the authorization.
async fn launch(
    State(app): State<Arc<AppState>>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let container = match app.client.container_manifest().await {
        Ok(m) => m,
        Err(e) => return error_page(StatusCode::BAD_GATEWAY, &e.to_string()),
    };
    let Some(record) = q.get("record_id").filter(|r| !r.is_empty()) else {
        // Started outside the container: its record picker launches us again with a record.
        return Redirect::to(&container.app_launch(&app.client.config().app_id)).into_response();
    };
    if let Some(base) = q.get("api_base")
        && base.trim_end_matches('/') != app.client.config().container
    {
        return error_page(
            StatusCode::BAD_REQUEST,
            "this app is registered with another container than the one that launched it",
        );
    }
    let (token, secret) = match app.client.request_token(&container, record).await {
        Ok(t) => t,
        Err(e) => return error_page(StatusCode::BAD_GATEWAY, &e.to_string()),
    };
    {
        let mut pending = app.pending.lock().unwrap_or_else(|e| e.into_inner());
        pending.retain(|_, (_, at)| at.elapsed() < PENDING_FOR);
        pending.insert(token.clone(), (secret, Instant::now()));
    }
    let url = format!(
        "{}?oauth_token={}",
        container.authorize_token,
        flow::encode(&token)
    );
    let mut response = Redirect::to(&url).into_response();
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        "no-store".parse().expect("a header value"),
    );
    response
}

/// `GET /callback?oauth_token=…&oauth_verifier=…` (or `oauth_problem=user_refused`).
async fn callback(
    State(app): State<Arc<AppState>>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let Some(token) = q.get("oauth_token") else {
        return error_page(StatusCode::BAD_REQUEST, "the callback has no oauth_token");
    };
    let secret = {
        let mut pending = app.pending.lock().unwrap_or_else(|e| e.into_inner());
        pending
            .remove(token)
            .filter(|(_, at)| at.elapsed() < PENDING_FOR)
    };
    let Some((secret, _)) = secret else {
        return error_page(
            StatusCode::BAD_REQUEST,
            "this authorization was not started here or has expired; launch the app again",
        );
    };
    if q.get("oauth_problem").map(String::as_str) == Some("user_refused") {
        return Html(page::message(
            "Access declined",
            "You declined to let this app read the record. Nothing was read.",
        ))
        .into_response();
    }
    let Some(verifier) = q.get("oauth_verifier") else {
        return error_page(
            StatusCode::BAD_REQUEST,
            "the callback has no oauth_verifier",
        );
    };
    let result = async {
        let container = app.client.container_manifest().await?;
        let access = app
            .client
            .exchange(&container, token, &secret, verifier)
            .await?;
        app.client.medications(&access).await
    }
    .await;
    match result {
        Ok(view) => Html(page::medications(&view)).into_response(),
        Err(e) => error_page(StatusCode::BAD_GATEWAY, &e.to_string()),
    }
}
