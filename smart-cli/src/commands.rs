//! The subcommands. Each returns the process exit code or an error whose message is the
//! one-line reason printed on failure.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};
use smart_core::{RecordId, catalog};
use smart_rdf::RdfFormat;

pub(crate) fn catalog(json: bool) -> Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    if json {
        let calls: Vec<serde_json::Value> = catalog::CALLS
            .iter()
            .map(|c| {
                serde_json::json!({
                    "name": c.name,
                    "method": c.method.as_str(),
                    "path": c.path,
                    "category": c.category.as_str(),
                    "target": c.target,
                    "cardinality": c.cardinality.as_str(),
                    "filters": c.filters.iter().map(|f| f.param).collect::<Vec<_>>(),
                    "parameters": c.parameters.iter().map(|p| p.name).collect::<Vec<_>>(),
                    "default_sort": c.default_sort,
                })
            })
            .collect();
        serde_json::to_writer_pretty(&mut out, &calls)?;
        writeln!(out)?;
    } else {
        for c in catalog::CALLS {
            let mut params: Vec<&str> = c.filters.iter().map(|f| f.param).collect();
            params.dedup();
            params.extend(c.parameters.iter().map(|p| p.name));
            writeln!(
                out,
                "{:<34} {:<6} {:<58} {:<22} {}",
                c.name,
                c.method.as_str(),
                c.path,
                smart_core::vocab::compact(c.target),
                params.join(",")
            )?;
        }
        writeln!(out, "{} calls", catalog::CALLS.len())?;
    }
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn ontology(format: RdfFormat) -> Result<ExitCode> {
    std::io::stdout()
        .lock()
        .write_all(&smart_rdf::ontology::ontology_document(format))?;
    Ok(ExitCode::SUCCESS)
}

fn read_rdf(path: &Path) -> Result<oxrdf::Graph> {
    let format = path
        .extension()
        .and_then(|e| e.to_str())
        .and_then(RdfFormat::from_extension)
        .with_context(|| {
            format!(
                "{}: unknown RDF file extension (use .xml/.rdf, .ttl, .nt or .jsonld)",
                path.display()
            )
        })?;
    let bytes = std::fs::read(path).with_context(|| format!("{}: cannot read", path.display()))?;
    smart_rdf::parse(&bytes, format, None).with_context(|| format!("{}", path.display()))
}

pub(crate) fn convert(input: &Path, to: RdfFormat) -> Result<ExitCode> {
    let graph = read_rdf(input)?;
    std::io::stdout()
        .lock()
        .write_all(&smart_rdf::serialize(&graph, to))?;
    Ok(ExitCode::SUCCESS)
}

/// The record a whole-record file is imported into: `--record-id`, else the digits of
/// the file name (`p967332.xml` is record 967332), else unknown.
pub(crate) fn file_record(path: &Path, forced: Option<&RecordId>) -> Option<RecordId> {
    forced.cloned().or_else(|| {
        path.file_stem()
            .and_then(|s| s.to_str())
            .and_then(RecordId::from_file_name)
    })
}

pub(crate) fn validate(
    files: &[std::path::PathBuf],
    lenient: bool,
    warnings: bool,
    record_id: Option<&str>,
) -> Result<ExitCode> {
    use smart_rdf::validate::{RecordFile, ValidationOptions, validate};
    let forced = match record_id {
        None => None,
        Some(_) if files.len() != 1 => {
            anyhow::bail!("--record-id applies to a single file, not to several files")
        }
        Some(id) => Some(RecordId::new(id).with_context(|| format!("--record-id {id}"))?),
    };
    let options = if lenient {
        ValidationOptions::lenient()
    } else {
        ValidationOptions::strict()
    };
    let mode = if lenient { "lenient" } else { "strict" };
    let mut out = std::io::stdout().lock();
    let (mut failed, mut total_errors, mut total_warnings) = (0usize, 0usize, 0usize);
    for path in files {
        let graph = match read_rdf(path) {
            Ok(g) => g,
            Err(e) => {
                writeln!(out, "{}: cannot be read: {e:#}", path.display())?;
                failed += 1;
                continue;
            }
        };
        let file = RecordFile::new(file_record(path, forced.as_ref()));
        let report = validate(&graph, &options.clone().with_record_file(file));
        total_errors += report.error_count();
        total_warnings += report.warning_count();
        for finding in report.findings.iter().filter(|f| f.is_error() || warnings) {
            writeln!(out, "{}: {}", path.display(), finding.message())?;
        }
        let details = match report.detail_count() {
            0 => String::new(),
            n if warnings => format!(", {n} details"),
            n => format!(", {n} details (--warnings lists them)"),
        };
        let verdict = if report.is_valid() {
            "valid"
        } else {
            "INVALID"
        };
        writeln!(
            out,
            "{}: {verdict} ({mode}): {} triples, {} errors, {} warnings{details}",
            path.display(),
            graph.len(),
            report.error_count(),
            report.warning_count()
        )?;
        if !report.is_valid() {
            failed += 1;
        }
    }
    writeln!(
        out,
        "{} files, {} invalid, {total_errors} errors, {total_warnings} warnings",
        files.len(),
        failed
    )?;
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
