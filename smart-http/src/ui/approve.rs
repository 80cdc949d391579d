//! The authorization page of the SMART REST 3-legged flow (`/oauth/authorize`, the
//! container manifest's `authorize_token`), and the user's remembered approvals on the
//! account page.
//!
//! A standalone app sends the user's browser to `/oauth/authorize?oauth_token=<request
//! token>`. Signed in (the login page returns here), the user sees the app (name, icon,
//! author, description), the patient (name, birth date), what the app's manifest says it
//! uses (`requires`), and where the answer goes. Approve sends the browser to the
//! **manifest's** `oauth_callback` with `oauth_token` and `oauth_verifier`; Deny sends it
//! there with `oauth_problem=user_refused`, and the request token dies. No URL of the
//! request is ever followed, so the page is no open redirect. "Remember" (off by default)
//! stores the approval, and the next request of the same app for the same patient is
//! approved without asking; the account page lists those and revokes them (with every
//! token the app holds under them).
//!
//! The page can never be framed (`X-Frame-Options: DENY`, CSP `frame-ancestors 'none'`):
//! a site cannot overlay it and trick a click on Approve. Its form carries the session's
//! CSRF token, so no other site can submit it either.

use super::html::Html;
use super::launch::origin_of;
use super::pages::{layout, message_page, server_error};
use super::session::Session;
use super::{Ui, UiRequest, field, glue, page, patients, redirect};
use crate::error::ApiError;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use smart_auth::provider::{AuthorizationRequest, Remember};
use smart_auth::{AppId, AuthError, AuthErrorKind, Timestamp};
use smart_core::RecordId;
use smart_core::manifest::AppManifest;

/// The UI-local path of the page.
pub(crate) const PATH: &str = "/oauth/authorize";

/// The UI-local path of the form that revokes a remembered approval.
pub(crate) const REVOKE_PATH: &str = "/account/approvals";

/// `GET /oauth/authorize?oauth_token=…` for a signed-in user.
pub(crate) async fn show(ui: &Ui, req: &UiRequest, s: &Session) -> Response {
    let Some(token) = req.param("oauth_token").filter(|t| !t.is_empty()) else {
        return problem(
            ui,
            StatusCode::BAD_REQUEST,
            "No authorization request",
            "This address needs an oauth_token, which the app that sent you here should have added. Go back to the app and start again.",
        );
    };
    let container = ui.container();
    let info = match glue::authorization_request(container, &s.who, token).await {
        Ok(info) => info,
        Err(e) => return refused(ui, &e),
    };
    if info.remembered {
        match glue::approve_if_remembered(container, &s.who, token).await {
            Ok(Some(approval)) => {
                return answered(
                    ui,
                    approval.redirect.as_deref(),
                    Some(approval.verifier.expose()),
                    &info.manifest,
                );
            }
            Ok(None) => {}
            Err(e) => return refused(ui, &e),
        }
    }
    render(ui, s, token, &info).await
}

/// `POST /oauth/authorize` (form: `csrf`, checked by the caller, `oauth_token`,
/// `decision` = `approve` | `deny`, optional `remember`).
pub(crate) async fn decide(ui: &Ui, s: &Session, form: &[(String, String)]) -> Response {
    let Some(token) = field(form, "oauth_token").filter(|t| !t.is_empty()) else {
        return problem(
            ui,
            StatusCode::BAD_REQUEST,
            "No authorization request",
            "The form did not say which request it answers. Go back to the app and start again.",
        );
    };
    let container = ui.container();
    // Read first, for the app's name on a page without redirect (and a clear error).
    let info = match glue::authorization_request(container, &s.who, token).await {
        Ok(info) => info,
        Err(e) => return refused(ui, &e),
    };
    match field(form, "decision") {
        Some("approve") => {
            let remember = if field(form, "remember").is_some() {
                Remember::Yes
            } else {
                Remember::No
            };
            match glue::approve(container, &s.who, token, remember).await {
                Ok(a) => answered(
                    ui,
                    a.redirect.as_deref(),
                    Some(a.verifier.expose()),
                    &info.manifest,
                ),
                Err(e) => refused(ui, &e),
            }
        }
        Some("deny") => match glue::deny(container, &s.who, token).await {
            Ok(r) => answered(ui, r.redirect.as_deref(), None, &info.manifest),
            Err(e) => refused(ui, &e),
        },
        _ => problem(
            ui,
            StatusCode::BAD_REQUEST,
            "No answer given",
            "Choose Approve or Deny on the authorization page.",
        ),
    }
}

/// Makes an answer unframeable: `X-Frame-Options: DENY` and `frame-ancestors 'none'`
/// (every answer at [`PATH`] goes through this, error pages and redirects included).
pub(crate) fn refuse_framing(response: &mut Response) {
    let h = response.headers_mut();
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    let csp = h
        .get(header::CONTENT_SECURITY_POLICY)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("default-src 'none'; frame-ancestors 'self'")
        .to_owned();
    let csp = if csp.contains("frame-ancestors 'self'") {
        csp.replace("frame-ancestors 'self'", "frame-ancestors 'none'")
    } else if csp.contains("frame-ancestors") {
        csp
    } else {
        format!("{csp}; frame-ancestors 'none'")
    };
    if let Ok(v) = HeaderValue::from_str(&csp) {
        h.insert(header::CONTENT_SECURITY_POLICY, v);
    }
}

/// Where an answer goes: the browser to the manifest's callback, or (an app without
/// callback) a page with the verifier to type into the app, or a page saying the app was
/// refused.
fn answered(
    ui: &Ui,
    redirect_to: Option<&str>,
    verifier: Option<&str>,
    manifest: &AppManifest,
) -> Response {
    if let Some(Ok(location)) = redirect_to.map(HeaderValue::from_str) {
        let mut r = StatusCode::SEE_OTHER.into_response();
        r.headers_mut().insert(header::LOCATION, location);
        super::secure_headers(&mut r, &[]);
        return r;
    }
    match verifier {
        Some(v) => {
            let mut m = Html::new();
            m.raw("<main id=\"main\" class=\"narrow\"><section class=\"card\"><h1>Access approved</h1><p>")
                .text(&format!(
                    "{} has no web address to come back to. Type this code into the app:",
                    manifest.name
                ))
                .raw("</p><p><code id=\"oauth-verifier\" class=\"verifier\">")
                .text(v)
                .raw("</code></p></section></main>");
            page(StatusCode::OK, layout(ui, "Access approved", None, m), &[])
        }
        None => message_page(
            ui,
            StatusCode::OK,
            "Access refused",
            &format!(
                "{} did not get access. You can close this window.",
                manifest.name
            ),
        ),
    }
}

/// The page for an authorization request the user cannot answer.
fn refused(ui: &Ui, e: &AuthError) -> Response {
    match refusal(e) {
        Some((status, title, text)) => problem(ui, status, title, text),
        None => server_error(ui, e),
    }
}

/// The status, title and text of the page for an error; `None` for a failure of the
/// server itself.
fn refusal(e: &AuthError) -> Option<(StatusCode, &'static str, &'static str)> {
    Some(match (e, e.kind()) {
        (AuthError::TokenExpired, _) => (
            StatusCode::GONE,
            "Request expired",
            "This authorization request has expired. Go back to the app and start again.",
        ),
        (_, AuthErrorKind::NotFound) | (AuthError::UnknownToken, _) => (
            StatusCode::NOT_FOUND,
            "Unknown request",
            "This authorization request is unknown, was refused, or has been used already. Go back to the app and start again.",
        ),
        (_, AuthErrorKind::Conflict) => (
            StatusCode::CONFLICT,
            "Already answered",
            "This authorization request has been answered already. Go back to the app and start again.",
        ),
        (_, AuthErrorKind::Forbidden) => (
            StatusCode::FORBIDDEN,
            "Not allowed",
            "Your account may not give apps access to this patient's record.",
        ),
        (_, AuthErrorKind::Internal | AuthErrorKind::Unavailable) => return None,
        _ => (
            StatusCode::BAD_REQUEST,
            "Invalid request",
            "This authorization request cannot be answered. Go back to the app and start again.",
        ),
    })
}

fn problem(ui: &Ui, status: StatusCode, title: &str, text: &str) -> Response {
    message_page(ui, status, title, text)
}

/// What a method lets an app do, in words.
fn verb(method: &str) -> &'static str {
    match method {
        "GET" => "read",
        "POST" => "add",
        "PUT" => "change",
        "DELETE" => "delete",
        _ => "use",
    }
}

/// The readable part of a class IRI (`…#Medication` → `Medication`).
fn class_label(iri: &str) -> &str {
    iri.rsplit(['#', '/'])
        .find(|s| !s.is_empty())
        .unwrap_or(iri)
}

/// `YYYY-MM-DD HH:MM UTC`.
pub(crate) fn when(t: Timestamp) -> String {
    let secs = t.as_unix_secs();
    let (y, m, d) = patients::civil_from_days(secs.div_euclid(86_400));
    let s = secs.rem_euclid(86_400);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02} UTC",
        s / 3600,
        (s / 60) % 60
    )
}

/// Where `form-action` must allow the browser to go after the form: the callback's
/// origin (a redirect after a form submission counts), or its scheme for an app-specific
/// scheme such as `smart-app:`.
fn callback_source(callback: &str) -> Option<String> {
    if let Some(origin) = origin_of(callback) {
        return Some(origin);
    }
    let (scheme, _) = callback.split_once(':')?;
    let ok = scheme
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    (ok && !matches!(scheme.to_ascii_lowercase().as_str(), "javascript" | "data"))
        .then(|| format!("{scheme}:"))
}

/// The page itself.
async fn render(ui: &Ui, s: &Session, token: &str, info: &AuthorizationRequest) -> Response {
    let container = ui.container();
    let mf = &info.manifest;
    let patient = match &info.record {
        Some(r) => match patients::patient(container, r).await {
            Ok(p) => Some(p.unwrap_or_else(|| patients::Patient {
                id: r.as_str().to_owned(),
                ..patients::Patient::default()
            })),
            Err(e) => return server_error(ui, &e),
        },
        None => None,
    };
    let name = glue::full_name(container, &s.user).await;
    let icon = mf.icon.as_deref().filter(|i| origin_of(i).is_some());
    let callback = mf
        .oauth_callback
        .as_deref()
        .filter(|c| !c.is_empty() && *c != "oob");

    let mut m = Html::new();
    m.raw("<main id=\"main\" class=\"narrow\"><section class=\"card authorize\" aria-labelledby=\"authorize-title\">")
        .raw("<div class=\"app-card\">");
    match icon {
        Some(icon) => {
            m.raw("<img class=\"app-logo\" alt=\"\" width=\"48\" height=\"48\"")
                .attr("src", icon)
                .raw(">");
        }
        None => {
            m.raw("<span class=\"app-icon\" aria-hidden=\"true\">")
                .text(&mf.name.chars().next().unwrap_or('?').to_string())
                .raw("</span>");
        }
    }
    m.raw("<div><h1 id=\"authorize-title\">")
        .text(&format!("{} asks for access", mf.name))
        .raw("</h1><p class=\"aside\" id=\"app-author\">");
    match mf.author.as_deref().filter(|a| !a.is_empty()) {
        Some(a) => {
            m.text(&format!("By {a} · {}", mf.id));
        }
        None => {
            m.text(&mf.id);
        }
    }
    m.raw("</p></div></div><p id=\"app-description\">")
        .text(&mf.description)
        .raw("</p>");

    // The patient.
    m.raw("<h2>Patient</h2>");
    match &patient {
        Some(p) => {
            m.raw("<dl class=\"facts\" id=\"authorize-patient\"><div><dt>Name</dt><dd>")
                .text(&p.full_name())
                .raw("</dd></div><div><dt>Born</dt><dd>")
                .text(&p.birth_date)
                .raw("</dd></div><div><dt>Record</dt><dd>")
                .text(&p.id)
                .raw("</dd></div></dl>");
        }
        None => {
            m.raw("<p id=\"authorize-patient\">No single patient: this app works on the container as a whole.</p>");
        }
    }

    // What the manifest says the app uses.
    m.raw("<h2>What the app says it uses</h2>");
    match mf.requires.as_ref().filter(|r| !r.is_empty()) {
        Some(requires) => {
            m.raw("<ul class=\"requires\" id=\"authorize-requires\">");
            for (class, req) in requires {
                let verbs: Vec<&str> = req.methods.iter().map(|x| verb(x.as_str())).collect();
                m.raw("<li")
                    .attr("title", class)
                    .raw("><strong>")
                    .text(class_label(class))
                    .raw("</strong>");
                if !verbs.is_empty() {
                    m.raw(": ").text(&verbs.join(", "));
                }
                m.raw("</li>");
            }
            m.raw("</ul>");
        }
        None => {
            m.raw(
                "<p id=\"authorize-requires\">The app's manifest does not list what it uses.</p>",
            );
        }
    }
    m.raw("<p class=\"aside\">If you approve, the app can use this patient's record through the container's API on your behalf, until its access expires or you revoke it.</p>");

    // Where the answer goes.
    m.raw("<p class=\"aside\" id=\"authorize-return\">");
    match callback.and_then(origin_of) {
        Some(origin) => {
            m.text(&format!("After you answer, you go back to {origin}."));
        }
        None if callback.is_some() => {
            m.text("After you answer, the app opens again.");
        }
        None => {
            m.text("This app has no web address to come back to: after you approve, you get a code to type into it.");
        }
    }
    m.text(&format!(
        " This request expires at {}.",
        when(info.expires_at)
    ))
    .raw("</p>");

    // The form.
    m.raw("<form method=\"post\" class=\"decision\"")
        .attr("action", &ui.url(PATH))
        .raw("><input type=\"hidden\" name=\"csrf\"")
        .attr("value", &s.csrf)
        .raw("><input type=\"hidden\" name=\"oauth_token\"")
        .attr("value", token)
        .raw("><div class=\"check\"><input type=\"checkbox\" id=\"remember\" name=\"remember\" value=\"yes\"><label for=\"remember\">")
        .text(&match &patient {
            Some(p) => format!(
                "Remember my approval: let {} open {}'s record again without asking (you can revoke this on your account page)",
                mf.name,
                p.full_name()
            ),
            None => format!(
                "Remember my approval: let {} in again without asking (you can revoke this on your account page)",
                mf.name
            ),
        })
        .raw("</label></div><div class=\"buttons\">")
        .raw("<button type=\"submit\" name=\"decision\" value=\"approve\" class=\"primary\">Approve</button>")
        .raw("<button type=\"submit\" name=\"decision\" value=\"deny\">Deny</button>")
        .raw("</div></form></section></main>");

    let mut r = page(
        StatusCode::OK,
        layout(ui, "Allow access?", Some((s, &name)), m),
        &[],
    );
    let images = icon.and_then(origin_of).map_or_else(
        || "'self' data:".to_owned(),
        |o| format!("'self' data: {o}"),
    );
    let forms = callback
        .and_then(callback_source)
        .map_or_else(|| "'self'".to_owned(), |o| format!("'self' {o}"));
    let csp = format!(
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src {images}; \
         connect-src 'self'; frame-src 'none'; form-action {forms}; base-uri 'none'; \
         object-src 'none'; frame-ancestors 'none'"
    );
    if let Ok(v) = HeaderValue::from_str(&csp) {
        r.headers_mut().insert(header::CONTENT_SECURITY_POLICY, v);
    }
    r
}

// ---- remembered approvals on the account page

/// The account page's section listing the user's remembered approvals, each with a
/// revoke button.
pub(crate) async fn remembered(ui: &Ui, s: &Session) -> Result<Html, ApiError> {
    let container = ui.container();
    let mut shares = glue::shares(container, &s.who, &s.user).await?;
    // Launching an app by URL grants a share too; it goes with the temporary app.
    shares.retain(|share| !share.app.is_temporary());
    let mut m = Html::new();
    m.raw("<section class=\"card\" id=\"approvals\"><h2>Remembered approvals</h2>");
    if shares.is_empty() {
        m.raw("<p class=\"empty\">You have not let any app open a patient's record without asking.</p></section>");
        return Ok(m);
    }
    m.raw("<p>These apps open these records without asking you. Revoking one also ends the access the app has now.</p>")
        .raw("<div class=\"table-wrap\"><table class=\"approvals\"><thead><tr><th scope=\"col\">App</th><th scope=\"col\">Patient</th><th scope=\"col\">Approved</th><th scope=\"col\"><span class=\"visually-hidden\">Revoke</span></th></tr></thead><tbody>");
    for share in &shares {
        let app_name = glue::manifest(container, share.app.as_str())
            .await
            .map_or_else(|| share.app.as_str().to_owned(), |mf| mf.name);
        let patient = match &share.record {
            Some(r) => match patients::patient(container, r).await? {
                Some(p) => p.full_name(),
                None => r.as_str().to_owned(),
            },
            None => "Every patient (container app)".to_owned(),
        };
        let record = share.record.as_ref().map_or("", RecordId::as_str);
        m.raw("<tr")
            .attr("data-app-id", share.app.as_str())
            .attr("data-record-id", record)
            .raw("><td>")
            .text(&app_name)
            .raw("</td><td>")
            .text(&patient)
            .raw("</td><td>")
            .text(&when(share.created_at))
            .raw("</td><td><form method=\"post\" class=\"inline\"")
            .attr("action", &ui.url(REVOKE_PATH))
            .raw("><input type=\"hidden\" name=\"csrf\"")
            .attr("value", &s.csrf)
            .raw("><input type=\"hidden\" name=\"app\"")
            .attr("value", share.app.as_str())
            .raw("><input type=\"hidden\" name=\"record\"")
            .attr("value", record)
            .raw("><button type=\"submit\" class=\"revoke\"")
            .attr("aria-label", &format!("Revoke {app_name} for {patient}"))
            .raw(">Revoke</button></form></td></tr>");
    }
    m.raw("</tbody></table></div></section>");
    Ok(m)
}

/// `POST /account/approvals` (form: `csrf`, checked by the caller, `app`, `record`,
/// empty for a container app): revokes one remembered approval and the app's tokens
/// under it.
pub(crate) async fn revoke(ui: &Ui, s: &Session, form: &[(String, String)]) -> Response {
    let Some(app) = field(form, "app").and_then(|a| AppId::new(a).ok()) else {
        return problem(
            ui,
            StatusCode::BAD_REQUEST,
            "No app given",
            "The form did not say which approval to revoke.",
        );
    };
    let record = match field(form, "record").filter(|r| !r.is_empty()) {
        None => None,
        Some(r) => match RecordId::new(r) {
            Ok(r) => Some(r),
            Err(_) => {
                return problem(
                    ui,
                    StatusCode::BAD_REQUEST,
                    "Invalid record",
                    "The form named a record id that cannot exist.",
                );
            }
        },
    };
    match glue::revoke_share(ui.container(), &s.who, &s.user, record.as_ref(), &app).await {
        Ok(()) => redirect(ui, "/account?done=approval"),
        Err(e) if e.kind() == AuthErrorKind::NotFound => problem(
            ui,
            StatusCode::NOT_FOUND,
            "No such approval",
            "That approval does not exist (any more); nothing was changed.",
        ),
        Err(e) if e.kind() == AuthErrorKind::Forbidden => problem(
            ui,
            StatusCode::FORBIDDEN,
            "Not allowed",
            "You can only revoke your own approvals.",
        ),
        Err(e) => server_error(ui, &e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_for_the_page() {
        assert_eq!(
            class_label("http://smartplatforms.org/terms#Medication"),
            "Medication"
        );
        assert_eq!(class_label("http://example.org/a/Thing/"), "Thing");
        assert_eq!(verb("GET"), "read");
        assert_eq!(verb("DELETE"), "delete");
        assert_eq!(when(Timestamp::from_unix_secs(0)), "1970-01-01 00:00 UTC");
        assert_eq!(
            when(Timestamp::from_unix_secs(
                1_764_763_200 + 3 * 3600 + 25 * 60
            )),
            "2025-12-03 15:25 UTC"
        );
    }

    #[test]
    fn each_refusal_has_its_status() {
        let status = |e: AuthError| refusal(&e).map(|(s, _, _)| s);
        assert_eq!(status(AuthError::TokenExpired), Some(StatusCode::GONE));
        assert_eq!(
            status(AuthError::NotFound("request token")),
            Some(StatusCode::NOT_FOUND)
        );
        assert_eq!(status(AuthError::UnknownToken), Some(StatusCode::NOT_FOUND));
        assert_eq!(
            status(AuthError::Conflict("approved".into())),
            Some(StatusCode::CONFLICT)
        );
        assert_eq!(
            status(AuthError::Forbidden("policy")),
            Some(StatusCode::FORBIDDEN)
        );
        assert_eq!(
            status(AuthError::Invalid("x".into())),
            Some(StatusCode::BAD_REQUEST)
        );
    }

    #[test]
    fn the_form_may_only_go_on_to_the_registered_callback() {
        assert_eq!(
            callback_source("https://app.example.org:8443/cb?x=1").as_deref(),
            Some("https://app.example.org:8443")
        );
        assert_eq!(
            callback_source("smart-app://done").as_deref(),
            Some("smart-app:")
        );
        assert_eq!(callback_source("javascript:alert(1)"), None);
        assert_eq!(callback_source("data:text/html,x"), None);
        assert_eq!(callback_source("no scheme"), None);
    }

    #[test]
    fn framing_is_refused_on_any_answer() {
        let mut r = StatusCode::OK.into_response();
        super::super::secure_headers(&mut r, &[]);
        refuse_framing(&mut r);
        let csp = r.headers()[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap();
        assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
        assert!(!csp.contains("frame-ancestors 'self'"), "{csp}");
        assert_eq!(r.headers()[header::X_FRAME_OPTIONS], "DENY");
    }
}
