//! Apps: register by uploading or pasting a manifest (checked by the same function as
//! `smart apps register`, with each problem shown next to the field), replace a manifest,
//! delete, show or rotate the consumer secret, hide an app from every sidebar without
//! deleting it, and choose which apps accounts get by default.

use super::form::Form;
use super::{Notice, admin_page, button_form, csrf_input};
use crate::ui::html::Html;
use crate::ui::pages::server_error;
use crate::ui::session::Session;
use crate::ui::{Ui, redirect};
use axum::http::StatusCode;
use axum::response::Response;
use smart_auth::{AppId, AuthErrorKind};
use smart_core::manifest::AppManifest;
use smart_store::container::{ServiceErrorKind, read_manifest};
use smart_store::directory::App;

/// Problems with the submitted manifest, shown next to its field.
#[derive(Debug, Default)]
struct FieldErrors {
    /// For the register form.
    register: Vec<String>,
    /// For one app's replace form: (app id, problems).
    replace: Option<(String, Vec<String>)>,
}

/// `GET /admin/apps`.
pub(super) async fn page(ui: &Ui, s: &Session, notice: Notice) -> Response {
    render(ui, s, notice, &FieldErrors::default(), StatusCode::OK).await
}

async fn render(
    ui: &Ui,
    s: &Session,
    notice: Notice,
    errors: &FieldErrors,
    status: StatusCode,
) -> Response {
    let apps = match ui.container().provider().stores().apps.list_apps().await {
        Ok(a) => a,
        Err(e) => return server_error(ui, &e),
    };
    let mut m = Html::new();
    notice.render(&mut m);
    m.raw("<p class=\"aside\">A hidden app is in no sidebar and cannot be launched or sign requests; its data is kept. \"On by default\" apps are in the sidebar of every account that has not switched them off.</p>");
    m.raw("<div class=\"table-wrap\"><table class=\"admin\" id=\"apps\"><thead><tr>")
        .raw("<th scope=\"col\">App</th><th scope=\"col\">Mode</th><th scope=\"col\">Settings</th><th scope=\"col\">Consumer secret</th><th scope=\"col\">Manifest</th>")
        .raw("</tr></thead><tbody>");
    for app in &apps {
        row(&mut m, ui, s, app, errors);
    }
    m.raw("</tbody></table></div>");
    if apps.is_empty() {
        m.raw("<p class=\"empty\">No apps are registered.</p>");
    }
    register_form(&mut m, ui, s, &errors.register);
    admin_page(ui, s, status, "Apps", "/admin/apps", m).await
}

fn row(m: &mut Html, ui: &Ui, s: &Session, app: &App, errors: &FieldErrors) {
    let id = app.id.as_str();
    m.raw("<tr").attr("data-app", id).raw("><td><strong>");
    m.text(&app.manifest.name)
        .raw("</strong><br><code>")
        .text(id)
        .raw("</code></td><td>")
        .text(app.mode.as_str())
        .raw("</td><td><form method=\"post\" class=\"switches\"")
        .attr("action", &ui.url("/admin/apps/switches"))
        .raw(">");
    csrf_input(m, s);
    let visible_id = format!("visible-{id}");
    let default_id = format!("default-{id}");
    m.raw("<input type=\"hidden\" name=\"app\"")
        .attr("value", id)
        .raw("><div class=\"check\"><input type=\"checkbox\" name=\"visible\" value=\"1\"")
        .attr("id", &visible_id)
        .flag("checked", app.enabled)
        .raw("><label")
        .attr("for", &visible_id)
        .raw(">Shown (not hidden)</label></div><div class=\"check\"><input type=\"checkbox\" name=\"by_default\" value=\"1\"")
        .attr("id", &default_id)
        .flag("checked", app.enabled_by_default)
        .raw("><label")
        .attr("for", &default_id)
        .raw(">On by default</label></div><button type=\"submit\" class=\"small\">Save</button></form></td><td>");
    button_form(
        m,
        ui,
        s,
        "/admin/apps/secret",
        &[("app", id)],
        "Show",
        "small",
    );
    button_form(
        m,
        ui,
        s,
        "/admin/apps/rotate",
        &[("app", id)],
        "Rotate",
        "small",
    );
    m.raw("</td><td><form method=\"post\" enctype=\"multipart/form-data\" class=\"replace\"")
        .attr("action", &ui.url("/admin/apps/replace"))
        .raw(">");
    csrf_input(m, s);
    let file_id = format!("replace-{id}");
    m.raw("<input type=\"hidden\" name=\"app\"")
        .attr("value", id)
        .raw("><label class=\"visually-hidden\"")
        .attr("for", &file_id)
        .raw(">New manifest file</label><input type=\"file\" name=\"manifest_file\" accept=\".json,application/json\" required")
        .attr("id", &file_id)
        .raw(">");
    if let Some((for_app, problems)) = &errors.replace {
        if for_app == id {
            problem_list(m, problems);
        }
    }
    m.raw("<button type=\"submit\" class=\"small\">Replace</button></form>");
    button_form(
        m,
        ui,
        s,
        "/admin/apps/delete",
        &[("app", id)],
        "Delete",
        "small danger",
    );
    m.raw("</td></tr>");
}

fn problem_list(m: &mut Html, problems: &[String]) {
    m.raw("<ul class=\"error field-error\" role=\"alert\">");
    for p in problems {
        m.raw("<li>").text(p).raw("</li>");
    }
    m.raw("</ul>");
}

fn register_form(m: &mut Html, ui: &Ui, s: &Session, problems: &[String]) {
    m.raw("<section class=\"card\"><h2>Register an app</h2><form method=\"post\" enctype=\"multipart/form-data\" id=\"register-app\"")
        .attr("action", &ui.url("/admin/apps/register"))
        .raw(">");
    csrf_input(m, s);
    m.raw("<label for=\"manifest-file\">Manifest file</label>")
        .raw("<input id=\"manifest-file\" name=\"manifest_file\" type=\"file\" accept=\".json,application/json\">")
        .raw("<label for=\"manifest-json\">or paste the manifest JSON</label>")
        .raw("<textarea id=\"manifest-json\" name=\"manifest_json\" rows=\"6\" spellcheck=\"false\"></textarea>");
    if !problems.is_empty() {
        problem_list(m, problems);
    }
    m.raw("<div class=\"check\"><input id=\"register-default\" name=\"by_default\" type=\"checkbox\" value=\"1\"><label for=\"register-default\">On by default for every account</label></div>")
        .raw("<button type=\"submit\" class=\"primary\">Register</button></form></section>");
}

/// The manifest of a register or replace form: the uploaded file, else the pasted text;
/// every problem as one line (field: message).
fn submitted_manifest(form: &Form) -> Result<AppManifest, Vec<String>> {
    let text = match form.files("manifest_file").next() {
        Some(file) => match std::str::from_utf8(&file.bytes) {
            Ok(t) => t.to_owned(),
            Err(_) => return Err(vec!["the manifest file is not UTF-8 text".to_owned()]),
        },
        None => form.text("manifest_json").unwrap_or("").to_owned(),
    };
    if text.trim().is_empty() {
        return Err(vec![
            "choose a manifest file or paste the manifest JSON".to_owned(),
        ]);
    }
    read_manifest(&text).map_err(|e| {
        e.problems()
            .iter()
            .map(|p| {
                if p.field.is_empty() {
                    p.message.clone()
                } else {
                    format!("{}: {}", p.field, p.message)
                }
            })
            .collect()
    })
}

async fn register_failed(ui: &Ui, s: &Session, problems: Vec<String>) -> Response {
    let errors = FieldErrors {
        register: problems,
        replace: None,
    };
    render(
        ui,
        s,
        Notice::error("The app was not registered."),
        &errors,
        StatusCode::BAD_REQUEST,
    )
    .await
}

/// `POST /admin/apps/register` (multipart): registers an app, or replaces the manifest of
/// the app with the same id.
pub(super) async fn register(ui: &Ui, s: &Session, form: &Form) -> Response {
    let manifest = match submitted_manifest(form) {
        Ok(m) => m,
        Err(problems) => return register_failed(ui, s, problems).await,
    };
    let by_default = Some(form.checked("by_default"));
    match ui
        .container()
        .register_app(manifest, by_default, false)
        .await
    {
        Ok(done) if done.created => redirect(ui, "/admin/apps?done=registered"),
        Ok(_) => redirect(ui, "/admin/apps?done=updated"),
        Err(e) if e.kind() == ServiceErrorKind::BadRequest => {
            register_failed(ui, s, vec![e.to_string()]).await
        }
        Err(e) => server_error(ui, &e),
    }
}

/// `POST /admin/apps/replace` (multipart): a new manifest for the app `app`, which must
/// keep its id.
pub(super) async fn replace(ui: &Ui, s: &Session, form: &Form) -> Response {
    let id = form.trimmed("app").to_owned();
    let problems = match submitted_manifest(form) {
        Ok(manifest) if manifest.id != id => vec![format!(
            "id: the manifest is for app {:?}, not {id:?} (register it as a new app instead)",
            manifest.id
        )],
        Ok(manifest) => {
            match ui
                .container()
                .provider()
                .replace_app(&s.who, manifest)
                .await
            {
                Ok(()) => return redirect(ui, "/admin/apps?done=updated"),
                Err(e)
                    if matches!(
                        e.kind(),
                        AuthErrorKind::Internal | AuthErrorKind::Unavailable
                    ) =>
                {
                    return server_error(ui, &e);
                }
                Err(e) => vec![e.to_string()],
            }
        }
        Err(problems) => problems,
    };
    let errors = FieldErrors {
        register: Vec::new(),
        replace: Some((id, problems)),
    };
    render(
        ui,
        s,
        Notice::error("The manifest was not replaced."),
        &errors,
        StatusCode::BAD_REQUEST,
    )
    .await
}

async fn fail(ui: &Ui, s: &Session, message: &str) -> Response {
    render(
        ui,
        s,
        Notice::error(message),
        &FieldErrors::default(),
        StatusCode::BAD_REQUEST,
    )
    .await
}

/// `POST /admin/apps/delete`.
pub(super) async fn delete(ui: &Ui, s: &Session, form: &Form) -> Response {
    let Ok(id) = AppId::new(form.trimmed("app")) else {
        return fail(ui, s, "No such app.").await;
    };
    match ui.container().provider().delete_app(&s.who, &id).await {
        Ok(()) => redirect(ui, "/admin/apps?done=deleted-app"),
        Err(e) if e.kind() == AuthErrorKind::NotFound => fail(ui, s, "No such app.").await,
        Err(e) => server_error(ui, &e),
    }
}

/// `POST /admin/apps/switches`: shown or hidden, on by default or not.
pub(super) async fn switches(ui: &Ui, s: &Session, form: &Form) -> Response {
    let Ok(id) = smart_store::directory::AppId::new(form.trimmed("app")) else {
        return fail(ui, s, "No such app.").await;
    };
    match ui
        .container()
        .set_app_switches(&id, form.checked("visible"), form.checked("by_default"))
        .await
    {
        Ok(_) => redirect(ui, "/admin/apps?done=switches"),
        Err(e) if e.kind() == ServiceErrorKind::NotFound => fail(ui, s, "No such app.").await,
        Err(e) => server_error(ui, &e),
    }
}

/// `POST /admin/apps/secret` and `/admin/apps/rotate`: a page with the app's consumer
/// credentials (after rotation, the new secret; it is not shown again unless asked).
/// POST only, so the secret never sits in a URL or the browser's history of GETs.
pub(super) async fn show_secret(ui: &Ui, s: &Session, form: &Form, rotate: bool) -> Response {
    let Ok(id) = smart_store::directory::AppId::new(form.trimmed("app")) else {
        return fail(ui, s, "No such app.").await;
    };
    let container = ui.container();
    let app = if rotate {
        match container.rotate_app_secret(&id).await {
            Ok(a) => a,
            Err(e) if e.kind() == ServiceErrorKind::NotFound => {
                return fail(ui, s, "No such app.").await;
            }
            Err(e) => return server_error(ui, &e),
        }
    } else {
        match container.provider().stores().apps.get_app(&id).await {
            Ok(Some(a)) => a,
            Ok(None) => return fail(ui, s, "No such app.").await,
            Err(e) => return server_error(ui, &e),
        }
    };
    let mut m = Html::new();
    if rotate {
        m.raw("<p class=\"notice\" role=\"status\">A new consumer secret was drawn; the old one no longer works and the app's tokens were revoked. Copy it now: give it to the app's operator over a safe channel.</p>");
    }
    m.raw("<section class=\"card\"><dl class=\"credentials\"><dt>App</dt><dd>")
        .text(&app.manifest.name)
        .raw("</dd><dt>Consumer key</dt><dd><code id=\"consumer-key\">")
        .text(app.id.as_str())
        .raw("</code></dd><dt>Consumer secret</dt><dd><code id=\"consumer-secret\" class=\"verifier\">")
        .text(&app.consumer_secret)
        .raw("</code></dd></dl><p><a")
        .attr("href", &ui.url("/admin/apps"))
        .raw(">Back to the apps</a></p></section>");
    admin_page(
        ui,
        s,
        StatusCode::OK,
        "Consumer credentials",
        "/admin/apps",
        m,
    )
    .await
}
