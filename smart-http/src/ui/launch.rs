//! Launching apps from the record view, and the relay that runs their API calls.
//!
//! `POST /ui/launch` (session cookie + `X-CSRF-Token`) runs the provider's SMART Connect
//! launch for (session, user, app, record) and answers with the launch token (the connect
//! token: its secret never leaves the server, and it works only together with the session
//! that launched it), the manifest and the `ready` context. Nothing else of the launch
//! (REST token, launch header) reaches the browser.
//!
//! `/ui/api/<func>` (session cookie + `X-Smart-Launch`) runs `<func>` through the API
//! pipeline of [`crate::server`] as the app principal of that token, so the access policy
//! applies exactly as to an OAuth request of that app for that user and record.

use super::session::{Session, csrf_matches};
use super::{Ui, UiRequest, glue, json};
use axum::body::Body;
use axum::http::{HeaderValue, Request, StatusCode, Uri, header};
use axum::response::Response;
use serde_json::json;
use smart_auth::AuthErrorKind;
use smart_core::RecordId;

/// The header carrying the CSRF token of the session on `POST /ui/launch`.
const CSRF_HEADER: &str = "x-csrf-token";
/// The header carrying a launch token on `/ui/api/…`.
const LAUNCH_HEADER: &str = "x-smart-launch";

fn error(status: StatusCode, message: &str) -> Response {
    json(status, &json!({ "error": message }))
}

/// `POST /ui/launch`.
pub(crate) async fn launch(ui: &Ui, req: &UiRequest) -> Response {
    let session = ui.session(&req.headers).await;
    launch_as(ui, req, session).await
}

/// A launch for `session` (the signed-in user's, or a shared link's viewer session).
pub(crate) async fn launch_as(ui: &Ui, req: &UiRequest, session: Option<Session>) -> Response {
    let Some(session) = session else {
        return error(StatusCode::UNAUTHORIZED, "not signed in");
    };
    let given = req.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok());
    if !csrf_matches(&session.csrf, given) {
        return error(StatusCode::FORBIDDEN, "missing or wrong CSRF token");
    }
    #[derive(serde::Deserialize)]
    struct Body {
        app_id: String,
        record_id: Option<String>,
    }
    let body: Body = match serde_json::from_slice(&req.body) {
        Ok(b) => b,
        Err(e) => {
            return error(
                StatusCode::BAD_REQUEST,
                &format!("expected {{\"app_id\": \"…\", \"record_id\": \"…\" or null}}: {e}"),
            );
        }
    };
    let container = ui.container();
    let record = match body.record_id.as_deref().filter(|r| !r.is_empty()) {
        None => None,
        Some(r) => match RecordId::new(r) {
            Ok(id) => Some(id),
            Err(_) => return error(StatusCode::NOT_FOUND, "no such record"),
        },
    };
    let Some(manifest) =
        glue::manifest_seen_by(container, Some(&session.token), &body.app_id).await
    else {
        return error(StatusCode::NOT_FOUND, "no such app");
    };
    let credentials = match glue::launch(
        container,
        &session.who,
        &session.user,
        &body.app_id,
        record.clone(),
    )
    .await
    {
        Ok(c) => c,
        Err(e) => {
            let status = match e.kind() {
                AuthErrorKind::NotFound => StatusCode::NOT_FOUND,
                AuthErrorKind::BadRequest => StatusCode::BAD_REQUEST,
                AuthErrorKind::Unauthenticated => StatusCode::UNAUTHORIZED,
                AuthErrorKind::Forbidden | AuthErrorKind::Locked => StatusCode::FORBIDDEN,
                _ => StatusCode::INTERNAL_SERVER_ERROR,
            };
            return error(status, &e.to_string());
        }
    };
    let record_json = match &record {
        Some(r) => {
            let name = match super::patients::patient(container, r).await {
                Ok(Some(p)) => p.full_name(),
                _ => r.as_str().to_owned(),
            };
            json!({"id": r.as_str(), "full_name": name})
        }
        None => json!({"id": "", "full_name": ""}),
    };
    let user_name = glue::full_name(container, &session.user).await;
    let index = index_url(
        manifest.index.as_deref().unwrap_or_default(),
        &credentials.api_base,
        record.as_ref(),
    );
    let origin = origin_of(&index).unwrap_or_default();
    let manifest_json: serde_json::Value =
        serde_json::from_str(&manifest.to_json()).unwrap_or(serde_json::Value::Null);
    json(
        StatusCode::OK,
        &json!({
            "launch_token": credentials.connect_token,
            "api_base": credentials.api_base,
            "manifest": manifest_json,
            "context": {
                "user": {"id": session.user.as_str(), "full_name": user_name},
                "record": record_json,
            },
            "index": index,
            "origin": origin,
        }),
    )
}

/// The URL an app is opened at: its manifest `index` with `api_base` and `record_id`
/// (empty without a record) added to the query, in that order (the order of the
/// reference host).
pub(crate) fn index_url(index: &str, api_base: &str, record: Option<&RecordId>) -> String {
    let sep = if index.contains('?') { '&' } else { '?' };
    format!(
        "{index}{sep}api_base={}&record_id={}",
        component(api_base),
        component(record.map_or("", RecordId::as_str)),
    )
}

/// A query value of the launch URL (RFC 3986 unreserved characters kept; what the spec's
/// `encodeURIComponent` gives for ids and URLs, without its extra literal `!*'()`).
fn component(value: &str) -> String {
    smart_core::encoding::percent_encode(
        value.as_bytes(),
        smart_core::encoding::EncodeSet::Unreserved,
    )
}

/// `scheme://host[:port]` of an absolute http(s) URL.
pub(crate) fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    if scheme != "http" && scheme != "https" {
        return None;
    }
    let host = rest.split(['/', '?', '#']).next()?;
    (!host.is_empty() && !host.contains('@')).then(|| format!("{scheme}://{host}"))
}

/// `ANY /ui/api/<func>`: the relay.
pub(crate) async fn relay(ui: &Ui, request: Request<Body>, func: &str) -> Response {
    let session = ui.session(request.headers()).await;
    relay_as(ui, request, func, session).await
}

/// The relay for `session` (the signed-in user's, or a shared link's viewer session).
/// A read-only session's writes are refused by the access policy (403), not here.
pub(crate) async fn relay_as(
    ui: &Ui,
    request: Request<Body>,
    func: &str,
    session: Option<Session>,
) -> Response {
    let Some(session) = session else {
        return error(StatusCode::UNAUTHORIZED, "not signed in");
    };
    let Some(token) = request
        .headers()
        .get(LAUNCH_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
    else {
        return error(StatusCode::UNAUTHORIZED, "no launch token (X-Smart-Launch)");
    };
    let container = ui.container();
    let who = match glue::resume_launch(container, &session.who, &token).await {
        Ok(who) => who,
        Err(_) => {
            return error(
                StatusCode::UNAUTHORIZED,
                "the launch token is unknown, expired, or not of this session",
            );
        }
    };
    let (mut parts, body) = request.into_parts();
    let target = match parts.uri.query() {
        Some(q) => format!("/{func}?{q}"),
        None => format!("/{func}"),
    };
    let Ok(uri) = target.parse::<Uri>() else {
        return error(StatusCode::BAD_REQUEST, "malformed API path");
    };
    parts.uri = uri;
    // The API sees the app's request, not the user's browser credentials.
    parts.headers.remove(header::COOKIE);
    parts.headers.remove(header::AUTHORIZATION);
    parts.headers.remove(LAUNCH_HEADER);
    let mut response = glue::relay(container, Request::from_parts(parts, body), who).await;
    let h = response.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_and_components() {
        assert_eq!(
            origin_of("http://apps.example:8001/app/index.html?x=1").as_deref(),
            Some("http://apps.example:8001")
        );
        assert_eq!(origin_of("javascript:alert(1)"), None);
        assert_eq!(origin_of("http://user@evil/"), None);
        assert_eq!(component("http://a/b c"), "http%3A%2F%2Fa%2Fb%20c");
    }
}
