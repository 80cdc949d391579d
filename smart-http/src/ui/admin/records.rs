//! Records: the registered records (paged), deleting one, and importing patient files by
//! upload with the importer of `smart import` (same parsing, validation and atomic
//! replacement of each record), with one result per file.

use super::form::{Form, Upload};
use super::{Notice, admin_page, button_form, csrf_input, offset, pager, time_text};
use crate::ui::html::Html;
use crate::ui::pages::server_error;
use crate::ui::session::Session;
use crate::ui::{Ui, UiRequest, redirect};
use axum::http::StatusCode;
use axum::response::Response;
use smart_core::RecordId;
use smart_rdf::RdfFormat;
use smart_store::directory::Page;
use smart_store::import::{MemoryDocuments, Validation, commit, prepare_file};

/// Records per page.
const PAGE_SIZE: u32 = 50;

/// `GET /admin/records`.
pub(super) async fn page(ui: &Ui, req: &UiRequest, s: &Session, notice: Notice) -> Response {
    render(ui, s, offset(req), notice, Html::new(), StatusCode::OK).await
}

async fn render(
    ui: &Ui,
    s: &Session,
    offset: u64,
    notice: Notice,
    results: Html,
    status: StatusCode,
) -> Response {
    let listed = match ui
        .container()
        .directory()
        .list_records(Page::new(offset, PAGE_SIZE))
        .await
    {
        Ok(l) => l,
        Err(e) => return server_error(ui, &e),
    };
    let mut m = Html::new();
    notice.render(&mut m);
    m.append(results);
    m.raw("<div class=\"table-wrap\"><table class=\"admin\" id=\"records\"><thead><tr>")
        .raw("<th scope=\"col\">Record</th><th scope=\"col\">Patient</th><th scope=\"col\">Updated (UTC)</th><th scope=\"col\">Actions</th>")
        .raw("</tr></thead><tbody>");
    for r in &listed.items {
        m.raw("<tr")
            .attr("data-record", r.id.as_str())
            .raw("><td><a")
            .attr("href", &ui.url(&format!("/patients/{}", r.id.as_str())))
            .raw(">")
            .text(r.id.as_str())
            .raw("</a></td><td>")
            .text(&r.label)
            .raw("</td><td>")
            .text(&time_text(r.updated_at))
            .raw("</td><td>");
        button_form(
            &mut m,
            ui,
            s,
            "/admin/records/delete",
            &[("record", r.id.as_str())],
            "Delete",
            "small danger",
        );
        m.raw("</td></tr>");
    }
    m.raw("</tbody></table></div>");
    if listed.items.is_empty() {
        m.raw("<p class=\"empty\">No records.</p>");
    }
    pager(
        &mut m,
        offset,
        u64::from(PAGE_SIZE),
        listed.next.is_some(),
        |o| ui.url(&format!("/admin/records?offset={o}")),
    );
    m.raw("<section class=\"card\"><h2>Import patient files</h2><p class=\"aside\">RDF/XML (.xml, .rdf), Turtle (.ttl), N-Triples (.nt) or JSON-LD (.jsonld); the record id is the digits of the file name, as for <code>smart import</code>. Documents the files name may be uploaded with them. Each record is replaced as a whole or not at all.</p><form method=\"post\" enctype=\"multipart/form-data\" id=\"import-records\"")
        .attr("action", &ui.url("/admin/records/import"))
        .raw(">");
    csrf_input(&mut m, s);
    m.raw("<label for=\"import-files\">Files</label><input id=\"import-files\" name=\"files\" type=\"file\" multiple required>")
        .raw("<div class=\"check\"><input id=\"import-lenient\" name=\"lenient\" type=\"checkbox\" value=\"1\"><label for=\"import-lenient\">Lenient (accept the original generator's known defects as warnings)</label></div>")
        .raw("<button type=\"submit\" class=\"primary\">Import</button></form></section>");
    admin_page(ui, s, status, "Records", "/admin/records", m).await
}

/// `POST /admin/records/delete`: the clinical record, its documents and its registry
/// entry (with the tokens, approvals and scratchpads bound to it).
pub(super) async fn delete(ui: &Ui, s: &Session, form: &Form) -> Response {
    let Ok(id) = RecordId::new(form.trimmed("record")) else {
        return fail(ui, s, "No such record.").await;
    };
    let c = ui.container();
    let outcome = async {
        let clinical = c.clinical().delete_record(&id).await?;
        c.blobs().delete_record(&id).await?;
        let registered = c.directory().delete_record(&id).await?;
        Ok::<_, smart_store::StoreError>(clinical || registered)
    }
    .await;
    match outcome {
        Ok(true) => redirect(ui, "/admin/records?done=deleted-record"),
        Ok(false) => fail(ui, s, "No such record.").await,
        Err(e) => server_error(ui, &e),
    }
}

async fn fail(ui: &Ui, s: &Session, message: &str) -> Response {
    render(
        ui,
        s,
        0,
        Notice::error(message),
        Html::new(),
        StatusCode::BAD_REQUEST,
    )
    .await
}

/// The outcome of one uploaded patient file.
struct FileResult {
    file_name: String,
    record: Option<String>,
    outcome: Result<String, String>,
}

/// `POST /admin/records/import` (multipart): every RDF file is one record; the other
/// files are documents the records may name.
pub(super) async fn import(ui: &Ui, s: &Session, form: &Form) -> Response {
    let uploads: Vec<&Upload> = form.files("files").collect();
    if uploads.is_empty() {
        return fail(ui, s, "Choose at least one patient file.").await;
    }
    let validation = if form.checked("lenient") {
        Validation::Lenient
    } else {
        Validation::Strict
    };
    let mut documents = MemoryDocuments::new();
    let mut patients = Vec::new();
    for u in uploads {
        match format_of(&u.file_name) {
            Some(format) => patients.push((u, format)),
            None => documents.insert(u.file_name.clone(), None, u.bytes.clone()),
        }
    }
    if patients.is_empty() {
        return fail(
            ui,
            s,
            "None of the files is a patient file (.xml, .rdf, .ttl, .nt or .jsonld).",
        )
        .await;
    }
    let c = ui.container();
    let mut results = Vec::new();
    for (upload, format) in patients {
        results.push(import_one(c, upload, format, validation, &documents).await);
    }
    let failed = results.iter().filter(|r| r.outcome.is_err()).count();
    let mut table = Html::new();
    table.raw("<section class=\"card\"><h2>Import results</h2><div class=\"table-wrap\"><table class=\"admin\" id=\"import-results\"><thead><tr><th scope=\"col\">File</th><th scope=\"col\">Record</th><th scope=\"col\">Result</th></tr></thead><tbody>");
    for r in &results {
        let (class, text) = match &r.outcome {
            Ok(t) => ("ok", t.as_str()),
            Err(t) => ("rejected", t.as_str()),
        };
        table
            .raw("<tr")
            .attr("class", class)
            .raw("><td>")
            .text(&r.file_name)
            .raw("</td><td>")
            .text(r.record.as_deref().unwrap_or(""))
            .raw("</td><td><pre>")
            .text(text)
            .raw("</pre></td></tr>");
    }
    table.raw("</tbody></table></div></section>");
    let (notice, status) = if failed == 0 {
        (
            Notice {
                done: Some(format!("{} records imported.", results.len())),
                error: None,
            },
            StatusCode::OK,
        )
    } else {
        (
            Notice::error(format!(
                "{failed} of {} files were rejected; nothing of them was stored.",
                results.len()
            )),
            StatusCode::BAD_REQUEST,
        )
    };
    render(ui, s, 0, notice, table, status).await
}

fn format_of(file_name: &str) -> Option<RdfFormat> {
    std::path::Path::new(file_name)
        .extension()
        .and_then(|e| e.to_str())
        .and_then(RdfFormat::from_extension)
}

async fn import_one(
    c: &crate::container::Container,
    upload: &Upload,
    format: RdfFormat,
    validation: Validation,
    documents: &MemoryDocuments,
) -> FileResult {
    let stem = std::path::Path::new(&upload.file_name)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("");
    let Some(record) = RecordId::from_file_name(stem) else {
        return FileResult {
            file_name: upload.file_name.clone(),
            record: None,
            outcome: Err("no record id: the file name has no digits".to_owned()),
        };
    };
    // Parsing and validation are CPU-bound: off the async workers.
    let (bytes, api_base, docs, rec) = (
        upload.bytes.clone(),
        c.api_base().clone(),
        documents.clone(),
        record.clone(),
    );
    let prepared = tokio::task::spawn_blocking(move || {
        prepare_file(&bytes, format, rec, &api_base, validation, &docs)
    })
    .await;
    let outcome = match prepared {
        Err(e) => Err(format!("the importer failed: {e}")),
        Ok(Err(e)) => Err(e.to_string()),
        Ok(Ok(prepared)) => match commit(
            c.clinical().as_ref(),
            c.directory().as_ref(),
            c.blobs().as_ref(),
            &prepared,
        )
        .await
        {
            Ok(summary) => Ok(format!(
                "imported: {} statements, {} triples, {} documents",
                summary.statements, summary.triples, summary.documents
            )),
            Err(e) => Err(e.to_string()),
        },
    };
    FileResult {
        file_name: upload.file_name.clone(),
        record: Some(record.as_str().to_owned()),
        outcome,
    }
}
