//! "Launch by URL": a developer pastes the index URL of an app under development (and,
//! optionally, its manifest) in the record view's sidebar, and the app runs on that
//! patient like a registered one, through the same launch and relay.
//!
//! The app is registered as a *temporary* app of the session (see
//! `smart_auth::Provider::register_temporary_app`): its id is drawn under the reserved
//! prefix `~dev.`, it is in no one's sidebar but this session's, not in
//! `/apps/manifests/`, not launchable from another session, and deleted when the session
//! ends. The manifest, when given, is checked by the same rules as `smart apps register`
//! ([`AppManifest::from_json`], then [`AppManifest::validate`]); without one, a minimal
//! manifest is made from the URL.
//!
//! `POST /dev-launch` (form: `csrf`, `record_id`, `index_url`, `manifest`) answers `303`
//! to the record view, which opens the app at once (`?launch=<app id>`), or `400` with the
//! form and what is wrong.

use super::html::Html;
use super::pages::{layout, server_error};
use super::session::Session;
use super::{Ui, field, glue, launch, page};
use axum::http::StatusCode;
use axum::response::Response;
use smart_auth::AuthErrorKind;
use smart_core::RecordId;
use smart_core::manifest::{AppManifest, AppMode, Scope};

/// The form's target.
pub(crate) const PATH: &str = "/dev-launch";

/// Longest index URL accepted.
const MAX_URL: usize = 2048;

/// The sidebar part of the record view: this session's temporary apps (launchers like
/// the registered apps') and the "Launch by URL…" form; with the origins the apps are
/// framed from (for the page's CSP).
pub(crate) async fn sidebar(ui: &Ui, s: &Session, record_id: &str) -> (Html, Vec<String>) {
    let apps = glue::temporary_apps(ui.container(), &s.who)
        .await
        .unwrap_or_default();
    let mut origins = Vec::new();
    let mut m = Html::new();
    if !apps.is_empty() {
        m.raw("<h2 class=\"dev-apps\">Launched by URL</h2>");
    }
    for mf in &apps {
        if let Some(o) = mf.index.as_deref().and_then(launch::origin_of) {
            if !origins.contains(&o) {
                origins.push(o);
            }
        }
        let scope = match mf.scope {
            Some(Scope::Container) => "container",
            _ => "record",
        };
        m.raw("<button type=\"button\" class=\"app-launcher dev-app\"")
            .attr("data-app-id", &mf.id)
            .attr("data-mode", mf.mode.as_str())
            .attr("data-standalone", "false")
            .attr("data-scope", scope)
            .attr("title", mf.index.as_deref().unwrap_or_default())
            .raw("><span class=\"app-icon\" aria-hidden=\"true\">")
            .text(&mf.name.chars().next().unwrap_or('?').to_string())
            .raw("</span><span class=\"app-name\">")
            .text(&mf.name)
            .raw("</span></button>");
    }
    m.raw("<details class=\"dev-launch\"><summary>Launch by URL…</summary>");
    m.append(form(ui, s, record_id, "", ""));
    m.raw("</details>");
    (m, origins)
}

/// The form (empty, or filled with what was sent).
fn form(ui: &Ui, s: &Session, record_id: &str, url: &str, manifest: &str) -> Html {
    let mut m = Html::new();
    m.raw("<form method=\"post\" class=\"dev-launch-form\"")
        .attr("action", &ui.url(PATH))
        .raw("><input type=\"hidden\" name=\"csrf\"")
        .attr("value", &s.csrf)
        .raw("><input type=\"hidden\" name=\"record_id\"")
        .attr("value", record_id)
        .raw("><label for=\"dev-index-url\">Index URL of your app</label>")
        .raw("<input id=\"dev-index-url\" name=\"index_url\" type=\"url\" required placeholder=\"http://localhost:8000/index.html\"")
        .attr("value", url)
        .raw("><label for=\"dev-manifest\">Manifest JSON (optional)</label>")
        .raw("<textarea id=\"dev-manifest\" name=\"manifest\" rows=\"4\" spellcheck=\"false\">")
        .text(manifest)
        .raw("</textarea><p class=\"aside\">Runs on this patient, for you only, until you sign out.</p>")
        .raw("<button type=\"submit\" class=\"primary\">Launch</button></form>");
    m
}

/// `POST /dev-launch` (the CSRF token was checked by the caller).
pub(crate) async fn submit(ui: &Ui, s: &Session, form: &[(String, String)]) -> Response {
    let record_id = field(form, "record_id").unwrap_or("").trim();
    let url = field(form, "index_url").unwrap_or("").trim();
    let manifest_text = field(form, "manifest").unwrap_or("").trim();
    let refuse = |msg: String| refused(ui, s, record_id, url, manifest_text, msg);
    let container = ui.container();
    let record = match RecordId::new(record_id) {
        Ok(r) => r,
        Err(_) => {
            return refuse("Open a patient first: the app is launched on a record.".into()).await;
        }
    };
    match super::patients::patient(container, &record).await {
        Ok(Some(_)) => {}
        Ok(None) => return refuse("There is no such patient record.".into()).await,
        Err(e) => return server_error(ui, &e),
    }
    let ui_origin = launch::origin_of(container.config().api_base()).unwrap_or_default();
    if let Err(msg) = check_index_url(url, &ui_origin) {
        return refuse(msg).await;
    }
    let manifest = if manifest_text.is_empty() {
        synthesize(url)
    } else {
        match manifest_from_json(manifest_text, url) {
            Ok(m) => m,
            Err(msg) => return refuse(msg).await,
        }
    };
    let id = match glue::register_temporary_app(container, &s.who, &s.user, &record, manifest).await
    {
        Ok(id) => id,
        Err(e) => {
            return match e.kind() {
                AuthErrorKind::BadRequest | AuthErrorKind::Conflict => {
                    refuse(format!("The app was not launched: {e}")).await
                }
                AuthErrorKind::Forbidden | AuthErrorKind::NotFound => {
                    refuse("You cannot launch apps on this record.".into()).await
                }
                _ => server_error(ui, &e),
            };
        }
    };
    let query = serde_urlencoded::to_string([("launch", id.as_str())]).unwrap_or_default();
    super::redirect(ui, &format!("/patients/{}?{query}", record.as_str()))
}

/// The form again, with what is wrong (400).
async fn refused(
    ui: &Ui,
    s: &Session,
    record_id: &str,
    url: &str,
    manifest: &str,
    msg: String,
) -> Response {
    let name = glue::full_name(ui.container(), &s.user).await;
    let mut m = Html::new();
    m.raw("<main id=\"main\" class=\"narrow\"><h1>Launch by URL</h1><p class=\"error\" role=\"alert\">")
        .text(&msg)
        .raw("</p><section class=\"card\">")
        .append(form(ui, s, record_id, url, manifest))
        .raw("</section>");
    if RecordId::new(record_id).is_ok() {
        m.raw("<p class=\"aside\"><a")
            .attr("href", &ui.url(&format!("/patients/{record_id}")))
            .raw(">Back to the patient</a></p>");
    }
    m.raw("</main>");
    page(
        StatusCode::BAD_REQUEST,
        layout(ui, "Launch by URL", Some((s, &name)), m),
        &[],
    )
}

/// Checks the pasted index URL: absolute http(s), a plain host (and port), no user
/// info, no fragment, no spaces, and not on the container's own origin (`ui_origin`):
/// an app served from the UI's origin could read the UI's pages.
pub(crate) fn check_index_url(url: &str, ui_origin: &str) -> Result<(), String> {
    if url.is_empty() {
        return Err("Paste the index URL of your app (http:// or https://).".into());
    }
    if url.len() > MAX_URL {
        return Err(format!(
            "The index URL is longer than {MAX_URL} characters."
        ));
    }
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("The index URL must not contain spaces or control characters.".into());
    }
    let lower = url.to_ascii_lowercase();
    if !lower.starts_with("http://") && !lower.starts_with("https://") {
        return Err(format!(
            "{url:?} is not an absolute http:// or https:// URL."
        ));
    }
    if url.contains('#') {
        return Err("The index URL must not have a #fragment.".into());
    }
    let (scheme, rest) = url.split_once("://").unwrap_or_default();
    let authority = rest.split(['/', '?']).next().unwrap_or_default();
    if authority.contains('@') {
        return Err("The index URL must not contain a user name or password.".into());
    }
    if !valid_authority(authority) {
        return Err(format!("{url:?} has no valid host (and port)."));
    }
    if !scheme.bytes().all(|b| b.is_ascii_lowercase()) {
        return Err("Write the URL's scheme in lower case (http:// or https://).".into());
    }
    let origin = launch::origin_of(url).unwrap_or_default();
    if origin.eq_ignore_ascii_case(ui_origin) {
        return Err(format!(
            "The app is on the container's own origin ({ui_origin}). Serve it from another \
             origin (another port or host), so that it cannot read the container's pages."
        ));
    }
    Ok(())
}

/// `host[:port]`: a DNS name or IPv4 address, or a bracketed IPv6 address, and a port
/// from 1 to 65535 if given.
fn valid_authority(authority: &str) -> bool {
    let (host_ok, port) = match authority.strip_prefix('[') {
        Some(v6) => {
            let Some((addr, after)) = v6.split_once(']') else {
                return false;
            };
            let addr_ok = !addr.is_empty()
                && addr
                    .chars()
                    .all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.');
            match after {
                "" => (addr_ok, None),
                p => (addr_ok, Some(p.strip_prefix(':').unwrap_or("x"))),
            }
        }
        None => {
            let (host, port) = match authority.rsplit_once(':') {
                Some((h, p)) => (h, Some(p)),
                None => (authority, None),
            };
            let ok = !host.is_empty()
                && host.len() <= 253
                && host.split('.').all(|label| {
                    !label.is_empty()
                        && label.len() <= 63
                        && label
                            .bytes()
                            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
                        && !label.starts_with('-')
                        && !label.ends_with('-')
                });
            (ok, port)
        }
    };
    host_ok
        && port.is_none_or(|p| {
            !p.is_empty()
                && p.bytes().all(|b| b.is_ascii_digit())
                && p.parse::<u16>().is_ok_and(|n| n > 0)
        })
}

/// The minimal manifest of an app given only by URL: a placeholder id (the provider
/// draws the temporary one), the host as name, mode `ui`, record scope.
fn synthesize(url: &str) -> AppManifest {
    let origin = launch::origin_of(url).unwrap_or_default();
    let host = origin.split_once("://").map_or("", |(_, h)| h).to_owned();
    let mut m = AppManifest::new(
        host,
        format!("An app under development, launched by URL from {url}"),
        format!("{}new", smart_core::AppId::TEMPORARY_PREFIX),
        AppMode::Ui,
    );
    m.scope = Some(Scope::Record);
    m.index = Some(url.to_owned());
    m.icon = Some(format!("{origin}/favicon.ico"));
    m
}

/// A pasted manifest, read and checked by the rules of `smart apps register`; the pasted
/// URL is its index. Apps that open in their own window or run in the background are not
/// launched this way.
fn manifest_from_json(text: &str, url: &str) -> Result<AppManifest, String> {
    let mut m =
        AppManifest::from_json(text).map_err(|e| format!("The manifest is not valid: {e}"))?;
    m.index = Some(url.to_owned());
    m.validate()
        .map_err(|e| format!("The manifest is not valid: {e}"))?;
    if m.mode == AppMode::Background {
        return Err(
            "The manifest is of a background app, which is not launched in the record view.".into(),
        );
    }
    if m.is_standalone() {
        return Err("The manifest is of a standalone app (it opens in its own window); Launch by URL runs apps in the record view.".into());
    }
    Ok(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    const UI: &str = "http://127.0.0.1:7000";

    #[test]
    fn index_urls_are_checked() {
        for ok in [
            "http://127.0.0.1:8000/index.html",
            "https://dev.example.org/app/?x=1",
            "http://localhost:7001/",
            "http://[::1]:8080/a",
            "http://127.0.0.1:7001",
        ] {
            assert_eq!(check_index_url(ok, UI), Ok(()), "{ok}");
        }
        for (bad, says) in [
            ("", "Paste"),
            ("ftp://x/", "http://"),
            ("javascript:alert(1)", "http://"),
            ("/relative/index.html", "http://"),
            ("http://user:pw@host/", "user name"),
            ("http://host/a#b", "fragment"),
            ("http://ho st/", "spaces"),
            ("http:///path", "host"),
            ("http://host:0/", "host"),
            ("http://host:99999/", "host"),
            ("http://-bad-.example/", "host"),
            ("http://127.0.0.1:7000/app", "own origin"),
            ("HTTP://h/", "lower case"),
        ] {
            let err = check_index_url(bad, UI).expect_err(bad);
            assert!(err.contains(says), "{bad}: {err}");
        }
    }

    #[test]
    fn a_minimal_manifest_is_valid_and_named_after_the_host() {
        let m = synthesize("http://127.0.0.1:8000/app/index.html");
        assert_eq!(m.name, "127.0.0.1:8000");
        assert_eq!(m.mode, AppMode::Ui);
        assert_eq!(m.scope, Some(Scope::Record));
        assert_eq!(
            m.index.as_deref(),
            Some("http://127.0.0.1:8000/app/index.html")
        );
        m.validate().unwrap();
    }

    #[test]
    fn pasted_manifests_follow_the_cli_rules() {
        let url = "http://127.0.0.1:8000/";
        let ok = r#"{"name": "Mine", "description": "d", "id": "mine@dev", "mode": "ui",
                     "icon": "http://127.0.0.1:8000/i.png"}"#;
        assert_eq!(
            manifest_from_json(ok, url).unwrap().index.as_deref(),
            Some(url)
        );
        let err = manifest_from_json("{not json", url).unwrap_err();
        assert!(err.starts_with("The manifest is not valid"), "{err}");
        let err = manifest_from_json(r#"{"name": "x"}"#, url).unwrap_err();
        assert!(err.contains("description"), "{err}");
        let standalone = r#"{"name": "S", "description": "d", "id": "s@dev", "mode": "ui",
                     "standalone": true, "icon": "http://127.0.0.1:8000/i.png"}"#;
        assert!(
            manifest_from_json(standalone, url)
                .unwrap_err()
                .contains("standalone")
        );
    }
}
