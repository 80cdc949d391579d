//! The container's web UI, served beside the API on the same port: log in, find a
//! patient, open the record view and run SMART Connect apps in it.
//!
//! Pages are rendered on the server ([`html`] escapes every value by construction); the
//! only scripts are embedded files under `/static/` (the SMART Connect host is
//! `connect-host.js`). Paths are relative to the path of the public URL (`""` or, behind a
//! proxy, e.g. `/ehr`); links, cookies and redirects carry that prefix, and requests are
//! accepted with or without it (a proxy may strip it or not).
//!
//! | path | what |
//! |---|---|
//! | `GET/POST /login`, `POST /logout` | sign in and out ([`session`]) |
//! | `GET/POST /signup` | self-service accounts, when `[ui] self_signup` is on |
//! | `GET /` | the patient list ([`patients`]) |
//! | `GET /patients/{record_id}` | the record view |
//! | `GET /account`, `POST /account/{password,apps,sessions,approvals}` | the user's account |
//! | `GET/POST /oauth/authorize` | the approval page of the 3-legged flow ([`approve`]) |
//! | `GET/POST /admin/…` | administration, for administrators only ([`admin`]) |
//! | `GET /apps/{app_id}/launch` | the record picker of a standalone app ([`picker`]) |
//! | `POST /dev-launch` | "Launch by URL": an app under development, for this session ([`dev_launch`]) |
//! | `POST /ui/launch`, `ANY /ui/api/…` | launch tokens and the API relay ([`launch`]) |
//! | `/s/{token}`, `/s/view/…`, `POST /account/links[/revoke]` | shared links ([`share`]) |
//! | `GET /static/{file}` | embedded assets; `brand.css` and `logo` from `[branding]` ([`brand`]) |
//!
//! Every call into the rest of the container goes through [`glue`].

mod admin;
mod approve;
mod brand;
mod dev_launch;
mod glue;
mod html;
mod launch;
mod pages;
mod patients;
mod picker;
mod session;
mod share;
mod showcase;

use crate::container::Container;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, Request, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

pub(crate) use session::Activity;

/// The UI's state: the container, and what it remembers between requests.
#[derive(Debug, Clone)]
pub(crate) struct Ui {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    container: Arc<Container>,
    /// The path of the public URL, without trailing `/` (`""` at the root).
    base: String,
    /// Whether the public URL is https (cookies get `Secure`).
    secure: bool,
    activity: Activity,
    /// Name, logo, accent colour and footer (`[branding]`).
    brand: brand::Brand,
}

impl Ui {
    /// The UI of this container.
    pub(crate) fn new(container: Arc<Container>) -> Self {
        let public = container.config().api_base().to_owned();
        let secure = public.starts_with("https://");
        let after_scheme = public.split_once("://").map_or("", |(_, r)| r);
        let base = after_scheme
            .find('/')
            .map_or("", |i| &after_scheme[i..])
            .trim_end_matches('/')
            .to_owned();
        let brand = brand::Brand::from_config(&container.config().branding);
        Self {
            inner: Arc::new(Inner {
                container,
                base,
                secure,
                activity: Activity::default(),
                brand,
            }),
        }
    }

    fn container(&self) -> &Container {
        &self.inner.container
    }

    /// The container's look.
    fn brand(&self) -> &brand::Brand {
        &self.inner.brand
    }

    /// The base path (`""` or `/prefix`).
    fn base(&self) -> &str {
        &self.inner.base
    }

    /// A UI path with the base in front.
    fn url(&self, local: &str) -> String {
        format!("{}{local}", self.inner.base)
    }

    /// The UI-local path of a request path, if the UI answers it.
    fn local_path(&self, path: &str) -> Option<String> {
        let base = self.base();
        let local = if base.is_empty() {
            path
        } else if path == base {
            "/"
        } else {
            path.strip_prefix(base)
                .filter(|rest| rest.starts_with('/'))
                .unwrap_or(path)
        };
        let ours = matches!(
            local,
            "/" | "/login"
                | "/logout"
                | "/signup"
                | "/account"
                | "/admin"
                | approve::PATH
                | dev_launch::PATH
        ) || ["/account/", "/admin/", "/patients/", "/static/", "/ui/", "/s/"]
            .iter()
            .any(|p| local.starts_with(p))
            // Only `/apps/{app_id}/launch`: every other `/apps/…` path is the API's.
            || picker::launch_path_app(local).is_some();
        ours.then(|| local.to_owned())
    }
}

/// The axum middleware in front of the API pipeline: UI paths are answered here, every
/// other request goes on to the API.
pub(crate) async fn intercept(
    State(ui): State<Ui>,
    request: Request<Body>,
    next: Next,
) -> Response {
    let Some(local) = ui.local_path(request.uri().path()) else {
        return next.run(request).await;
    };
    if let Some(rest) = local.strip_prefix("/ui/api/") {
        let rest = rest.to_owned();
        return launch::relay(&ui, request, &rest).await;
    }
    if let Some(rest) = local.strip_prefix(share::API_PREFIX) {
        let rest = rest.to_owned();
        return share::relay(&ui, request, &rest).await;
    }
    let (parts, body) = request.into_parts();
    let limit = ui.container().config().limits.max_body_bytes;
    let Ok(body) = axum::body::to_bytes(body, limit).await else {
        return plain(
            StatusCode::PAYLOAD_TOO_LARGE,
            "the request body is too large",
        );
    };
    let query: Vec<(String, String)> = parts
        .uri
        .query()
        .and_then(|q| serde_urlencoded::from_str(q).ok())
        .unwrap_or_default();
    let req = UiRequest {
        method: parts.method,
        local,
        query,
        headers: parts.headers,
        body,
    };
    let authorize = req.local == approve::PATH;
    let mut response = pages::dispatch(&ui, req).await;
    if authorize {
        approve::refuse_framing(&mut response);
    }
    response
}

/// A UI request, its path made local.
#[derive(Debug)]
pub(crate) struct UiRequest {
    method: Method,
    local: String,
    query: Vec<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
}

impl UiRequest {
    /// A query parameter.
    fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The URL-encoded form body (empty if malformed).
    fn form(&self) -> Vec<(String, String)> {
        serde_urlencoded::from_bytes(&self.body).unwrap_or_default()
    }
}

/// A form field.
fn field<'a>(form: &'a [(String, String)], name: &str) -> Option<&'a str> {
    form.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// The Content-Security-Policy of a page: scripts, styles and connections only from the
/// UI itself, no inline script; frames only from `frame_origins` (the apps); the page
/// itself may be framed only by the UI.
fn csp(frame_origins: &[String]) -> String {
    let frames = if frame_origins.is_empty() {
        "'none'".to_owned()
    } else {
        frame_origins.join(" ")
    };
    let images = if frame_origins.is_empty() {
        "'self' data:".to_owned()
    } else {
        format!("'self' data: {}", frame_origins.join(" "))
    };
    format!(
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src {images}; \
         connect-src 'self'; frame-src {frames}; form-action 'self'; base-uri 'none'; \
         object-src 'none'; frame-ancestors 'self'"
    )
}

/// The headers of every UI answer.
fn secure_headers(response: &mut Response, frame_origins: &[String]) {
    let h = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&csp(frame_origins)) {
        h.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        header::X_FRAME_OPTIONS,
        HeaderValue::from_static("SAMEORIGIN"),
    );
    h.entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
}

/// An HTML page.
fn page(status: StatusCode, body: String, frame_origins: &[String]) -> Response {
    let mut r = (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        body,
    )
        .into_response();
    secure_headers(&mut r, frame_origins);
    r
}

/// A plain-text answer (errors outside pages).
fn plain(status: StatusCode, text: &'static str) -> Response {
    let mut r = (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        text,
    )
        .into_response();
    secure_headers(&mut r, &[]);
    r
}

/// A JSON answer.
fn json(status: StatusCode, value: &serde_json::Value) -> Response {
    let mut r = (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        value.to_string(),
    )
        .into_response();
    secure_headers(&mut r, &[]);
    r
}

/// `303 See Other` to a UI path (the base is added here).
fn redirect(ui: &Ui, local: &str) -> Response {
    let mut r = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(&ui.url(local)) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    secure_headers(&mut r, &[]);
    r
}

/// Whether `next` is a path of this UI that is safe to go to after login: it must start
/// with a single `/` (not `//host` nor `/\host`, which browsers read as another host) and
/// contain no control characters or backslashes.
pub(crate) fn safe_next(next: &str) -> bool {
    next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && !next.chars().any(char::is_control)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed() {
        for ok in ["/", "/patients/abc?x=1", "/account"] {
            assert!(safe_next(ok), "{ok}");
        }
        for bad in [
            "//evil.example",
            "/\\evil.example",
            "https://evil.example/",
            "evil",
            "",
            "/\nx",
            "/a\\b",
        ] {
            assert!(!safe_next(bad), "{bad:?}");
        }
    }

    #[test]
    fn csp_allows_app_frames_but_no_inline_script() {
        let c = csp(&["http://apps.example:8001".to_owned()]);
        assert!(c.contains("script-src 'self';"), "{c}");
        assert!(!c.contains("unsafe-inline"));
        assert!(c.contains("frame-src http://apps.example:8001;"));
        assert!(c.contains("frame-ancestors 'self'"));
        assert!(csp(&[]).contains("frame-src 'none'"));
    }
}
