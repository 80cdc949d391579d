//! Accounts: list, create, disable and enable, reset a password, grant or remove the
//! administrator role. An administrator cannot disable themselves or remove their own
//! role (so there is always someone to undo a mistake).

use super::form::Form;
use super::{Notice, admin_page, button_form, csrf_input, offset, pager, time_text};
use crate::ui::html::Html;
use crate::ui::pages::server_error;
use crate::ui::session::Session;
use crate::ui::{Ui, UiRequest, redirect};
use axum::http::StatusCode;
use axum::response::Response;
use smart_auth::directory::{Account, AccountQuery, AccountState, AccountUpdate, Page};
use smart_auth::{AuthError, AuthErrorKind, UserId};

/// Accounts per page.
const PAGE_SIZE: u32 = 50;

/// `GET /admin/accounts`.
pub(super) async fn page(ui: &Ui, req: &UiRequest, s: &Session, notice: Notice) -> Response {
    render(ui, s, offset(req), notice, StatusCode::OK).await
}

async fn render(ui: &Ui, s: &Session, offset: u64, notice: Notice, status: StatusCode) -> Response {
    let accounts = &ui.container().provider().stores().accounts;
    let listed = match accounts
        .search_accounts(&AccountQuery::all(), Page::new(offset, PAGE_SIZE))
        .await
    {
        Ok(l) => l,
        Err(e) => return server_error(ui, &e),
    };
    let mut m = Html::new();
    notice.render(&mut m);
    m.raw("<div class=\"table-wrap\"><table class=\"admin\" id=\"accounts\"><thead><tr>")
        .raw("<th scope=\"col\">E-mail</th><th scope=\"col\">Name</th><th scope=\"col\">State</th>")
        .raw("<th scope=\"col\">Role</th><th scope=\"col\">Last login</th><th scope=\"col\">Actions</th>")
        .raw("</tr></thead><tbody>");
    for a in &listed.items {
        row(&mut m, ui, s, a);
    }
    m.raw("</tbody></table></div>");
    if listed.items.is_empty() {
        m.raw("<p class=\"empty\">No accounts.</p>");
    }
    pager(
        &mut m,
        offset,
        u64::from(PAGE_SIZE),
        listed.next.is_some(),
        |o| ui.url(&format!("/admin/accounts?offset={o}")),
    );
    create_form(&mut m, ui, s);
    admin_page(ui, s, status, "Accounts", "/admin/accounts", m).await
}

fn row(m: &mut Html, ui: &Ui, s: &Session, a: &Account) {
    let me = a.id == s.user;
    let name = format!("{} {}", a.given_name, a.family_name);
    m.raw("<tr")
        .attr("data-account", a.id.as_str())
        .raw("><td>");
    m.text(a.id.as_str());
    if me {
        m.raw(" <span class=\"aside\">(you)</span>");
    }
    m.raw("</td><td>")
        .text(name.trim())
        .raw("</td><td class=\"state\">")
        .text(a.state.as_str())
        .raw("</td><td class=\"role\">")
        .text(if a.admin { "administrator" } else { "user" })
        .raw("</td><td>")
        .text(&a.last_login_at.map(time_text).unwrap_or_default())
        .raw("</td><td class=\"actions\">");
    let id = a.id.as_str();
    if !me {
        let (action, label) = if a.state == AccountState::Active {
            ("disable", "Disable")
        } else {
            ("enable", "Enable")
        };
        button_form(
            m,
            ui,
            s,
            "/admin/accounts/state",
            &[("user", id), ("action", action)],
            label,
            "small",
        );
        let (admin, label) = if a.admin {
            ("0", "Remove admin")
        } else {
            ("1", "Make admin")
        };
        button_form(
            m,
            ui,
            s,
            "/admin/accounts/role",
            &[("user", id), ("admin", admin)],
            label,
            "small",
        );
    }
    m.raw("<form method=\"post\" class=\"inline reset\"")
        .attr("action", &ui.url("/admin/accounts/password"))
        .raw(">");
    csrf_input(m, s);
    m.raw("<input type=\"hidden\" name=\"user\"")
        .attr("value", id)
        .raw("><input type=\"password\" name=\"password\" autocomplete=\"new-password\" required")
        .attr("aria-label", &format!("New password for {id}"))
        .raw(" placeholder=\"New password\"><button type=\"submit\" class=\"small\">Reset password</button></form></td></tr>");
}

fn create_form(m: &mut Html, ui: &Ui, s: &Session) {
    m.raw("<section class=\"card\"><h2>Create an account</h2><form method=\"post\" id=\"create-account\"")
        .attr("action", &ui.url("/admin/accounts/create"))
        .raw(">");
    csrf_input(m, s);
    m.raw("<label for=\"new-email\">E-mail</label><input id=\"new-email\" name=\"email\" type=\"email\" required>")
        .raw("<label for=\"new-given\">Given name</label><input id=\"new-given\" name=\"given_name\" type=\"text\">")
        .raw("<label for=\"new-family\">Family name</label><input id=\"new-family\" name=\"family_name\" type=\"text\">")
        .raw("<label for=\"new-password\">Password (leave empty: the account stays inactive until a reset)</label>")
        .raw("<input id=\"new-password\" name=\"password\" type=\"password\" autocomplete=\"new-password\">")
        .raw("<div class=\"check\"><input id=\"new-admin\" name=\"admin\" type=\"checkbox\" value=\"1\"><label for=\"new-admin\">Administrator</label></div>")
        .raw("<button type=\"submit\" class=\"primary\">Create account</button></form></section>");
}

/// A refusal shown on the page (400), or a failure of the container (500).
async fn refused(ui: &Ui, s: &Session, e: &AuthError, what: &str) -> Response {
    match e.kind() {
        AuthErrorKind::Internal | AuthErrorKind::Unavailable => server_error(ui, e),
        _ => fail(ui, s, &format!("{what}: {e}")).await,
    }
}

async fn fail(ui: &Ui, s: &Session, message: &str) -> Response {
    render(ui, s, 0, Notice::error(message), StatusCode::BAD_REQUEST).await
}

fn user_of(form: &Form) -> Option<UserId> {
    UserId::new(form.trimmed("user")).ok()
}

/// `POST /admin/accounts/create`.
pub(super) async fn create(ui: &Ui, s: &Session, form: &Form) -> Response {
    let provider = ui.container().provider();
    let email = form.trimmed("email");
    let password = form.text("password").filter(|p| !p.is_empty());
    let user = match provider
        .create_account(&s.who, email, password, form.checked("admin"))
        .await
    {
        Ok(u) => u,
        Err(e) => return refused(ui, s, &e, "The account was not created").await,
    };
    let (given, family) = (form.trimmed("given_name"), form.trimmed("family_name"));
    if !given.is_empty() || !family.is_empty() {
        let update = AccountUpdate::default().names(given, family);
        if let Err(e) = provider
            .stores()
            .accounts
            .update_account(&user, update, provider.now())
            .await
        {
            return fail(
                ui,
                s,
                &format!("The account was created, but its name was refused: {e}"),
            )
            .await;
        }
    }
    redirect(ui, "/admin/accounts?done=created")
}

/// `POST /admin/accounts/state`: `action` is `disable` or `enable`.
pub(super) async fn set_state(ui: &Ui, s: &Session, form: &Form) -> Response {
    let Some(user) = user_of(form) else {
        return fail(ui, s, "No such account.").await;
    };
    let state = match form.trimmed("action") {
        "disable" => AccountState::Disabled,
        "enable" => AccountState::Active,
        _ => return fail(ui, s, "Unknown action.").await,
    };
    if user == s.user && state != AccountState::Active {
        return fail(ui, s, "You cannot disable your own account.").await;
    }
    let provider = ui.container().provider();
    let account = match provider.stores().accounts.get_account(&user).await {
        Ok(Some(a)) => a,
        Ok(None) => return fail(ui, s, "No such account.").await,
        Err(e) => return server_error(ui, &e),
    };
    match provider
        .set_account_state(&s.who, &user, state, account.admin)
        .await
    {
        Ok(()) => redirect(ui, "/admin/accounts?done=state"),
        Err(e) => refused(ui, s, &e, "The state was not changed").await,
    }
}

/// `POST /admin/accounts/role`: `admin` is `1` (grant) or `0` (remove).
pub(super) async fn set_role(ui: &Ui, s: &Session, form: &Form) -> Response {
    let Some(user) = user_of(form) else {
        return fail(ui, s, "No such account.").await;
    };
    let admin = match form.trimmed("admin") {
        "1" => true,
        "0" => false,
        _ => return fail(ui, s, "Unknown role.").await,
    };
    if user == s.user && !admin {
        return fail(ui, s, "You cannot remove your own administrator role.").await;
    }
    let provider = ui.container().provider();
    let account = match provider.stores().accounts.get_account(&user).await {
        Ok(Some(a)) => a,
        Ok(None) => return fail(ui, s, "No such account.").await,
        Err(e) => return server_error(ui, &e),
    };
    match provider
        .set_account_state(&s.who, &user, account.state, admin)
        .await
    {
        Ok(()) => redirect(ui, "/admin/accounts?done=role"),
        Err(e) => refused(ui, s, &e, "The role was not changed").await,
    }
}

/// `POST /admin/accounts/password`: sets a new password through the provider's reset
/// flow (password rules, hashing, every session of the account signed out).
pub(super) async fn reset_password(ui: &Ui, s: &Session, form: &Form) -> Response {
    let Some(user) = user_of(form) else {
        return fail(ui, s, "No such account.").await;
    };
    let password = form.text("password").unwrap_or("");
    let provider = ui.container().provider();
    let ui_principal = provider.internal_ui();
    let code = match provider
        .request_password_reset(&ui_principal, user.as_str())
        .await
    {
        Ok(Some(c)) => c,
        Ok(None) => {
            return fail(
                ui,
                s,
                "Only an active or not yet activated account can get a new password; enable it first.",
            )
            .await;
        }
        Err(e) => return refused(ui, s, &e, "The password was not reset").await,
    };
    match provider
        .reset_password(&ui_principal, code.code.expose(), password)
        .await
    {
        Ok(_) => redirect(ui, "/admin/accounts?done=password"),
        Err(e) => refused(ui, s, &e, "The password was not reset").await,
    }
}
