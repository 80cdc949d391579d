//! The bundled sample apps and their origin.
//!
//! `smart serve` listens on a second address (`[apps] bind`, by default 127.0.0.1:7001)
//! for these apps, because a page on the web UI's own origin could read the UI's pages.
//! Everything they need is embedded in the binary ([`files`]): the SMART Connect client
//! library at [`LIBRARY_PATH`], the apps, and the WHO/CDC growth tables; no request leaves
//! the machine. [`register_bundled`] registers (or updates) their manifests at start.
//!
//! | module | what |
//! |---|---|
//! | [`files`] | the embedded files, their content types and ETags |
//! | [`bundled`] | the bundled apps' manifests and their registration |
//!
//! The origin has no state and no session: it ignores cookies (browsers send the UI's
//! cookies to every port of the same host; they are HttpOnly, and the API relay needs the
//! per-launch token the host keeps anyway).

pub mod bundled;
pub mod files;

use crate::container::Container;
use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, Request, StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::future::Future;
use std::sync::Arc;

pub use bundled::{BUNDLED, Bundled, Registration, register_bundled};

/// Where the client library is served on the apps origin.
pub const LIBRARY_PATH: &str = "/lib/smart-connect.js";

/// `scheme://host[:port]` of a URL, lower-case, without the default port.
pub fn origin_of(url: &str) -> String {
    let lower = url.trim().to_ascii_lowercase();
    let (scheme, rest) = lower.split_once("://").unwrap_or(("", lower.as_str()));
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let authority = match (scheme, authority.rsplit_once(':')) {
        ("http", Some((host, "80"))) | ("https", Some((host, "443"))) => host,
        _ => authority,
    };
    format!("{scheme}://{authority}")
}

/// The Content-Security-Policy of every file of the apps origin: scripts, styles, images
/// and connections from the apps origin only (no inline script, no request leaving it),
/// and framing only by the web UI.
pub fn csp(ui_origin: &str) -> String {
    format!(
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; \
         connect-src 'self'; font-src 'self'; form-action 'none'; base-uri 'none'; \
         object-src 'none'; frame-ancestors {ui_origin}"
    )
}

#[derive(Debug)]
struct Origin {
    csp: HeaderValue,
}

/// The router of the apps origin: GET and HEAD of the embedded files.
pub fn router(container: &Container) -> Router {
    let ui_origin = origin_of(container.config().api_base());
    let csp = HeaderValue::from_str(&csp(&ui_origin))
        .unwrap_or_else(|_| HeaderValue::from_static("frame-ancestors 'none'"));
    Router::new()
        .fallback(serve_file)
        .with_state(Arc::new(Origin { csp }))
}

/// Serves the apps origin on `listener` until `shutdown` completes, within the same
/// connection limits as the API (`[limits]`).
pub async fn serve(
    container: Arc<Container>,
    listener: tokio::net::TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let limits = container.config().limits.connection_limits();
    crate::listen::serve_router(listener, router(&container), limits, shutdown).await
}

async fn serve_file(State(origin): State<Arc<Origin>>, request: Request<Body>) -> Response {
    let request_path = request.uri().path().to_owned();
    let mut response = answer(request.method(), &request_path, request.headers());
    let h = response.headers_mut();
    h.insert(header::CONTENT_SECURITY_POLICY, origin.csp.clone());
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    // Only the icons are for other origins (the UI's sidebar shows them).
    let corp = if request_path.ends_with("/icon.svg") {
        "cross-origin"
    } else {
        "same-origin"
    };
    h.insert(
        header::HeaderName::from_static("cross-origin-resource-policy"),
        HeaderValue::from_static(corp),
    );
    response
}

fn answer(method: &Method, path: &str, headers: &HeaderMap) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return (
            StatusCode::METHOD_NOT_ALLOWED,
            [(header::ALLOW, "GET, HEAD")],
            "the apps origin serves files only (GET, HEAD)\n",
        )
            .into_response();
    }
    let Some(file) = files::find(path) else {
        return (
            StatusCode::NOT_FOUND,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            format!("no file at {path}\n"),
        )
            .into_response();
    };
    let etag = file.etag();
    let cache = HeaderValue::from_static(file.cache_control());
    let matches = headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|t| t.trim() == etag || t.trim() == "*");
    let etag = HeaderValue::from_str(etag).unwrap_or_else(|_| HeaderValue::from_static("\"\""));
    if matches {
        return (
            StatusCode::NOT_MODIFIED,
            [(header::ETAG, etag), (header::CACHE_CONTROL, cache)],
        )
            .into_response();
    }
    let body = if method == Method::HEAD {
        Body::empty()
    } else {
        Body::from(file.bytes)
    };
    let mut r = Response::new(body);
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(file.content_type()),
    );
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(file.bytes.len()));
    h.insert(header::ETAG, etag);
    h.insert(header::CACHE_CONTROL, cache);
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_drop_paths_and_default_ports() {
        assert_eq!(
            origin_of("http://127.0.0.1:7001/x/y"),
            "http://127.0.0.1:7001"
        );
        assert_eq!(
            origin_of("HTTPS://Apps.Example:443/"),
            "https://apps.example"
        );
        assert_eq!(origin_of("http://a.example:80"), "http://a.example");
        assert_eq!(
            origin_of("http://a.example:8080?q"),
            "http://a.example:8080"
        );
    }

    #[test]
    fn csp_has_no_inline_script_and_names_the_ui() {
        let c = csp("http://127.0.0.1:7000");
        assert!(c.contains("script-src 'self';"), "{c}");
        assert!(!c.contains("unsafe"), "{c}");
        assert!(c.contains("connect-src 'self'"), "{c}");
        assert!(c.ends_with("frame-ancestors http://127.0.0.1:7000"), "{c}");
    }

    #[test]
    fn files_answer_with_type_etag_and_revalidation() {
        let r = answer(&Method::GET, LIBRARY_PATH, &HeaderMap::new());
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(
            r.headers()[header::CONTENT_TYPE],
            "text/javascript; charset=utf-8"
        );
        let etag = r.headers()[header::ETAG].clone();
        let mut again = HeaderMap::new();
        again.insert(header::IF_NONE_MATCH, etag);
        let r = answer(&Method::GET, LIBRARY_PATH, &again);
        assert_eq!(r.status(), StatusCode::NOT_MODIFIED);
        assert_eq!(
            answer(&Method::GET, "/lib/nothing.js", &HeaderMap::new()).status(),
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            answer(&Method::POST, LIBRARY_PATH, &HeaderMap::new()).status(),
            StatusCode::METHOD_NOT_ALLOWED
        );
    }
}

/// The library's call table agrees with the catalog: the same calls, in the same order,
/// with the same HTTP method, path template and target class (so they cannot drift).
#[cfg(test)]
mod library_tests {
    use smart_core::catalog::CallId;

    fn library_calls() -> Vec<(String, String, String, String)> {
        let file = super::files::find(super::LIBRARY_PATH).unwrap();
        let text = std::str::from_utf8(file.bytes).unwrap();
        let start = text.find("/* BEGIN CALLS").expect("BEGIN CALLS marker");
        let end = text.find("/* END CALLS */").expect("END CALLS marker");
        text[start..end]
            .lines()
            .filter_map(|l| {
                let l = l.trim();
                let inner = l.strip_prefix("[\"")?.strip_suffix("\"],")?;
                let parts: Vec<&str> = inner.split("\", \"").collect();
                assert_eq!(parts.len(), 4, "a call line of four strings: {l}");
                Some((
                    parts[0].to_owned(),
                    parts[1].to_owned(),
                    parts[2].to_owned(),
                    parts[3].to_owned(),
                ))
            })
            .collect()
    }

    #[test]
    fn call_table_matches_the_catalog() {
        let lib = library_calls();
        let catalog: Vec<(String, String, String, String)> = CallId::ALL
            .iter()
            .map(|id| {
                let c = id.call();
                let target = c
                    .target
                    .strip_prefix("http://smartplatforms.org/terms#")
                    .unwrap_or(c.target);
                (
                    c.name.to_owned(),
                    c.method.as_str().to_owned(),
                    c.path.to_owned(),
                    target.to_owned(),
                )
            })
            .collect();
        assert_eq!(lib.len(), CallId::ALL.len());
        for (l, c) in lib.iter().zip(&catalog) {
            assert_eq!(l, c, "the library's call differs from the catalog's");
        }
    }
}
