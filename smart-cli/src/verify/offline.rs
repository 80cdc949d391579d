//! Offline verification: RDF files (a patient record, a saved response) against the
//! model, one verdict line per file. A patient record is checked as a whole-record file
//! (see [`RecordFile`]), its record being the digits of its name; a saved response (it
//! carries response summaries) as a container's answer.

use std::io::Write;
use std::path::Path;

use smart_rdf::RdfFormat;
use smart_rdf::validate::{Mode, RecordFile, ValidationOptions, validate};

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
    // A saved response is a container's answer, whose statements must name their record;
    // anything else is a whole-record file, checked as `smart import` reads it.
    let options = if summaries.is_empty() {
        let record = crate::commands::file_record(path, None);
        options.with_record_file(RecordFile::new(record))
    } else {
        options
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
        if report.is_older_vocabulary() {
            // One line that says what the file is; `smart validate --warnings` lists
            // the details.
            let message = report
                .errors()
                .next()
                .map(|f| f.message())
                .unwrap_or_default();
            return Err(format!(
                "{message} ({} details: smart validate --warnings {})",
                report.detail_count(),
                path.display()
            ));
        }
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
