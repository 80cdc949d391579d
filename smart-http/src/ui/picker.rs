//! Choosing a patient: the search form, result table and pager shared by the patient
//! list (`/`) and the standalone launch page `/apps/{app_id}/launch` (the container
//! manifest's `app_launch`), where picking a patient opens the app's `index` with
//! `api_base` and `record_id`, as the record view does for a standalone app.

use super::html::Html;
use super::launch::index_url;
use super::pages::{layout, message_page, server_error};
use super::patients::{self, ListQuery, PAGE_SIZE, Patient, Sort};
use super::session::Session;
use super::{Ui, UiRequest, glue, page};
use crate::error::ApiError;
use axum::http::StatusCode;
use axum::response::Response;
use smart_core::RecordId;
use smart_core::manifest::{AppMode, Scope};

/// Where a patient row leads.
pub(crate) enum RowLink<'a> {
    /// The record view of the UI.
    RecordView,
    /// The app's launch page (`index?api_base=…&record_id=…`).
    App {
        /// The manifest's `index`.
        index: &'a str,
        /// The container's API base.
        api_base: &'a str,
    },
}

/// The search form, the matching patients (each a link) and the pager; `action` is the
/// UI-local path the form and the pager go to.
pub(crate) async fn panel(
    ui: &Ui,
    req: &UiRequest,
    action: &str,
    rows: &RowLink<'_>,
) -> Result<Html, ApiError> {
    let q = req.param("q").unwrap_or("").trim().to_owned();
    let gender = req
        .param("gender")
        .filter(|g| matches!(*g, "female" | "male"))
        .map(str::to_owned);
    let sort = Sort::parse(req.param("sort"));
    let page_no = req
        .param("page")
        .and_then(|p| p.parse::<usize>().ok())
        .unwrap_or(1)
        .max(1);
    let query = ListQuery {
        q: q.clone(),
        gender: gender.clone(),
        sort,
        page: page_no - 1,
    };
    let listing = patients::list(ui.container(), &query).await?;
    let mut m = Html::new();
    m.raw("<form method=\"get\" class=\"search card\" role=\"search\"")
        .attr("action", &ui.url(action))
        .raw("><div class=\"field grow\"><label for=\"q\">Name, birth date (YYYY-MM-DD) or zip code</label>")
        .raw("<input id=\"q\" name=\"q\" type=\"search\" autocomplete=\"off\"")
        .attr("value", &q)
        .raw("></div><div class=\"field\"><label for=\"gender\">Sex</label><select id=\"gender\" name=\"gender\">");
    for (value, label) in [("", "Any"), ("female", "Female"), ("male", "Male")] {
        m.raw("<option")
            .attr("value", value)
            .flag("selected", gender.as_deref().unwrap_or("") == value)
            .raw(">")
            .text(label)
            .raw("</option>");
    }
    m.raw("</select></div><div class=\"field\"><label for=\"sort\">Sort by</label><select id=\"sort\" name=\"sort\">");
    for (value, label) in [(Sort::Name, "Name"), (Sort::BirthDate, "Birth date")] {
        m.raw("<option")
            .attr("value", value.as_str())
            .flag("selected", sort == value)
            .raw(">")
            .text(label)
            .raw("</option>");
    }
    m.raw("</select></div><button type=\"submit\" class=\"primary\">Search</button></form>");
    if listing.patients.is_empty() {
        m.raw("<p class=\"empty\" role=\"status\">");
        if q.is_empty() && gender.is_none() {
            m.raw("No patients in this container yet.");
        } else {
            m.raw("No patients match your search.");
        }
        m.raw("</p>");
        return Ok(m);
    }
    m.raw("<p class=\"count\" role=\"status\">")
        .text(&format!(
            "{} patient{}",
            listing.total,
            if listing.total == 1 { "" } else { "s" }
        ))
        .raw("</p><div class=\"table-wrap\"><table class=\"patients\"><thead><tr>")
        .raw("<th scope=\"col\">Name</th><th scope=\"col\">Sex</th><th scope=\"col\">Birth date</th><th scope=\"col\">Age</th>")
        .raw("</tr></thead><tbody>");
    for p in &listing.patients {
        m.raw("<tr><td><a class=\"patient\"")
            .attr("data-record-id", &p.id)
            .attr("href", &href(ui, rows, p))
            .raw(">")
            .text(&p.full_name())
            .raw("</a></td><td>")
            .text(&p.gender)
            .raw("</td><td>")
            .text(&p.birth_date)
            .raw("</td><td>")
            .text(&p.age().map(|a| a.to_string()).unwrap_or_default())
            .raw("</td></tr>");
    }
    m.raw("</tbody></table></div>");
    let pages = listing.total.div_ceil(PAGE_SIZE).max(1);
    if pages > 1 {
        let link = |n: usize| {
            let mut pairs: Vec<(&str, String)> = vec![("q", q.clone())];
            if let Some(g) = &gender {
                pairs.push(("gender", g.clone()));
            }
            pairs.push(("sort", sort.as_str().to_owned()));
            pairs.push(("page", n.to_string()));
            ui.url(&format!(
                "{action}?{}",
                serde_urlencoded::to_string(&pairs).unwrap_or_default()
            ))
        };
        m.raw("<nav class=\"pager\" aria-label=\"Pages\">");
        if page_no > 1 {
            m.raw("<a rel=\"prev\"")
                .attr("href", &link(page_no - 1))
                .raw(">← Previous</a>");
        }
        m.raw("<span>")
            .text(&format!("Page {page_no} of {pages}"))
            .raw("</span>");
        if page_no < pages {
            m.raw("<a rel=\"next\"")
                .attr("href", &link(page_no + 1))
                .raw(">Next →</a>");
        }
        m.raw("</nav>");
    }
    Ok(m)
}

fn href(ui: &Ui, rows: &RowLink<'_>, p: &Patient) -> String {
    match rows {
        RowLink::RecordView => ui.url(&format!("/patients/{}", p.id)),
        RowLink::App { index, api_base } => match RecordId::new(&p.id) {
            Ok(r) => index_url(index, api_base, Some(&r)),
            Err(_) => index_url(index, api_base, None),
        },
    }
}

/// The app id of a launch page path `/apps/{app_id}/launch` (percent-decoded), if the
/// path is one.
pub(crate) fn launch_path_app(local: &str) -> Option<String> {
    let id = local.strip_prefix("/apps/")?.strip_suffix("/launch")?;
    if id.is_empty() || id.contains('/') {
        return None;
    }
    crate::routes::percent_decode(id)
}

/// `GET /apps/{app_id}/launch`: the record picker of a signed-in user for one app.
pub(crate) async fn launch_page(ui: &Ui, req: &UiRequest, s: &Session, app_id: &str) -> Response {
    let container = ui.container();
    let Some(mf) = glue::manifest(container, app_id).await else {
        return message_page(
            ui,
            StatusCode::NOT_FOUND,
            "Unknown app",
            &format!("No app with the id “{app_id}” is registered in this container."),
        );
    };
    let index = match (mf.mode, mf.index.as_deref()) {
        (AppMode::Background, _) | (_, None) => {
            return message_page(
                ui,
                StatusCode::NOT_FOUND,
                "No launch page",
                &format!(
                    "{} runs in the background: it has no page to open.",
                    mf.name
                ),
            );
        }
        (_, Some(index)) => index.to_owned(),
    };
    let api_base = container.config().api_base().to_owned();
    let name = glue::full_name(container, &s.user).await;
    let mut m = Html::new();
    m.raw("<main id=\"main\" class=\"wide\"><h1>")
        .text(&format!("Open {}", mf.name))
        .raw("</h1><p class=\"aside\" id=\"app-description\">")
        .text(&mf.description)
        .raw("</p>");
    if mf.scope == Some(Scope::Container) {
        m.raw("<p>This app works on the container as a whole, not on one patient.</p><p><a class=\"button primary\" id=\"open-app\"")
            .attr("href", &index_url(&index, &api_base, None))
            .raw(">")
            .text(&format!("Open {}", mf.name))
            .raw("</a></p></main>");
    } else {
        m.raw("<p>Choose the patient to open the app for.</p>");
        let action = format!(
            "/apps/{}/launch",
            smart_core::encoding::percent_encode(
                mf.id.as_bytes(),
                smart_core::encoding::EncodeSet::Unreserved
            )
        );
        let rows = RowLink::App {
            index: &index,
            api_base: &api_base,
        };
        match panel(ui, req, &action, &rows).await {
            Ok(h) => {
                m.append(h);
            }
            Err(e) => return server_error(ui, &e),
        }
        m.raw("</main>");
    }
    page(
        StatusCode::OK,
        layout(ui, &format!("Open {}", mf.name), Some((s, &name)), m),
        &[],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn launch_paths() {
        assert_eq!(
            launch_path_app("/apps/a%40b.org/launch").as_deref(),
            Some("a@b.org")
        );
        assert_eq!(
            launch_path_app("/apps/a@b.org/launch").as_deref(),
            Some("a@b.org")
        );
        assert_eq!(launch_path_app("/apps//launch"), None);
        assert_eq!(launch_path_app("/apps/a/b/launch"), None);
        assert_eq!(launch_path_app("/apps/a/manifest"), None);
        assert_eq!(launch_path_app("/apps/%ZZ/launch"), None);
    }
}
