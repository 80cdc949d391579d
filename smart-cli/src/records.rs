//! `smart records`, `smart export`, `smart tokens cleanup` and `smart reset`: the
//! container's data as a whole.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, Result, bail};
use clap::Subcommand;
use oxrdf::{Graph, NamedNode, NamedNodeRef, Triple, vocab::rdf};
use smart_core::{RecordId, model, sp};
use smart_http::Container;
use smart_rdf::RdfFormat;
use smart_store::clinical::StatementQuery;
use smart_store::directory::{Page, RecordEntry};

use crate::{Global, context};

/// `smart records ...`
#[derive(Debug, Subcommand)]
pub(crate) enum RecordsCommand {
    /// List the records (id and label).
    List {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Show a record: its label, statements per class and documents.
    Show {
        /// The record id.
        id: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Delete a record: its clinical data, its documents, and its registry entry with the
    /// tokens, approvals and scratchpads bound to it.
    Delete {
        /// The record id.
        id: String,
    },
}

pub(crate) fn run(global: &Global, command: RecordsCommand) -> Result<ExitCode> {
    match command {
        RecordsCommand::List { json } => {
            context::with_container(global, async |c| list(c, json).await)
        }
        RecordsCommand::Show { id, json } => {
            let id = record_id(&id)?;
            context::with_container(global, async |c| show(c, id, json).await)
        }
        RecordsCommand::Delete { id } => {
            let id = record_id(&id)?;
            context::with_container(global, async move |c| {
                // Clinical data first: once it is gone the record no longer exists for the
                // API; documents and registry entry follow (reconciliation at the next
                // start removes a registry entry left by a failure in between).
                let clinical = c.clinical().delete_record(&id).await?;
                let documents = c.blobs().delete_record(&id).await?;
                let registered = c.directory().delete_record(&id).await?;
                if !clinical && !registered && documents == 0 {
                    bail!("no record {id}");
                }
                outln!("deleted record {id} ({documents} documents)");
                Ok(ExitCode::SUCCESS)
            })
        }
    }
}

fn record_id(id: &str) -> Result<RecordId> {
    RecordId::new(id).with_context(|| format!("bad record id {id:?}"))
}

/// Every registry entry, across pages.
async fn entries(c: &Container) -> Result<Vec<RecordEntry>> {
    let mut out = Vec::new();
    let mut page = Some(Page::first(Page::MAX_LIMIT));
    while let Some(p) = page {
        let listed = c.directory().list_records(p).await?;
        out.extend(listed.items);
        page = listed.next;
    }
    Ok(out)
}

async fn list(c: &Container, json: bool) -> Result<ExitCode> {
    let entries = entries(c).await?;
    if json {
        let list: Vec<_> = entries
            .iter()
            .map(|e| serde_json::json!({ "id": e.id.as_str(), "label": e.label }))
            .collect();
        outln!("{}", serde_json::to_string_pretty(&list)?);
    } else {
        for e in &entries {
            outln!("{:<12} {}", e.id, e.label);
        }
        outln!("{} records", entries.len());
    }
    Ok(ExitCode::SUCCESS)
}

/// The statements of a record, per class (a statement typed with several statement
/// classes counts in each), and their distinct IRIs; `None` if there is no such record.
async fn statements(
    c: &Container,
    id: &RecordId,
) -> Result<Option<(BTreeMap<&'static str, usize>, BTreeSet<NamedNode>, Graph)>> {
    if !c.clinical().record_ids().await?.contains(id) {
        return Ok(None);
    }
    let mut counts = BTreeMap::new();
    let mut iris = BTreeSet::new();
    let mut graph = Graph::new();
    for class in model::statement_classes() {
        let page = c
            .clinical()
            .query(id, &StatementQuery::all(class.iri))
            .await
            .with_context(|| format!("cannot read the {} statements of record {id}", class.iri))?;
        if page.total > 0 {
            counts.insert(class.iri, page.total);
        }
        iris.extend(page.order);
        graph.extend(page.graph.iter());
    }
    Ok(Some((counts, iris, graph)))
}

async fn show(c: &Container, id: RecordId, json: bool) -> Result<ExitCode> {
    let Some((counts, iris, graph)) = statements(c, &id).await? else {
        bail!("no record {id}");
    };
    let label = c
        .directory()
        .get_record(&id)
        .await?
        .map(|e| e.label)
        .unwrap_or_default();
    let documents = c.blobs().list(&id).await?;
    if json {
        let value = serde_json::json!({
            "id": id.as_str(),
            "label": label,
            "statements": iris.len(),
            "triples": graph.len(),
            "classes": counts.iter().map(|(k, v)| (smart_core::vocab::compact(k), *v)).collect::<BTreeMap<_, _>>(),
            "documents": documents.iter().map(|d| serde_json::json!({
                "file_name": d.file_name, "content_type": d.content_type, "size": d.size, "sha256": d.sha256,
            })).collect::<Vec<_>>(),
        });
        outln!("{}", serde_json::to_string_pretty(&value)?);
    } else {
        outln!("record {id}: {label}");
        outln!(
            "{} statements, {} triples, {} documents",
            iris.len(),
            graph.len(),
            documents.len()
        );
        for (class, n) in &counts {
            outln!("  {:<28} {n}", smart_core::vocab::compact(class));
        }
        for d in &documents {
            outln!(
                "  document {} ({}, {} bytes)",
                d.file_name,
                d.content_type,
                d.size
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `smart export RECORD`: the whole record in public form.
pub(crate) fn export(
    global: &Global,
    record: &str,
    format: RdfFormat,
    out: Option<&Path>,
) -> Result<ExitCode> {
    let id = record_id(record)?;
    let bytes = context::with_container(global, async move |c| {
        let Some((_, iris, mut graph)) = statements(c, &id).await? else {
            bail!("no record {id}");
        };
        // The record node and its links, as the record graph has them.
        let record_iri = smart_rdf::split::record_iri(&id);
        graph.insert(&Triple::new(
            record_iri.clone(),
            rdf::TYPE,
            NamedNodeRef::new_unchecked(sp!("MedicalRecord")).into_owned(),
        ));
        let has_statement = NamedNodeRef::new_unchecked(sp!("hasStatement"));
        for s in iris {
            graph.insert(&Triple::new(record_iri.clone(), has_statement, s));
        }
        let public = smart_rdf::to_public(&graph, c.api_base());
        Ok(smart_rdf::serialize(&public, format))
    })?;
    match out {
        Some(path) => {
            // Write beside the target and rename, so a failure never leaves half a file.
            let tmp = tmp_path(path);
            // 0600: an export is a patient record.
            smart_store::private_fs::write(&tmp, &bytes)
                .and_then(|()| std::fs::rename(&tmp, path))
                .with_context(|| format!("cannot write {}", path.display()))?;
        }
        None => std::io::stdout().lock().write_all(&bytes)?,
    }
    Ok(ExitCode::SUCCESS)
}

fn tmp_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".tmp");
    path.with_file_name(name)
}

/// `smart tokens cleanup`.
pub(crate) fn tokens_cleanup(global: &Global) -> Result<ExitCode> {
    context::with_container(global, async move |c| {
        let (tokens, nonces) = c.housekeeping().await?;
        outln!("removed {tokens} expired tokens and {nonces} old nonces");
        Ok(ExitCode::SUCCESS)
    })
}

/// What a data directory holds (see smart-http's container): only these are deleted, so
/// that a mistyped --data-dir cannot wipe an unrelated directory.
const DATA_ENTRIES: &[&str] = &[
    "clinical",
    "directory.sqlite3",
    "directory.sqlite3-wal",
    "directory.sqlite3-shm",
    "directory.sqlite3-journal",
    "secrets.toml",
    // The key sealing the directory's secrets (kept when the directory is in PostgreSQL,
    // whose secrets it still seals: see `reset`).
    "secrets.key",
];

/// `smart reset`.
pub(crate) fn reset(global: &Global, yes: bool) -> Result<ExitCode> {
    let dir = context::data_dir(global)?;
    if !dir.exists() {
        outln!("{} does not exist: nothing to reset", dir.display());
        return Ok(ExitCode::SUCCESS);
    }
    // A PostgreSQL directory is not reset here and still needs its key.
    let keep_key = context::config(global)?.store.directory
        == smart_store::container::DirectoryBackend::Postgres;
    let present: Vec<PathBuf> = DATA_ENTRIES
        .iter()
        .filter(|e| !(keep_key && **e == "secrets.key"))
        .map(|e| dir.join(e))
        .filter(|p| p.exists())
        .collect();
    if present.is_empty() {
        bail!(
            "{} does not look like a smart data directory (no clinical/, directory.sqlite3 or \
             secrets.toml); nothing deleted",
            dir.display()
        );
    }
    if !yes {
        let stdin = std::io::stdin();
        if !stdin.is_terminal() {
            bail!(
                "refusing to delete the data in {} without --yes",
                dir.display()
            );
        }
        eprint!(
            "delete every record, account, app and token in {}? type 'yes': ",
            dir.display()
        );
        std::io::stderr().flush()?;
        let mut answer = String::new();
        stdin.lock().read_line(&mut answer)?;
        if answer.trim() != "yes" {
            bail!("not confirmed; nothing deleted");
        }
    }
    for path in &present {
        let removed = if path.is_dir() {
            std::fs::remove_dir_all(path)
        } else {
            std::fs::remove_file(path)
        };
        removed.with_context(|| format!("cannot delete {}", path.display()))?;
    }
    // Remove the directory itself when nothing else is in it.
    let emptied = std::fs::remove_dir(&dir).is_ok();
    outln!(
        "reset {}{}",
        dir.display(),
        if emptied {
            ""
        } else {
            " (other files in it were left alone)"
        }
    );
    Ok(ExitCode::SUCCESS)
}
