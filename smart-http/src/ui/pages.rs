//! The pages: login, sign-up, patient list, record view, account; and which request goes
//! where.

use super::html::Html;
use super::patients;
use super::picker::{self, RowLink};
use super::session::{
    LOGIN_COOKIE, SESSION_COOKIE, Session, cookie, csrf_matches, random, session_cookie_value,
};
use super::{Ui, UiRequest, admin, approve, field, glue, launch, page, plain, redirect, safe_next};
use axum::http::{StatusCode, header};
use axum::response::Response;
use smart_auth::AuthErrorKind;
use smart_core::RecordId;
use smart_core::manifest::Scope;

/// Routes a UI request.
pub(crate) async fn dispatch(ui: &Ui, req: UiRequest) -> Response {
    let get = matches!(req.method.as_str(), "GET" | "HEAD");
    let post = req.method.as_str() == "POST";
    let local = req.local.clone();
    match local.as_str() {
        "/login" if get => login_page(ui, &req, None).await,
        "/login" if post => login_post(ui, &req).await,
        "/logout" if post => logout(ui, &req).await,
        "/signup" if !ui.container().config().ui.self_signup => not_found(ui),
        "/signup" if get => signup_page(ui, &req, None),
        "/signup" if post => signup_post(ui, &req).await,
        "/ui/launch" if post => launch::launch(ui, &req).await,
        "/static/brand.css" if get => ui.brand().stylesheet(),
        "/static/logo" if get => ui.brand().logo(),
        p if p.starts_with("/s/") => super::share::dispatch(ui, &req).await,
        p if get && p.starts_with("/static/") => static_file(&p["/static/".len()..]),
        p if p.starts_with("/static/") || p.starts_with("/ui/") => {
            plain(StatusCode::METHOD_NOT_ALLOWED, "method not allowed")
        }
        _ => {
            let Some(session) = ui.session(&req.headers).await else {
                if let Some(visitor) = super::showcase::account(ui).filter(|_| get) {
                    return super::showcase::enter(ui, &req, &visitor).await;
                }
                if post {
                    return redirect(ui, "/login");
                }
                return to_login(ui, &req);
            };
            signed_in(ui, &req, &session, get, post).await
        }
    }
}

/// The pages that need a session.
async fn signed_in(ui: &Ui, req: &UiRequest, s: &Session, get: bool, post: bool) -> Response {
    let local = req.local.as_str();
    let visitor = super::showcase::is_visitor(ui, s);
    // The showcase visitor changes nothing (the provider refuses it too) and has no
    // account pages.
    if visitor && (post || local == "/account") {
        return super::showcase::refused(ui);
    }
    if admin::is_admin_path(local) {
        return admin::dispatch(ui, req, s, get, post).await;
    }
    if post {
        let form = req.form();
        if !csrf_matches(&s.csrf, field(&form, "csrf")) {
            return forbidden(ui);
        }
        return match local {
            approve::PATH => approve::decide(ui, s, &form).await,
            approve::REVOKE_PATH => approve::revoke(ui, s, &form).await,
            "/account/password" => change_password(ui, s, &form).await,
            "/account/apps" => choose_apps(ui, s, &form).await,
            "/account/sessions" => sign_out_others(ui, s, &form).await,
            super::dev_launch::PATH => super::dev_launch::submit(ui, s, &form).await,
            "/account/links" => match super::share::create(ui, s, &form).await {
                Ok(url) => {
                    let share = (None, Some(url.as_str()));
                    account_page_with(ui, s, None, None, StatusCode::OK, share).await
                }
                Err(msg) => account_page(ui, s, None, Some(&msg), StatusCode::BAD_REQUEST).await,
            },
            "/account/links/revoke" => super::share::revoke(ui, s, &form).await,
            _ => not_found(ui),
        };
    }
    if !get {
        return plain(StatusCode::METHOD_NOT_ALLOWED, "method not allowed");
    }
    match local {
        "/" if visitor => super::showcase::landing(ui, req, s).await,
        "/" => patient_list(ui, req, s).await,
        "/account" => {
            let share = (req.param("share"), None);
            account_page_with(ui, s, req.param("done"), None, StatusCode::OK, share).await
        }
        approve::PATH => approve::show(ui, req, s).await,
        p => match p.strip_prefix("/patients/") {
            Some(id) if !id.contains('/') => record_view(ui, s, id, req.param("launch")).await,
            _ => match picker::launch_path_app(p) {
                Some(app) => picker::launch_page(ui, req, s, &app).await,
                None => not_found(ui),
            },
        },
    }
}

/// `303` to the login page, remembering where the visitor wanted to go.
fn to_login(ui: &Ui, req: &UiRequest) -> Response {
    let mut next = req.local.clone();
    if !req.query.is_empty() {
        if let Ok(q) = serde_urlencoded::to_string(&req.query) {
            next = format!("{next}?{q}");
        }
    }
    let q = serde_urlencoded::to_string([("next", next.as_str())]).unwrap_or_default();
    redirect(ui, &format!("/login?{q}"))
}

/// The page shell: head, top bar (with the user's menu when signed in), then `main`.
pub(super) fn layout(
    ui: &Ui,
    title: &str,
    session: Option<(&Session, &str)>,
    main: Html,
) -> String {
    let mut h = Html::new();
    h.raw("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">")
        .raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .raw("<title>")
        .text(&format!("{title} · {}", ui.brand().name))
        .raw("</title><link rel=\"stylesheet\"")
        .attr("href", &ui.url("/static/style.css"))
        .raw("><link rel=\"stylesheet\"")
        .attr("href", &ui.url("/static/brand.css"))
        .raw("></head><body><a class=\"skip\" href=\"#main\">Skip to content</a>")
        .raw("<header class=\"topbar\"><a class=\"brand\"")
        .attr("href", &ui.url("/"))
        .raw(">");
    if ui.brand().has_logo() {
        h.raw("<img class=\"brand-logo\" alt=\"\" height=\"28\"")
            .attr("src", &ui.url("/static/logo"))
            .raw(">");
    } else {
        h.raw("<span class=\"logo\" aria-hidden=\"true\">+</span>");
    }
    h.raw(" ").text(&ui.brand().name).raw("</a>");
    if let Some((s, name)) = session {
        h.raw("<nav class=\"topnav\" aria-label=\"Main\"><a")
            .attr("href", &ui.url("/"))
            .raw(">Patients</a>");
        if s.who.principal().is_admin() {
            h.raw("<a")
                .attr("href", &ui.url("/admin"))
                .raw(">Admin</a>");
        }
        h.raw("<a")
            .attr("href", &ui.url("/account"))
            .raw(" title=\"Your account\">")
            .text(name)
            .raw("</a><form method=\"post\" class=\"inline\"")
            .attr("action", &ui.url("/logout"))
            .raw("><input type=\"hidden\" name=\"csrf\"")
            .attr("value", &s.csrf)
            .raw("><button type=\"submit\" class=\"link\">Sign out</button></form></nav>");
    }
    h.raw("</header>").append(main);
    if let Some(footer) = &ui.brand().footer {
        h.raw("<footer class=\"site-footer\" role=\"contentinfo\">")
            .text(footer)
            .raw("</footer>");
    }
    h.raw("</body></html>");
    h.into_string()
}

pub(super) fn message_page(ui: &Ui, status: StatusCode, title: &str, text: &str) -> Response {
    let mut m = Html::new();
    m.raw("<main id=\"main\" class=\"narrow\"><section class=\"card\"><h1>")
        .text(title)
        .raw("</h1><p>")
        .text(text)
        .raw("</p><p><a")
        .attr("href", &ui.url("/"))
        .raw(">Back to the patient list</a></p></section></main>");
    page(status, layout(ui, title, None, m), &[])
}

fn not_found(ui: &Ui) -> Response {
    message_page(
        ui,
        StatusCode::NOT_FOUND,
        "Not found",
        "There is no page at this address.",
    )
}

fn forbidden(ui: &Ui) -> Response {
    message_page(
        ui,
        StatusCode::FORBIDDEN,
        "Form expired",
        "This form has expired or did not come from this site, so nothing was changed. Reload the page and try again.",
    )
}

pub(super) fn server_error(ui: &Ui, e: &dyn std::fmt::Display) -> Response {
    tracing::warn!(error = %e, "web UI page failed");
    message_page(
        ui,
        StatusCode::INTERNAL_SERVER_ERROR,
        "Something went wrong",
        "The page could not be shown. Try again in a moment.",
    )
}

// ---- login, logout, sign-up

/// The login CSRF value of this visitor: the cookie's, or a fresh one to set.
fn login_csrf(req: &UiRequest) -> (String, bool) {
    match cookie(&req.headers, LOGIN_COOKIE).filter(|v| v.len() >= 32) {
        Some(v) => (v, false),
        None => (random().unwrap_or_default(), true),
    }
}

/// The login form (also shown to a signed-in visitor, who may sign in as someone else:
/// the new session then replaces the old one).
async fn login_page(ui: &Ui, req: &UiRequest, failed: Option<&str>) -> Response {
    // Where to go after login: the query's `next`, or the failed form's.
    let form = req.form();
    let next = if failed.is_some() {
        field(&form, "next")
    } else {
        req.param("next")
    }
    .unwrap_or("/")
    .to_owned();
    let next = if safe_next(&next) {
        next
    } else {
        "/".to_owned()
    };
    let (csrf, fresh) = login_csrf(req);
    let mut m = Html::new();
    m.raw("<main id=\"main\" class=\"narrow\"><section class=\"card login\"><h1>Sign in</h1>");
    if let Some(msg) = failed {
        m.raw("<p class=\"error\" role=\"alert\">")
            .text(msg)
            .raw("</p>");
    }
    m.raw("<form method=\"post\"")
        .attr("action", &ui.url("/login"))
        .raw("><input type=\"hidden\" name=\"csrf\"")
        .attr("value", &csrf)
        .raw("><input type=\"hidden\" name=\"next\"")
        .attr("value", &next)
        .raw("><label for=\"username\">E-mail</label>")
        .raw("<input id=\"username\" name=\"username\" type=\"text\" autocomplete=\"username\" autocapitalize=\"none\" spellcheck=\"false\" required autofocus>")
        .raw("<label for=\"password\">Password</label>")
        .raw("<input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required>")
        .raw("<button type=\"submit\" class=\"primary\">Sign in</button></form>");
    if ui.container().config().ui.self_signup {
        m.raw("<p class=\"aside\">No account? <a")
            .attr("href", &ui.url("/signup"))
            .raw(">Create one</a></p>");
    }
    m.raw("</section></main>");
    let status = if failed.is_some() {
        StatusCode::UNAUTHORIZED
    } else {
        StatusCode::OK
    };
    let mut r = page(status, layout(ui, "Sign in", None, m), &[]);
    if fresh {
        ui.set_cookie(&mut r, LOGIN_COOKIE, Some(&csrf));
    }
    r
}

/// The one answer for every failed login (unknown user, wrong password, locked,
/// disabled), so the page tells nothing about which accounts exist.
const LOGIN_FAILED: &str = "That e-mail and password do not match an account.";

async fn login_post(ui: &Ui, req: &UiRequest) -> Response {
    let form = req.form();
    let expected = cookie(&req.headers, LOGIN_COOKIE).unwrap_or_default();
    if expected.len() < 32 || !csrf_matches(&expected, field(&form, "csrf")) {
        return forbidden(ui);
    }
    let user = field(&form, "username").unwrap_or("").trim();
    let password = field(&form, "password").unwrap_or("");
    let container = ui.container();
    let grant = match glue::login(container, user, password).await {
        Ok(g) => g,
        Err(e) if e.kind() == AuthErrorKind::Internal || e.kind() == AuthErrorKind::Unavailable => {
            return server_error(ui, &e);
        }
        Err(_) => return login_page(ui, req, Some(LOGIN_FAILED)).await,
    };
    // Rotation: whatever session this browser had ends now.
    if let Some(old) = ui.session(&req.headers).await {
        ui.forget(&old.token);
        let _ = glue::logout(container, &old.who).await;
    }
    let next = field(&form, "next").filter(|n| safe_next(n)).unwrap_or("/");
    let mut r = redirect(ui, next);
    ui.set_cookie(
        &mut r,
        SESSION_COOKIE,
        Some(&session_cookie_value(&grant.token, &grant.secret)),
    );
    ui.set_cookie(&mut r, LOGIN_COOKIE, None);
    r
}

async fn logout(ui: &Ui, req: &UiRequest) -> Response {
    let Some(s) = ui.session(&req.headers).await else {
        let mut r = redirect(ui, "/login");
        ui.set_cookie(&mut r, SESSION_COOKIE, None);
        return r;
    };
    if !csrf_matches(&s.csrf, field(&req.form(), "csrf")) {
        return forbidden(ui);
    }
    ui.forget(&s.token);
    if let Err(e) = glue::logout(ui.container(), &s.who).await {
        return server_error(ui, &e);
    }
    let mut r = redirect(ui, "/login");
    ui.set_cookie(&mut r, SESSION_COOKIE, None);
    r
}

fn signup_page(ui: &Ui, req: &UiRequest, failed: Option<&str>) -> Response {
    let (csrf, fresh) = login_csrf(req);
    let mut m = Html::new();
    m.raw("<main id=\"main\" class=\"narrow\"><section class=\"card login\"><h1>Create an account</h1>");
    if let Some(msg) = failed {
        m.raw("<p class=\"error\" role=\"alert\">")
            .text(msg)
            .raw("</p>");
    }
    m.raw("<form method=\"post\"")
        .attr("action", &ui.url("/signup"))
        .raw("><input type=\"hidden\" name=\"csrf\"")
        .attr("value", &csrf)
        .raw("><label for=\"username\">E-mail</label>")
        .raw("<input id=\"username\" name=\"username\" type=\"email\" autocomplete=\"username\" required>")
        .raw("<label for=\"password\">Password</label>")
        .raw("<input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"new-password\" required>")
        .raw("<button type=\"submit\" class=\"primary\">Create account</button></form><p class=\"aside\"><a")
        .attr("href", &ui.url("/login"))
        .raw(">Back to sign in</a></p></section></main>");
    let status = if failed.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let mut r = page(status, layout(ui, "Create an account", None, m), &[]);
    if fresh {
        ui.set_cookie(&mut r, LOGIN_COOKIE, Some(&csrf));
    }
    r
}

async fn signup_post(ui: &Ui, req: &UiRequest) -> Response {
    let form = req.form();
    let expected = cookie(&req.headers, LOGIN_COOKIE).unwrap_or_default();
    if expected.len() < 32 || !csrf_matches(&expected, field(&form, "csrf")) {
        return forbidden(ui);
    }
    let user = field(&form, "username").unwrap_or("").trim();
    let password = field(&form, "password").unwrap_or("");
    let container = ui.container();
    if let Err(e) = glue::register(container, user, password).await {
        return signup_page(ui, req, Some(&format!("The account was not created: {e}")));
    }
    login_post(ui, req).await
}

// ---- patient list

async fn patient_list(ui: &Ui, req: &UiRequest, s: &Session) -> Response {
    let panel = match picker::panel(ui, req, "/", &RowLink::RecordView).await {
        Ok(p) => p,
        Err(e) => return server_error(ui, &e),
    };
    let name = glue::full_name(ui.container(), &s.user).await;
    let mut m = Html::new();
    m.raw("<main id=\"main\" class=\"wide\"><h1>Patients</h1>")
        .append(panel)
        .raw("</main>");
    page(
        StatusCode::OK,
        layout(ui, "Patients", Some((s, &name)), m),
        &[],
    )
}

// ---- record view

async fn record_view(ui: &Ui, s: &Session, id: &str, launch_now: Option<&str>) -> Response {
    let container = ui.container();
    let Ok(record) = RecordId::new(id) else {
        return not_found(ui);
    };
    let patient = match patients::patient(container, &record).await {
        Ok(Some(p)) => p,
        Ok(None) => return not_found(ui),
        Err(e) => return server_error(ui, &e),
    };
    let apps = match glue::apps_for(container, &s.user).await {
        Ok(a) => a,
        Err(e) => return server_error(ui, &e),
    };
    let name = glue::full_name(container, &s.user).await;
    let mut origins: Vec<String> = Vec::new();
    let mut m = Html::new();
    m.raw("<div class=\"record\"><section class=\"patient-header\" aria-label=\"Patient\"><h1>")
        .text(&patient.full_name())
        .raw("</h1><dl><div><dt>Sex</dt><dd>")
        .text(&patient.gender)
        .raw("</dd></div><div><dt>Born</dt><dd>")
        .text(&patient.birth_date)
        .raw("</dd></div><div><dt>Age</dt><dd>")
        .text(&patient.age().map(|a| a.to_string()).unwrap_or_default())
        .raw("</dd></div><div><dt>Record</dt><dd>")
        .text(&patient.id)
        .raw("</dd></div></dl>");
    // The showcase visitor sees every app, and shares nothing.
    let visitor = super::showcase::is_visitor(ui, s);
    if !visitor {
        m.raw("<p class=\"aside\"><a class=\"share-link\"")
            .attr(
                "href",
                &ui.url(&format!(
                    "/account?{}#share",
                    serde_urlencoded::to_string([("share", patient.id.as_str())])
                        .unwrap_or_default()
                )),
            )
            .raw(">Share an app on this record…</a></p>");
    }
    m.raw("</section>")
        .raw("<nav id=\"app-sidebar\" aria-label=\"Apps\"><h2>Apps</h2>");
    let chosen: Vec<_> = apps.iter().filter(|a| a.chosen || visitor).collect();
    if chosen.is_empty() {
        m.raw("<p class=\"empty\">No apps chosen. <a")
            .attr("href", &ui.url("/account"))
            .raw(">Choose apps</a></p>");
    }
    for app in chosen {
        let mf = &app.manifest;
        for url in [mf.index.as_deref(), mf.icon.as_deref()]
            .into_iter()
            .flatten()
        {
            if let Some(o) = launch::origin_of(url) {
                if !origins.contains(&o) {
                    origins.push(o);
                }
            }
        }
        let scope = match mf.scope {
            Some(Scope::Container) => "container",
            _ => "record",
        };
        m.raw("<button type=\"button\" class=\"app-launcher\"")
            .attr("data-app-id", &mf.id)
            .attr("data-mode", mf.mode.as_str())
            .attr(
                "data-standalone",
                if mf.standalone == Some(true) {
                    "true"
                } else {
                    "false"
                },
            )
            .attr("data-scope", scope)
            .attr("title", &mf.description)
            .raw(">");
        match mf
            .icon
            .as_deref()
            .filter(|i| launch::origin_of(i).is_some())
        {
            Some(icon) => {
                m.raw("<img alt=\"\" width=\"24\" height=\"24\"")
                    .attr("src", icon)
                    .raw(">");
            }
            None => {
                m.raw("<span class=\"app-icon\" aria-hidden=\"true\">")
                    .text(&mf.name.chars().next().unwrap_or('?').to_string())
                    .raw("</span>");
            }
        }
        m.raw("<span class=\"app-name\">")
            .text(&mf.name)
            .raw("</span></button>");
    }
    let (dev_apps, dev_origins) = super::dev_launch::sidebar(ui, s, &patient.id).await;
    m.append(dev_apps);
    for o in dev_origins {
        if !origins.contains(&o) {
            origins.push(o);
        }
    }
    m.raw("</nav><div class=\"work\"><div id=\"app-tabs\" role=\"tablist\" aria-label=\"Open apps\"></div>")
        .raw("<main id=\"app-pane\"></main>")
        .raw("<div id=\"app-status\" role=\"status\" aria-live=\"polite\"></div></div></div>");
    let data = serde_json::json!({
        "csrf": s.csrf,
        "base": ui.base(),
        "user": {"id": s.user.as_str(), "full_name": name},
        "record": {"id": patient.id, "full_name": patient.full_name()},
        // An app to open at once (just registered by "Launch by URL").
        "launch": launch_now.unwrap_or(""),
    });
    m.json_block("smart-page", &data)
        .raw("<script")
        .attr("src", &ui.url("/static/connect-host.js"))
        .raw("></script>");
    let body = layout(ui, &patient.full_name(), Some((s, &name)), m)
        // The record view's main region is the app pane.
        .replacen("href=\"#main\"", "href=\"#app-pane\"", 1);
    page(StatusCode::OK, body, &origins)
}

// ---- account

async fn account_page(
    ui: &Ui,
    s: &Session,
    done: Option<&str>,
    failed: Option<&str>,
    status: StatusCode,
) -> Response {
    account_page_with(ui, s, done, failed, status, (None, None)).await
}

/// The account page; `share` is the record to prefill in the shared-link form and the
/// URL of a link just made.
async fn account_page_with(
    ui: &Ui,
    s: &Session,
    done: Option<&str>,
    failed: Option<&str>,
    status: StatusCode,
    share: (Option<&str>, Option<&str>),
) -> Response {
    let container = ui.container();
    let apps = match glue::apps_for(container, &s.user).await {
        Ok(a) => a,
        Err(e) => return server_error(ui, &e),
    };
    let name = glue::full_name(container, &s.user).await;
    let mut m = Html::new();
    m.raw(
        "<main id=\"main\" class=\"narrow\"><h1>Your account</h1><p class=\"aside\">Signed in as ",
    )
    .text(s.user.as_str())
    .raw("</p>");
    let notice = match done {
        Some("password") => Some("Your password was changed."),
        Some("apps") => Some("Your app list was saved."),
        Some("sessions") => Some("Every other session was signed out."),
        Some("approval") => Some("The approval was revoked."),
        Some("link") => Some("The shared link was revoked."),
        _ => None,
    };
    if let Some(n) = notice {
        m.raw("<p class=\"notice\" role=\"status\">")
            .text(n)
            .raw("</p>");
    }
    if let Some(f) = failed {
        m.raw("<p class=\"error\" role=\"alert\">")
            .text(f)
            .raw("</p>");
    }
    let hidden = |m: &mut Html| {
        m.raw("<input type=\"hidden\" name=\"csrf\"")
            .attr("value", &s.csrf)
            .raw(">");
    };
    // Password.
    m.raw("<section class=\"card\"><h2>Change password</h2><form method=\"post\"")
        .attr("action", &ui.url("/account/password"))
        .raw(">");
    hidden(&mut m);
    m.raw("<label for=\"current\">Current password</label><input id=\"current\" name=\"current\" type=\"password\" autocomplete=\"current-password\" required>")
        .raw("<label for=\"new\">New password</label><input id=\"new\" name=\"new\" type=\"password\" autocomplete=\"new-password\" required>")
        .raw("<button type=\"submit\" class=\"primary\">Change password</button></form></section>");
    // Apps.
    m.raw("<section class=\"card\"><h2>Apps in the sidebar</h2><form method=\"post\"")
        .attr("action", &ui.url("/account/apps"))
        .raw(">");
    hidden(&mut m);
    if apps.is_empty() {
        m.raw("<p class=\"empty\">No apps are registered in this container.</p>");
    } else {
        m.raw("<fieldset><legend>Show these apps</legend>");
        for (i, app) in apps.iter().enumerate() {
            let id = format!("app-{i}");
            m.raw("<div class=\"check\"><input type=\"checkbox\" name=\"app\"")
                .attr("id", &id)
                .attr("value", &app.manifest.id)
                .flag("checked", app.chosen)
                .raw("><label")
                .attr("for", &id)
                .attr("title", &app.manifest.description)
                .raw(">")
                .text(&app.manifest.name)
                .raw("</label></div>");
        }
        m.raw("</fieldset><button type=\"submit\" class=\"primary\">Save</button>");
    }
    m.raw("</form></section>");
    // Remembered approvals of standalone apps.
    match approve::remembered(ui, s).await {
        Ok(section) => {
            m.append(section);
        }
        Err(e) => return server_error(ui, &e),
    }
    m.append(super::share::links_section(ui, s, share.0, share.1).await);
    // Sessions.
    m.raw("<section class=\"card\"><h2>Other sessions</h2><p>Sign out every other browser where you are signed in (and the apps launched there). Confirm with your password.</p><form method=\"post\"")
        .attr("action", &ui.url("/account/sessions"))
        .raw(">");
    hidden(&mut m);
    m.raw("<label for=\"sessions-password\">Password</label><input id=\"sessions-password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required>")
        .raw("<button type=\"submit\">Sign out other sessions</button></form></section></main>");
    page(status, layout(ui, "Your account", Some((s, &name)), m), &[])
}

async fn change_password(ui: &Ui, s: &Session, form: &[(String, String)]) -> Response {
    let current = field(form, "current").unwrap_or("");
    let new = field(form, "new").unwrap_or("");
    match glue::change_password(ui.container(), &s.who, &s.user, current, new).await {
        Ok(()) => redirect(ui, "/account?done=password"),
        Err(e) => {
            let msg = match e.kind() {
                AuthErrorKind::Unauthenticated | AuthErrorKind::Forbidden => {
                    "The current password is not right; nothing was changed.".to_owned()
                }
                AuthErrorKind::BadRequest => format!("The new password was refused: {e}"),
                _ => return server_error(ui, &e),
            };
            account_page(ui, s, None, Some(&msg), StatusCode::BAD_REQUEST).await
        }
    }
}

async fn choose_apps(ui: &Ui, s: &Session, form: &[(String, String)]) -> Response {
    let container = ui.container();
    let apps = match glue::apps_for(container, &s.user).await {
        Ok(a) => a,
        Err(e) => return server_error(ui, &e),
    };
    let wanted: Vec<&str> = form
        .iter()
        .filter(|(k, _)| k == "app")
        .map(|(_, v)| v.as_str())
        .collect();
    for app in &apps {
        let on = wanted.contains(&app.manifest.id.as_str());
        if on != app.chosen {
            if let Err(e) = glue::choose_app(container, &s.user, &app.manifest.id, on).await {
                return server_error(ui, &e);
            }
        }
    }
    redirect(ui, "/account?done=apps")
}

async fn sign_out_others(ui: &Ui, s: &Session, form: &[(String, String)]) -> Response {
    let container = ui.container();
    let password = field(form, "password").unwrap_or("");
    // The password is checked first (by a login), so a wrong one changes nothing.
    match glue::login(container, s.user.as_str(), password).await {
        Ok(_) => {}
        Err(_) => {
            return account_page(
                ui,
                s,
                None,
                Some("The password is not right; nothing was changed."),
                StatusCode::BAD_REQUEST,
            )
            .await;
        }
    };
    if let Err(e) = glue::revoke_all_sessions(container, &s.user, &s.token).await {
        return server_error(ui, &e);
    }
    ui.forget(&s.token);
    // The session of that check was revoked with the others: this one survives.
    let grant = match glue::login(container, s.user.as_str(), password).await {
        Ok(g) => g,
        Err(e) => return server_error(ui, &e),
    };
    let mut r = redirect(ui, "/account?done=sessions");
    ui.set_cookie(
        &mut r,
        SESSION_COOKIE,
        Some(&session_cookie_value(&grant.token, &grant.secret)),
    );
    r
}

// ---- static files

fn static_file(name: &str) -> Response {
    let (body, content_type): (&'static str, &'static str) = match name {
        "style.css" => (include_str!("assets/style.css"), "text/css; charset=utf-8"),
        "connect-host.js" => (
            include_str!("assets/connect-host.js"),
            "text/javascript; charset=utf-8",
        ),
        _ => return plain(StatusCode::NOT_FOUND, "no such file"),
    };
    let mut r = axum::response::IntoResponse::into_response((
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    ));
    super::secure_headers(&mut r, &[]);
    r
}
