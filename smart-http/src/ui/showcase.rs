//! Showcase mode (`[showcase] enabled = true`): a public, read-only demo site.
//!
//! A visitor without a session gets one of the fixed showcase account (created at the
//! first visit if missing, active, without a password, so `/login` can never open it),
//! and lands on a page of the apps and sample patients. That session is made read-only at
//! every request ([`smart_auth::Authenticated::into_read_only`]): the access policy refuses
//! its writes wherever they come from (API calls through the relay, approvals, shared
//! links), and the account pages answer 403. `/login` still works: a real account's
//! session replaces the visitor's and has its usual rights.

use super::html::Html;
use super::pages::{layout, message_page, server_error};
use super::picker::{self, RowLink};
use super::session::{SESSION_COOKIE, Session, session_cookie_value};
use super::{Ui, UiRequest, glue, page, redirect};
use axum::http::StatusCode;
use axum::response::Response;
use smart_auth::UserId;
use smart_auth::directory::{AccountState, NewAccount};

/// The showcase account, if the showcase is on.
pub(crate) fn account(ui: &Ui) -> Option<UserId> {
    let config = &ui.container().config().showcase;
    if config.enabled {
        UserId::new(&config.account).ok()
    } else {
        None
    }
}

/// True if this session is the showcase visitor's.
pub(crate) fn is_visitor(ui: &Ui, s: &Session) -> bool {
    account(ui).is_some_and(|a| a == s.user)
}

/// A visitor without a session: a showcase session, then the page asked for again.
pub(crate) async fn enter(ui: &Ui, req: &UiRequest, user: &UserId) -> Response {
    let container = ui.container();
    let directory = container.directory();
    match directory.get_account(user).await {
        Ok(Some(_)) => {}
        Ok(None) => {
            let new = NewAccount::new(user.as_str(), "Showcase", "visitor")
                .with_state(AccountState::Active);
            if let Err(e) = directory.create_account(new, glue::now(container)).await {
                // Another request may have created it at the same moment.
                if e.kind() != smart_auth::StorageErrorKind::Conflict {
                    return server_error(ui, &e);
                }
            }
        }
        Err(e) => return server_error(ui, &e),
    }
    let provider = container.provider();
    let grant = match provider
        .passwordless_session(&provider.internal_ui(), user)
        .await
    {
        Ok(g) => g,
        Err(e) => return server_error(ui, &e),
    };
    let mut next = req.local.clone();
    if !req.query.is_empty() {
        if let Ok(q) = serde_urlencoded::to_string(&req.query) {
            next = format!("{next}?{q}");
        }
    }
    let mut r = redirect(ui, &next);
    ui.set_cookie(
        &mut r,
        SESSION_COOKIE,
        Some(&session_cookie_value(&grant.token, &grant.secret)),
    );
    r
}

/// The answer to a showcase visitor's attempt to change something or to reach the
/// account pages.
pub(crate) fn refused(ui: &Ui) -> Response {
    message_page(
        ui,
        StatusCode::FORBIDDEN,
        "This is a read-only showcase",
        "Nothing can be changed here, and the showcase has no account to manage. Sign in with a real account to do more.",
    )
}

/// The landing page: the apps, and the sample patients to open them on.
pub(crate) async fn landing(ui: &Ui, req: &UiRequest, s: &Session) -> Response {
    let container = ui.container();
    let apps = match glue::apps_for(container, &s.user).await {
        Ok(a) => a,
        Err(e) => return server_error(ui, &e),
    };
    let panel = match picker::panel(ui, req, "/", &RowLink::RecordView).await {
        Ok(p) => p,
        Err(e) => return server_error(ui, &e),
    };
    let mut m = Html::new();
    m.raw("<main id=\"main\" class=\"wide showcase\"><h1>")
        .text(&ui.brand().name)
        .raw("</h1><p class=\"notice\" role=\"status\">A read-only showcase: open a sample patient and try the apps. Nothing you do is saved. <a")
        .attr("href", &ui.url("/login"))
        .raw(">Sign in</a> with a real account to do more.</p><section class=\"card\" id=\"showcase-apps\"><h2>Apps</h2>");
    if apps.is_empty() {
        m.raw("<p class=\"empty\">No apps are registered.</p>");
    } else {
        m.raw("<ul class=\"app-list\">");
        for app in &apps {
            m.raw("<li")
                .attr("data-app-id", &app.manifest.id)
                .raw("><strong>")
                .text(&app.manifest.name)
                .raw("</strong> — ")
                .text(&app.manifest.description)
                .raw("</li>");
        }
        m.raw("</ul>");
    }
    m.raw("</section><section class=\"card\" id=\"showcase-patients\"><h2>Sample patients</h2>")
        .append(panel)
        .raw("</section></main>");
    page(StatusCode::OK, layout(ui, "Showcase", None, m), &[])
}
