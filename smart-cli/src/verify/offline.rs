//! Offline verification: RDF files (a patient record, a saved response) against the
//! model, one verdict line per file.

use std::io::Write;
use std::path::Path;

use smart_rdf::RdfFormat;
use smart_rdf::validate::{Mode, ValidationOptions, validate};

use super::rdf;
use super::report::Report;

/// Parses and validates each file; `PASS`/`FAIL` per file, naming the first errors.
pub(crate) fn run<W: Write>(files: &[std::path::PathBuf], mode: Mode, report: &mut Report<W>) {
    for path in files {
        let name = path.display().to_string();
        report.check(&name, verify_file(path, mode));
    }
}

fn verify_file(path: &Path, mode: Mode) -> Result<String, String> {
    let format = path
        .extension()
        .and_then(|e| e.to_str())
        .and_then(RdfFormat::from_extension)
        .ok_or("unknown RDF file extension (use .xml/.rdf, .ttl, .nt or .jsonld)")?;
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read: {e}"))?;
    if format == RdfFormat::RdfXml {
        if let Some(problem) = rdf::root_element_problem(&bytes) {
            return Err(problem);
        }
    }
    let mut graph = smart_rdf::parse(&bytes, format, None).map_err(|e| e.to_string())?;
    // A saved API response carries its paging summary; it is no clinical data.
    let summaries = rdf::take_summaries(&mut graph);
    let options = match mode {
        Mode::Lenient => ValidationOptions::lenient(),
        _ => ValidationOptions::strict(),
    };
    let label = if mode == Mode::Lenient {
        "lenient"
    } else {
        "strict"
    };
    let report = validate(&graph, &options);
    let summary_note = if summaries.is_empty() {
        String::new()
    } else {
        format!(", {} response summaries set aside", summaries.len())
    };
    if report.is_valid() {
        Ok(format!(
            "valid ({label}): {} triples, {} warnings{summary_note}",
            graph.len(),
            report.warning_count()
        ))
    } else {
        let shown: Vec<String> = report.errors().take(5).map(|f| f.message()).collect();
        let more = report.error_count() - shown.len();
        let more = if more > 0 {
            format!(" (and {more} more)")
        } else {
            String::new()
        };
        Err(format!(
            "{} errors ({label}): {}{more}",
            report.error_count(),
            shown.join(" | ")
        ))
    }
}
