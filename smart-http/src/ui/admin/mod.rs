//! The administration pages, for accounts with the administrator role only: accounts,
//! apps, records and the access log.
//!
//! Every path under `/admin` answers 403 to anyone else, for GET and POST alike, before
//! anything else is looked at (the role is read from the directory at each request, so a
//! removed role takes effect at once). Every POST then needs the session's CSRF token;
//! forms that carry files are `multipart/form-data` ([`form`]). Changes answer with a
//! redirect to the page and a notice (post/redirect/get); refusals re-render the page
//! with the error next to the field, status 400.
//!
//! | path | what |
//! |---|---|
//! | `GET /admin` | to the accounts page |
//! | `GET /admin/accounts`, `POST /admin/accounts/{create,state,role,password}` | [`accounts`] |
//! | `GET /admin/apps`, `POST /admin/apps/{register,replace,delete,secret,rotate,switches}` | [`apps`] |
//! | `GET /admin/records`, `POST /admin/records/{delete,import}` | [`records`] |
//! | `GET /admin/log` | the access log ([`log`]) |

mod accounts;
mod apps;
mod form;
mod log;
mod records;

use super::html::Html;
use super::pages::{layout, message_page, server_error};
use super::session::{Session, csrf_matches};
use super::{Ui, UiRequest, glue, page, plain, redirect};
use axum::http::StatusCode;
use axum::response::Response;
use form::Form;
use smart_auth::directory::AccountState;

/// Whether a UI-local path is an admin page.
pub(super) fn is_admin_path(local: &str) -> bool {
    local == "/admin" || local.starts_with("/admin/")
}

/// Answers an admin path for a signed-in user.
pub(super) async fn dispatch(
    ui: &Ui,
    req: &UiRequest,
    s: &Session,
    get: bool,
    post: bool,
) -> Response {
    match is_admin(ui, s).await {
        Ok(true) => {}
        Ok(false) => return not_admin(ui),
        Err(e) => return server_error(ui, &e),
    }
    let local = req.local.as_str();
    if post {
        let Some(form) = Form::parse(&req.headers, &req.body) else {
            return plain(StatusCode::BAD_REQUEST, "the form body is malformed");
        };
        if !csrf_matches(&s.csrf, form.text("csrf")) {
            return message_page(
                ui,
                StatusCode::FORBIDDEN,
                "Form expired",
                "This form has expired or did not come from this site, so nothing was changed. Reload the page and try again.",
            );
        }
        return match local {
            "/admin/accounts/create" => accounts::create(ui, s, &form).await,
            "/admin/accounts/state" => accounts::set_state(ui, s, &form).await,
            "/admin/accounts/role" => accounts::set_role(ui, s, &form).await,
            "/admin/accounts/password" => accounts::reset_password(ui, s, &form).await,
            "/admin/apps/register" => apps::register(ui, s, &form).await,
            "/admin/apps/replace" => apps::replace(ui, s, &form).await,
            "/admin/apps/delete" => apps::delete(ui, s, &form).await,
            "/admin/apps/secret" => apps::show_secret(ui, s, &form, false).await,
            "/admin/apps/rotate" => apps::show_secret(ui, s, &form, true).await,
            "/admin/apps/switches" => apps::switches(ui, s, &form).await,
            "/admin/records/delete" => records::delete(ui, s, &form).await,
            "/admin/records/import" => records::import(ui, s, &form).await,
            _ => not_found(ui),
        };
    }
    if !get {
        return plain(StatusCode::METHOD_NOT_ALLOWED, "method not allowed");
    }
    match local {
        "/admin" | "/admin/" => redirect(ui, "/admin/accounts"),
        "/admin/accounts" => accounts::page(ui, req, s, Notice::from_query(req)).await,
        "/admin/apps" => apps::page(ui, s, Notice::from_query(req)).await,
        "/admin/records" => records::page(ui, req, s, Notice::from_query(req)).await,
        "/admin/log" => log::page(ui, req, s).await,
        _ => not_found(ui),
    }
}

/// Whether the session's account has the administrator role now (and is active).
async fn is_admin(ui: &Ui, s: &Session) -> Result<bool, smart_auth::error::StorageError> {
    if !s.who.principal().is_admin() {
        return Ok(false);
    }
    let account = ui
        .container()
        .provider()
        .stores()
        .accounts
        .get_account(&s.user)
        .await?;
    Ok(account.is_some_and(|a| a.admin && a.state == AccountState::Active))
}

fn not_admin(ui: &Ui) -> Response {
    message_page(
        ui,
        StatusCode::FORBIDDEN,
        "Administrators only",
        "This page is for accounts with the administrator role.",
    )
}

fn not_found(ui: &Ui) -> Response {
    message_page(
        ui,
        StatusCode::NOT_FOUND,
        "Not found",
        "There is no page at this address.",
    )
}

/// What a page says at its top: a notice after a change, or an error.
#[derive(Debug, Default)]
pub(super) struct Notice {
    done: Option<String>,
    error: Option<String>,
}

impl Notice {
    /// The notice named by the query's `done` (after a redirect).
    fn from_query(req: &UiRequest) -> Self {
        Self {
            done: req.param("done").map(done_text).map(str::to_owned),
            error: None,
        }
    }

    fn error(message: impl Into<String>) -> Self {
        Self {
            done: None,
            error: Some(message.into()),
        }
    }

    fn render(&self, m: &mut Html) {
        if let Some(d) = &self.done {
            m.raw("<p class=\"notice\" role=\"status\">")
                .text(d)
                .raw("</p>");
        }
        if let Some(e) = &self.error {
            m.raw("<p class=\"error\" role=\"alert\">")
                .text(e)
                .raw("</p>");
        }
    }
}

/// The fixed notices a redirect may name (never text from the query itself).
fn done_text(key: &str) -> &'static str {
    match key {
        "created" => "The account was created.",
        "state" => "The account's state was changed.",
        "role" => "The account's role was changed.",
        "password" => "The password was reset; the account's sessions were signed out.",
        "registered" => "The app was registered.",
        "updated" => "The app's manifest was replaced.",
        "deleted-app" => "The app was deleted.",
        "switches" => "The app's settings were saved.",
        "deleted-record" => "The record was deleted.",
        _ => "Done.",
    }
}

/// An admin page: the section navigation, then `main`.
async fn admin_page(
    ui: &Ui,
    s: &Session,
    status: StatusCode,
    title: &str,
    section: &str,
    body: Html,
) -> Response {
    let name = glue::full_name(ui.container(), &s.user).await;
    let mut m = Html::new();
    m.raw("<main id=\"main\" class=\"wide admin\"><nav class=\"admin-nav\" aria-label=\"Administration\">");
    for (path, label) in [
        ("/admin/accounts", "Accounts"),
        ("/admin/apps", "Apps"),
        ("/admin/records", "Records"),
        ("/admin/log", "Access log"),
    ] {
        m.raw("<a").attr("href", &ui.url(path));
        if path == section {
            m.raw(" aria-current=\"page\"");
        }
        m.raw(">").text(label).raw("</a>");
    }
    m.raw("</nav><h1>").text(title).raw("</h1>");
    m.append(body);
    m.raw("</main>");
    page(status, layout(ui, title, Some((s, &name)), m), &[])
}

/// The hidden CSRF input of every form.
fn csrf_input(m: &mut Html, s: &Session) {
    m.raw("<input type=\"hidden\" name=\"csrf\"")
        .attr("value", &s.csrf)
        .raw(">");
}

/// A one-button POST form with hidden fields.
fn button_form(
    m: &mut Html,
    ui: &Ui,
    s: &Session,
    action: &str,
    hidden: &[(&'static str, &str)],
    label: &str,
    class: &'static str,
) {
    m.raw("<form method=\"post\" class=\"inline\"")
        .attr("action", &ui.url(action))
        .raw(">");
    csrf_input(m, s);
    for (name, value) in hidden {
        m.raw("<input type=\"hidden\"")
            .attr("name", name)
            .attr("value", value)
            .raw(">");
    }
    m.raw("<button type=\"submit\"")
        .attr("class", class)
        .raw(">")
        .text(label)
        .raw("</button></form>");
}

/// The offset of a paged listing from the query.
fn offset(req: &UiRequest) -> u64 {
    req.param("offset")
        .and_then(|o| o.parse().ok())
        .unwrap_or(0)
}

/// "Previous" and "Next" links for a paged listing; `link` builds the URL of an offset.
fn pager(m: &mut Html, offset: u64, size: u64, has_next: bool, link: impl Fn(u64) -> String) {
    if offset == 0 && !has_next {
        return;
    }
    m.raw("<nav class=\"pager\" aria-label=\"Pages\">");
    if offset > 0 {
        m.raw("<a rel=\"prev\"")
            .attr("href", &link(offset.saturating_sub(size)))
            .raw(">Previous</a>");
    }
    if has_next {
        m.raw("<a rel=\"next\"")
            .attr("href", &link(offset + size))
            .raw(">Next</a>");
    }
    m.raw("</nav>");
}

/// A time for a table: UTC, to the second.
fn time_text(t: smart_auth::Timestamp) -> String {
    t.to_utc_string().replace('T', " ").replace('Z', "")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_utc_to_the_second() {
        assert_eq!(
            time_text(smart_auth::Timestamp::from_unix_millis(1_700_000_000_123)),
            "2023-11-14 22:13:20"
        );
    }

    #[test]
    fn admin_paths() {
        assert!(is_admin_path("/admin"));
        assert!(is_admin_path("/admin/apps"));
        assert!(!is_admin_path("/administrator"));
        assert!(!is_admin_path("/account"));
    }
}
