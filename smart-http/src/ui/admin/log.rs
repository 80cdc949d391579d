//! The access log page: every record API call (time, user, app, record, call, result),
//! newest first, filtered by user, app, record, call and result, paged.

use super::{admin_page, offset, pager, time_text};
use crate::ui::html::Html;
use crate::ui::pages::server_error;
use crate::ui::session::Session;
use crate::ui::{Ui, UiRequest};
use axum::http::StatusCode;
use axum::response::Response;
use smart_auth::directory::{AccessQuery, AccessResult, Page};
use smart_auth::{AppId, UserId};
use smart_core::RecordId;
use smart_core::catalog::{CALLS, CallId};

/// Entries per page.
const PAGE_SIZE: u32 = 100;

/// The filter fields, as the query names them.
const FILTERS: [&str; 5] = ["user", "app", "record", "call", "result"];

/// `GET /admin/log`.
pub(super) async fn page(ui: &Ui, req: &UiRequest, s: &Session) -> Response {
    let value = |name: &str| value(req, name);
    let (query, problem) = match filter(req) {
        Ok(q) => (q, None),
        Err(p) => (AccessQuery::all(), Some(p)),
    };
    let offset = offset(req);
    let listed = if problem.is_some() {
        None
    } else {
        match ui
            .container()
            .directory()
            .query_access(&query, Page::new(offset, PAGE_SIZE))
            .await
        {
            Ok(l) => Some(l),
            Err(e) => return server_error(ui, &e),
        }
    };
    let mut m = Html::new();
    m.raw("<form method=\"get\" class=\"search\" id=\"log-filter\"")
        .attr("action", &ui.url("/admin/log"))
        .raw(">");
    for (name, label) in [("user", "User"), ("app", "App"), ("record", "Record")] {
        let id = format!("filter-{name}");
        m.raw("<div class=\"field\"><label")
            .attr("for", &id)
            .raw(">")
            .text(label)
            .raw("</label><input type=\"text\"")
            .attr("id", &id)
            .attr("name", name)
            .attr("value", value(name))
            .raw("></div>");
    }
    m.raw("<div class=\"field\"><label for=\"filter-call\">Call</label><select id=\"filter-call\" name=\"call\"><option value=\"\">any</option>");
    for call in CALLS {
        m.raw("<option")
            .attr("value", call.name)
            .flag("selected", value("call") == call.name)
            .raw(">")
            .text(call.name)
            .raw("</option>");
    }
    m.raw("</select></div><div class=\"field\"><label for=\"filter-result\">Result</label><select id=\"filter-result\" name=\"result\"><option value=\"\">any</option>");
    for r in AccessResult::ALL {
        m.raw("<option")
            .attr("value", r.as_str())
            .flag("selected", value("result") == r.as_str())
            .raw(">")
            .text(r.as_str())
            .raw("</option>");
    }
    m.raw("</select></div><button type=\"submit\" class=\"primary\">Filter</button></form>");
    if let Some(p) = &problem {
        m.raw("<p class=\"error\" role=\"alert\">")
            .text(p)
            .raw("</p>");
    }
    let Some(listed) = listed else {
        return admin_page(
            ui,
            s,
            StatusCode::BAD_REQUEST,
            "Access log",
            "/admin/log",
            m,
        )
        .await;
    };
    m.raw("<div class=\"table-wrap\"><table class=\"admin\" id=\"access-log\"><thead><tr>")
        .raw("<th scope=\"col\">Time (UTC)</th><th scope=\"col\">User</th><th scope=\"col\">App</th>")
        .raw("<th scope=\"col\">Record</th><th scope=\"col\">Call</th><th scope=\"col\">Result</th>")
        .raw("</tr></thead><tbody>");
    for e in &listed.items {
        m.raw("<tr")
            .attr("data-result", e.result.as_str())
            .raw("><td>")
            .text(&time_text(e.at))
            .raw("</td><td>")
            .text(e.user.as_ref().map_or("", UserId::as_str))
            .raw("</td><td>")
            .text(e.app.as_ref().map_or("", AppId::as_str))
            .raw("</td><td>")
            .text(e.record.as_ref().map_or("", RecordId::as_str))
            .raw("</td><td>")
            .text(e.call.name())
            .raw("</td><td class=\"result\">")
            .text(e.result.as_str())
            .raw("</td></tr>");
    }
    m.raw("</tbody></table></div>");
    if listed.items.is_empty() {
        m.raw("<p class=\"empty\">No calls match.</p>");
    }
    let kept: Vec<(&str, &str)> = FILTERS
        .iter()
        .map(|&f| (f, value(f)))
        .filter(|(_, v)| !v.is_empty())
        .collect();
    pager(
        &mut m,
        offset,
        u64::from(PAGE_SIZE),
        listed.next.is_some(),
        |o| {
            let mut pairs = kept.clone();
            let o = o.to_string();
            pairs.push(("offset", &o));
            let q = serde_urlencoded::to_string(&pairs).unwrap_or_default();
            ui.url(&format!("/admin/log?{q}"))
        },
    );
    admin_page(ui, s, StatusCode::OK, "Access log", "/admin/log", m).await
}

/// A filter field of the query, trimmed; empty when absent.
fn value<'a>(req: &'a UiRequest, name: &str) -> &'a str {
    req.param(name).map(str::trim).unwrap_or("")
}

/// The query of the filter fields; the error names the field that is malformed.
fn filter(req: &UiRequest) -> Result<AccessQuery, String> {
    let value = |name: &str| value(req, name);
    let mut q = AccessQuery::all();
    let v = value("user");
    if !v.is_empty() {
        q = q.user(UserId::new(v).map_err(|e| format!("User: {e}"))?);
    }
    let v = value("app");
    if !v.is_empty() {
        q = q.app(AppId::new(v).map_err(|e| format!("App: {e}"))?);
    }
    let v = value("record");
    if !v.is_empty() {
        q = q.record(RecordId::new(v).map_err(|e| format!("Record: {e}"))?);
    }
    let v = value("call");
    if !v.is_empty() {
        q = q.call(CallId::from_name(v).ok_or_else(|| format!("Call: no call is named {v:?}"))?);
    }
    let v = value("result");
    if !v.is_empty() {
        q = q.result(
            AccessResult::parse(v).ok_or_else(|| format!("Result: {v:?} is not a result"))?,
        );
    }
    Ok(q)
}
