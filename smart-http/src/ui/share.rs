//! Shared links: a signed-in user makes, on `/account`, a link that opens one app on one
//! record, read-only, for someone without an account; whoever opens it sees only that app
//! on that record until it expires or is revoked.
//!
//! | path | what |
//! |---|---|
//! | `POST /account/links` | make a link (form: `csrf`, `app`, `record`, `days`, optional `pin`) |
//! | `POST /account/links/revoke` | revoke one (form: `csrf`, `link`) |
//! | `GET /s/{token}` | the link: a PIN form, or the viewer page (one app on one record) |
//! | `POST /s/{token}` | the PIN (form: `csrf` from the pre-login cookie, `pin`) |
//! | `POST /s/view/launch`, `ANY /s/view/api/…` | the viewer's launch and relay |
//!
//! The viewer holds a *viewer session* of the link's owner (see smart-auth's
//! `provider::links`): read-only, limited to the record, bound to the app; the provider
//! and the access policy enforce that, whatever the page's script asks. Its cookie,
//! `smart_share`, is HttpOnly, `SameSite=Strict` and scoped to `/s/`, so it reaches
//! nothing but the viewer's own endpoints; the normal session cookie never reaches them.

use super::html::Html;
use super::launch;
use super::pages::{layout, message_page, server_error};
use super::session::{LOGIN_COOKIE, Session, cookie, csrf_matches, csrf_of, random};
use super::{Ui, UiRequest, field, page, redirect};
use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, Request, StatusCode, header};
use axum::response::Response;
use smart_auth::directory::{SharedLink, parse_link_id};
use smart_auth::provider::{LinkRefusal, MAX_PIN_FAILURES, NewLink};
use smart_auth::{AppId, Principal, Secret};
use smart_core::RecordId;
use smart_core::manifest::Scope;
use std::time::Duration;

/// The viewer's cookie: `<viewer session token>.<secret>`.
const SHARE_COOKIE: &str = "smart_share";
/// The viewer's launch endpoint.
pub(crate) const LAUNCH_PATH: &str = "/s/view/launch";
/// The prefix of the viewer's relay.
pub(crate) const API_PREFIX: &str = "/s/view/api/";
/// The lifetimes a user may choose, in days (the provider allows at most 30).
const DAYS: [u64; 4] = [1, 7, 14, 30];

/// The viewer session of a request, from the `smart_share` cookie: the link must still be
/// open (checked by the provider at every request).
pub(crate) async fn viewer(ui: &Ui, headers: &HeaderMap) -> Option<(Session, SharedLink)> {
    let value = cookie(headers, SHARE_COOKIE)?;
    let (token, secret) = value.split_once('.')?;
    let (who, link) = ui
        .container()
        .provider()
        .resume_shared_view(token, &Secret::new(secret))
        .await
        .ok()?;
    let Principal::Session { user, .. } = who.principal() else {
        return None;
    };
    let user = user.clone();
    Some((
        Session {
            who,
            user,
            token: token.to_owned(),
            csrf: csrf_of(secret),
        },
        link,
    ))
}

/// Sets (or with `None` clears) the viewer cookie: HttpOnly, SameSite=Strict, only under
/// `/s/`, Secure on https.
fn set_share_cookie(ui: &Ui, response: &mut Response, value: Option<&str>) {
    let mut c = format!(
        "{SHARE_COOKIE}={}; Path={}; HttpOnly; SameSite=Strict",
        value.unwrap_or(""),
        ui.url("/s/")
    );
    if value.is_none() {
        c.push_str("; Max-Age=0");
    }
    if ui.inner.secure {
        c.push_str("; Secure");
    }
    if let Ok(v) = HeaderValue::from_str(&c) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
}

/// `/s/…`: the link pages and the viewer's endpoints.
pub(crate) async fn dispatch(ui: &Ui, req: &UiRequest) -> Response {
    let get = matches!(req.method.as_str(), "GET" | "HEAD");
    let post = req.method.as_str() == "POST";
    if req.local == LAUNCH_PATH {
        if !post {
            return super::plain(StatusCode::METHOD_NOT_ALLOWED, "method not allowed");
        }
        let session = viewer(ui, &req.headers).await.map(|(s, _)| s);
        return launch::launch_as(ui, req, session).await;
    }
    let Some(token) = req
        .local
        .strip_prefix("/s/")
        .filter(|t| !t.is_empty() && t.len() <= 128 && !t.contains('/'))
    else {
        return gone(ui, &LinkRefusal::Unknown);
    };
    match (get, post) {
        (true, _) => open(ui, req, token).await,
        (_, true) => pin_post(ui, req, token).await,
        _ => super::plain(StatusCode::METHOD_NOT_ALLOWED, "method not allowed"),
    }
}

/// `ANY /s/view/api/<func>`: the relay for the viewer session.
pub(crate) async fn relay(ui: &Ui, request: Request<Body>, func: &str) -> Response {
    let session = viewer(ui, request.headers()).await.map(|(s, _)| s);
    launch::relay_as(ui, request, func, session).await
}

/// The page for a link that does not open.
fn gone(ui: &Ui, why: &LinkRefusal) -> Response {
    let (status, title, text) = match why {
        LinkRefusal::Expired => (
            StatusCode::GONE,
            "This link has expired",
            "The person who shared it can make a new one.",
        ),
        LinkRefusal::Revoked => (
            StatusCode::GONE,
            "This link was revoked",
            "The person who shared it withdrew it.",
        ),
        LinkRefusal::Locked { .. } => (
            StatusCode::TOO_MANY_REQUESTS,
            "Too many wrong PINs",
            "This link is locked for a while after too many wrong PINs. Try again in 15 minutes.",
        ),
        _ => (
            StatusCode::NOT_FOUND,
            "No such link",
            "This link does not exist. Check that it was copied whole.",
        ),
    };
    let mut r = message_page(ui, status, title, text);
    set_share_cookie(ui, &mut r, None);
    r
}

/// `GET /s/{token}`.
async fn open(ui: &Ui, req: &UiRequest, token: &str) -> Response {
    let provider = ui.container().provider();
    let link = match provider.shared_link_state(token).await {
        Ok(l) => l,
        Err(LinkRefusal::Failed(e)) => return server_error(ui, &e),
        Err(why) => return gone(ui, &why),
    };
    // Already opened in this browser: the viewer page.
    if let Some((session, current)) = viewer(ui, &req.headers).await {
        if current.digest == link.digest {
            return viewer_page(ui, &session, &current).await;
        }
    }
    if link.pin_hash.is_some() {
        return pin_form(ui, req, token, None, StatusCode::OK);
    }
    start(ui, token, None, req).await
}

/// Opens the link (with the PIN, if given) and answers with the viewer page, its cookie
/// set; or the page saying why not.
async fn start(ui: &Ui, token: &str, pin: Option<&str>, req: &UiRequest) -> Response {
    let provider = ui.container().provider();
    match provider.open_shared_link(token, pin).await {
        Ok(view) => {
            let value = format!("{}.{}", view.token, view.secret.expose());
            if pin.is_some() {
                // After the PIN form: back to the link (a GET), the cookie set.
                let mut r = redirect(ui, &req.local);
                set_share_cookie(ui, &mut r, Some(&value));
                ui.set_cookie(&mut r, LOGIN_COOKIE, None);
                return r;
            }
            let session = Session {
                who: match provider.resume_shared_view(&view.token, &view.secret).await {
                    Ok((who, _)) => who,
                    Err(e) => return server_error(ui, &e),
                },
                user: view.link.owner.clone(),
                token: view.token.clone(),
                csrf: csrf_of(view.secret.expose()),
            };
            let mut r = viewer_page(ui, &session, &view.link).await;
            set_share_cookie(ui, &mut r, Some(&value));
            r
        }
        Err(LinkRefusal::PinRequired) => pin_form(ui, req, token, None, StatusCode::OK),
        Err(LinkRefusal::WrongPin) => pin_form(
            ui,
            req,
            token,
            Some("That PIN is not right."),
            StatusCode::UNAUTHORIZED,
        ),
        Err(LinkRefusal::Failed(e)) => server_error(ui, &e),
        Err(why) => gone(ui, &why),
    }
}

/// The PIN form; its CSRF token is the pre-login double-submit cookie's (as on `/login`).
fn pin_form(
    ui: &Ui,
    req: &UiRequest,
    token: &str,
    failed: Option<&str>,
    status: StatusCode,
) -> Response {
    let (csrf, fresh) = match cookie(&req.headers, LOGIN_COOKIE).filter(|v| v.len() >= 32) {
        Some(v) => (v, false),
        None => (random().unwrap_or_default(), true),
    };
    let mut m = Html::new();
    m.raw(
        "<main id=\"main\" class=\"narrow\"><section class=\"card login\"><h1>Enter the PIN</h1>",
    )
    .raw("<p>The person who shared this link gave it a PIN. After ")
    .text(&MAX_PIN_FAILURES.to_string())
    .raw(" wrong PINs the link locks for 15 minutes.</p>");
    if let Some(msg) = failed {
        m.raw("<p class=\"error\" role=\"alert\">")
            .text(msg)
            .raw("</p>");
    }
    m.raw("<form method=\"post\"")
        .attr("action", &ui.url(&format!("/s/{token}")))
        .raw("><input type=\"hidden\" name=\"csrf\"")
        .attr("value", &csrf)
        .raw("><label for=\"pin\">PIN</label>")
        .raw("<input id=\"pin\" name=\"pin\" type=\"password\" inputmode=\"numeric\" autocomplete=\"off\" required autofocus>")
        .raw("<button type=\"submit\" class=\"primary\">Open</button></form></section></main>");
    let mut r = page(status, layout(ui, "Shared link", None, m), &[]);
    if fresh {
        ui.set_cookie(&mut r, LOGIN_COOKIE, Some(&csrf));
    }
    r
}

/// `POST /s/{token}`: the PIN.
async fn pin_post(ui: &Ui, req: &UiRequest, token: &str) -> Response {
    let form = req.form();
    let expected = cookie(&req.headers, LOGIN_COOKIE).unwrap_or_default();
    if expected.len() < 32 || !csrf_matches(&expected, field(&form, "csrf")) {
        return message_page(
            ui,
            StatusCode::FORBIDDEN,
            "Form expired",
            "This form has expired or did not come from this site. Reload the page and try again.",
        );
    }
    let pin = field(&form, "pin").unwrap_or("");
    start(ui, token, Some(pin), req).await
}

/// The viewer page: the patient's name, the one app (launched at once by the host
/// script), nothing else.
async fn viewer_page(ui: &Ui, s: &Session, link: &SharedLink) -> Response {
    let container = ui.container();
    let patient = match super::patients::patient(container, &link.record).await {
        Ok(Some(p)) => p,
        Ok(None) => return gone(ui, &LinkRefusal::Unknown),
        Err(e) => return server_error(ui, &e),
    };
    let Some(mf) = super::glue::manifest(container, link.app.as_str()).await else {
        return gone(ui, &LinkRefusal::Unknown);
    };
    let origins: Vec<String> = [mf.index.as_deref(), mf.icon.as_deref()]
        .into_iter()
        .flatten()
        .filter_map(launch::origin_of)
        .collect();
    let scope = match mf.scope {
        Some(Scope::Container) => "container",
        _ => "record",
    };
    let mut m = Html::new();
    m.raw("<div class=\"record shared\"><section class=\"patient-header\" aria-label=\"Patient\"><h1>")
        .text(&patient.full_name())
        .raw("</h1><p class=\"notice\" role=\"status\">Shared with you, read-only, until ")
        .text(&super::approve::when(link.expires_at))
        .raw(".</p></section><nav id=\"app-sidebar\" aria-label=\"Apps\"><h2>App</h2>")
        .raw("<button type=\"button\" class=\"app-launcher\"")
        .attr("data-app-id", &mf.id)
        .attr("data-mode", mf.mode.as_str())
        .attr("data-standalone", "false")
        .attr("data-scope", scope)
        .attr("title", &mf.description)
        .raw("><span class=\"app-name\">")
        .text(&mf.name)
        .raw("</span></button></nav><div class=\"work\"><div id=\"app-tabs\" role=\"tablist\" aria-label=\"Open apps\"></div>")
        .raw("<main id=\"app-pane\"></main>")
        .raw("<div id=\"app-status\" role=\"status\" aria-live=\"polite\"></div></div></div>");
    let owner = super::glue::full_name(container, &s.user).await;
    let data = serde_json::json!({
        "csrf": s.csrf,
        "base": ui.base(),
        "user": {"id": s.user.as_str(), "full_name": owner},
        "record": {"id": patient.id, "full_name": patient.full_name()},
        "launch_url": ui.url(LAUNCH_PATH),
        "api_url": ui.url(API_PREFIX.trim_end_matches('/')),
        "autolaunch": mf.id,
    });
    m.json_block("smart-page", &data)
        .raw("<script")
        .attr("src", &ui.url("/static/connect-host.js"))
        .raw("></script>");
    page(
        StatusCode::OK,
        layout(ui, &patient.full_name(), None, m),
        &origins,
    )
}

// ---- the owner's side, on /account

/// The "Shared links" section of `/account`: a form to make one (the record prefilled
/// from `?share=`), and the user's links with revoke buttons.
pub(crate) async fn links_section(
    ui: &Ui,
    s: &Session,
    record: Option<&str>,
    made: Option<&str>,
) -> Html {
    let container = ui.container();
    let mut m = Html::new();
    m.raw("<section class=\"card\" id=\"share\"><h2>Shared links</h2>")
        .raw("<p>A shared link opens one app on one patient's record, read-only, for anyone who has it (and its PIN), until it expires or you revoke it.</p>");
    if let Some(url) = made {
        m.raw("<p class=\"notice\" role=\"status\">Your link (shown only now): <a id=\"new-link\"")
            .attr("href", url)
            .raw(">")
            .text(url)
            .raw("</a></p>");
    }
    let apps = super::glue::apps_for(container, &s.user)
        .await
        .unwrap_or_default();
    m.raw("<form method=\"post\"")
        .attr("action", &ui.url("/account/links"))
        .raw("><input type=\"hidden\" name=\"csrf\"")
        .attr("value", &s.csrf)
        .raw("><label for=\"share-record\">Record id</label><input id=\"share-record\" name=\"record\" required")
        .attr("value", record.unwrap_or(""))
        .raw("><label for=\"share-app\">App</label><select id=\"share-app\" name=\"app\">");
    for app in &apps {
        m.raw("<option")
            .attr("value", &app.manifest.id)
            .raw(">")
            .text(&app.manifest.name)
            .raw("</option>");
    }
    m.raw("</select><label for=\"share-days\">Expires after</label><select id=\"share-days\" name=\"days\">");
    for d in DAYS {
        let label = if d == 1 {
            "1 day".to_owned()
        } else {
            format!("{d} days")
        };
        m.raw("<option")
            .attr("value", &d.to_string())
            .flag("selected", d == 7)
            .raw(">")
            .text(&label)
            .raw("</option>");
    }
    m.raw("</select><label for=\"share-pin\">PIN (optional, 4 to 32 characters)</label>")
        .raw(
            "<input id=\"share-pin\" name=\"pin\" type=\"password\" autocomplete=\"new-password\">",
        )
        .raw("<button type=\"submit\" class=\"primary\">Make link</button></form>");
    let links = container
        .provider()
        .shared_links(&s.who, &s.user)
        .await
        .unwrap_or_default();
    if links.is_empty() {
        m.raw("<p class=\"empty\">You have no shared links.</p></section>");
        return m;
    }
    let now = super::glue::now(container);
    m.raw("<div class=\"table-wrap\"><table class=\"links\"><thead><tr><th scope=\"col\">App</th><th scope=\"col\">Record</th><th scope=\"col\">PIN</th><th scope=\"col\">Expires</th><th scope=\"col\">State</th><th scope=\"col\"><span class=\"visually-hidden\">Revoke</span></th></tr></thead><tbody>");
    for link in &links {
        let state = if link.revoked {
            "revoked"
        } else if !link.is_active_at(now) {
            "expired"
        } else {
            "active"
        };
        m.raw("<tr")
            .attr("data-link-id", &link.id())
            .raw("><td>")
            .text(link.app.as_str())
            .raw("</td><td>")
            .text(link.record.as_str())
            .raw("</td><td>")
            .text(if link.pin_hash.is_some() { "yes" } else { "no" })
            .raw("</td><td>")
            .text(&super::approve::when(link.expires_at))
            .raw("</td><td>")
            .text(state)
            .raw("</td><td>");
        if state == "active" {
            m.raw("<form method=\"post\" class=\"inline\"")
                .attr("action", &ui.url("/account/links/revoke"))
                .raw("><input type=\"hidden\" name=\"csrf\"")
                .attr("value", &s.csrf)
                .raw("><input type=\"hidden\" name=\"link\"")
                .attr("value", &link.id())
                .raw("><button type=\"submit\" class=\"revoke\">Revoke</button></form>");
        }
        m.raw("</td></tr>");
    }
    m.raw("</tbody></table></div></section>");
    m
}

/// `POST /account/links` (CSRF checked by the caller): makes a link and shows it once.
/// `Ok` holds the link's URL; `Err` the message for the user.
pub(crate) async fn create(
    ui: &Ui,
    s: &Session,
    form: &[(String, String)],
) -> Result<String, String> {
    let app = field(form, "app")
        .and_then(|a| AppId::new(a).ok())
        .ok_or("Choose an app.")?;
    let record = field(form, "record")
        .map(str::trim)
        .and_then(|r| RecordId::new(r).ok())
        .ok_or("The record id is not valid.")?;
    let days: u64 = field(form, "days")
        .and_then(|d| d.parse().ok())
        .filter(|d| DAYS.contains(d))
        .ok_or("Choose how long the link works.")?;
    let mut new = NewLink::new(app, record, Duration::from_secs(days * 86_400));
    if let Some(pin) = field(form, "pin").filter(|p| !p.is_empty()) {
        new = new.with_pin(Secret::new(pin));
    }
    match ui
        .container()
        .provider()
        .create_shared_link(&s.who, &s.user, new)
        .await
    {
        Ok((token, _)) => Ok(format!(
            "{}/s/{}",
            ui.container().config().api_base().trim_end_matches('/'),
            token.expose()
        )),
        Err(e) => Err(format!("The link was not made: {e}")),
    }
}

/// `POST /account/links/revoke` (CSRF checked by the caller).
pub(crate) async fn revoke(ui: &Ui, s: &Session, form: &[(String, String)]) -> Response {
    let Some(digest) = field(form, "link").and_then(parse_link_id) else {
        return message_page(
            ui,
            StatusCode::BAD_REQUEST,
            "No link given",
            "The form did not say which link to revoke.",
        );
    };
    match ui
        .container()
        .provider()
        .revoke_shared_link(&s.who, &s.user, &digest)
        .await
    {
        Ok(true) => redirect(ui, "/account?done=link"),
        Ok(false) => message_page(
            ui,
            StatusCode::NOT_FOUND,
            "No such link",
            "You have no shared link with this id.",
        ),
        Err(e) if e.kind() == smart_auth::AuthErrorKind::Forbidden => {
            message_page(ui, StatusCode::FORBIDDEN, "Not allowed", &e.to_string())
        }
        Err(e) => server_error(ui, &e),
    }
}
