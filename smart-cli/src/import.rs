//! `smart import`: patient files into the container, with smart-store's importer.
//!
//! Two worker threads parse, validate and split files (the CPU-bound part) while this
//! thread commits the prepared records one at a time, in the order of the files, so the
//! output is the same on every run.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail};
use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use smart_core::RecordId;
use smart_rdf::{ApiBase, RdfFormat};
use smart_store::import::{
    DirDocuments, FileError, ImportError, PreparedRecord, Validation, commit,
};

use crate::{Global, context};

/// At most this many findings are printed per rejected file.
const MAX_FINDINGS: usize = 20;

/// `smart import` options.
#[derive(Debug, Args)]
pub(crate) struct ImportArgs {
    /// Patient files, or directories whose .xml/.rdf/.ttl/.nt/.jsonld files are imported
    /// (not recursively: the record folders beside them hold documents).
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// The record id, instead of the file name's digits (only with a single file).
    #[arg(long, value_name = "ID")]
    record_id: Option<String>,
    /// Read documents from DIR/RECORD_ID/FILE_NAME instead of beside each file.
    #[arg(long, value_name = "DIR")]
    documents: Option<PathBuf>,
    /// Accept the known defects of the original sample-patient generator (as warnings);
    /// a missing document is then a warning too.
    #[arg(long)]
    lenient: bool,
    /// Print every warning, not just their number, and the details behind an
    /// older-vocabulary rejection.
    #[arg(long)]
    warnings: bool,
    /// Parser threads.
    #[arg(long, default_value_t = 2)]
    threads: usize,
}

/// One file to import.
#[derive(Debug)]
struct Job {
    path: PathBuf,
    record: RecordId,
    format: RdfFormat,
    documents: DirDocuments,
}

/// Totals for the summary.
#[derive(Debug, Default)]
struct Totals {
    patients: usize,
    statements: usize,
    triples: usize,
    documents: usize,
    warnings: usize,
    rejected: Vec<(PathBuf, String)>,
}

pub(crate) fn run(global: &Global, args: &ImportArgs) -> Result<ExitCode> {
    if args.threads == 0 {
        bail!("--threads must be at least 1");
    }
    let mut totals = Totals::default();
    let jobs = plan(args, &mut totals)?;
    let validation = if args.lenient {
        Validation::Lenient
    } else {
        Validation::Strict
    };

    let rt = context::runtime()?;
    let container = context::open(&rt, global)?;
    let started = Instant::now();
    let bar = progress_bar(jobs.len() as u64)?;
    let api_base = container.api_base().clone();
    let next = AtomicUsize::new(0);
    let mut output_error = None;
    let (tx, rx) = mpsc::sync_channel::<(usize, Result<PreparedRecord, String>)>(4);
    std::thread::scope(|scope| {
        for _ in 0..args.threads.min(jobs.len()) {
            let tx = tx.clone();
            let (jobs, next, api_base) = (&jobs, &next, &api_base);
            let details = args.warnings;
            scope.spawn(move || {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(job) = jobs.get(i) else { break };
                    if tx
                        .send((i, prepare_file(job, validation, api_base, details)))
                        .is_err()
                    {
                        break;
                    }
                }
            });
        }
        drop(tx);
        // Results arrive in any order; commit them in file order.
        let mut pending = BTreeMap::new();
        let mut expected = 0;
        for (i, result) in rx {
            pending.insert(i, result);
            while let Some(result) = pending.remove(&expected) {
                let job = &jobs[expected];
                expected += 1;
                let outcome = match result {
                    Ok(prepared) => rt
                        .block_on(commit(
                            container.clinical().as_ref(),
                            container.directory().as_ref(),
                            container.blobs().as_ref(),
                            &prepared,
                        ))
                        .map(|summary| (prepared, summary))
                        .map_err(|e| describe(&e, args.warnings)),
                    Err(reason) => Err(reason),
                };
                // A closed stdout must not stop the import: keep going, fail at the end.
                if let Err(e) = bar.suspend(|| report(job, outcome, args.warnings, &mut totals)) {
                    output_error.get_or_insert(e);
                }
                bar.inc(1);
            }
        }
    });
    bar.finish_and_clear();
    rt.block_on(container.close());
    if let Some(e) = output_error {
        return Err(e.into());
    }
    print_summary(&totals, started.elapsed())?;
    Ok(if totals.rejected.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// The files to import; paths that are not importable are rejected into `totals`.
fn plan(args: &ImportArgs, totals: &mut Totals) -> Result<Vec<Job>> {
    let mut files = Vec::new();
    for path in &args.paths {
        if path.is_dir() {
            let mut found = rdf_files_in(path)
                .with_context(|| format!("cannot list the directory {}", path.display()))?;
            if found.is_empty() {
                totals.rejected.push((
                    path.clone(),
                    "the directory holds no .xml, .rdf, .ttl, .nt or .jsonld file".to_owned(),
                ));
            }
            files.append(&mut found);
        } else if path.exists() {
            files.push(path.clone());
        } else {
            totals
                .rejected
                .push((path.clone(), "no such file or directory".to_owned()));
        }
    }
    let forced = match &args.record_id {
        None => None,
        Some(_) if args.paths.len() != 1 || args.paths[0].is_dir() => {
            bail!("--record-id applies to a single file, not to several files or a directory")
        }
        Some(id) => Some(RecordId::new(id.as_str()).with_context(|| format!("--record-id {id}"))?),
    };
    let mut jobs = Vec::new();
    for path in files {
        let Some(format) = rdf_format(&path) else {
            totals.rejected.push((
                path,
                "unknown RDF file extension (use .xml/.rdf, .ttl, .nt or .jsonld)".to_owned(),
            ));
            continue;
        };
        let record = forced.clone().or_else(|| {
            path.file_stem()
                .and_then(|s| s.to_str())
                .and_then(RecordId::from_file_name)
        });
        let Some(record) = record else {
            totals.rejected.push((
                path,
                "no record id: the file name has no digits (use --record-id)".to_owned(),
            ));
            continue;
        };
        let documents = DirDocuments::new(match &args.documents {
            Some(dir) => dir.clone(),
            None => path
                .parent()
                .map_or_else(|| PathBuf::from("."), Path::to_path_buf),
        });
        jobs.push(Job {
            path,
            record,
            format,
            documents,
        });
    }
    Ok(jobs)
}

fn rdf_format(path: &Path) -> Option<RdfFormat> {
    path.extension()
        .and_then(|e| e.to_str())
        .and_then(RdfFormat::from_extension)
}

/// The RDF files directly in `dir`, sorted.
fn rdf_files_in(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_file() && rdf_format(&path).is_some() {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

/// Reads, validates and splits one file. The error is the reason, its first line a
/// one-line summary; `details` adds the details of an older-vocabulary rejection.
fn prepare_file(
    job: &Job,
    validation: Validation,
    api_base: &ApiBase,
    details: bool,
) -> Result<PreparedRecord, String> {
    let bytes = std::fs::read(&job.path).map_err(|e| format!("cannot read: {e}"))?;
    // The same steps as the web UI's import: parse, to storage form, prepare.
    smart_store::import::prepare_file(
        &bytes,
        job.format,
        job.record.clone(),
        api_base,
        validation,
        &job.documents,
    )
    .map_err(|e| match e {
        FileError::Import(e) => describe(&e, details),
        other => other.to_string(),
    })
}

/// The reason printed for a rejected file: the error, then the validation errors. A file
/// in an older SMART vocabulary gets its one line, plus with `details` (`--warnings`)
/// every finding behind it.
fn describe(e: &ImportError, details: bool) -> String {
    let mut text = e.to_string();
    if let Some(report) = e.report() {
        if report.is_older_vocabulary() {
            if details {
                for finding in report.details() {
                    text.push_str("\n    ");
                    text.push_str(&finding.message());
                }
            }
            return text;
        }
        let errors: Vec<_> = report.errors().collect();
        for finding in errors.iter().take(MAX_FINDINGS) {
            text.push_str("\n    ");
            text.push_str(&finding.message());
        }
        if errors.len() > MAX_FINDINGS {
            text.push_str(&format!(
                "\n    ... and {} more errors",
                errors.len() - MAX_FINDINGS
            ));
        }
    }
    text
}

/// Prints one file's outcome and adds it to the totals.
fn report(
    job: &Job,
    outcome: Result<(PreparedRecord, smart_store::import::ImportSummary), String>,
    all_warnings: bool,
    totals: &mut Totals,
) -> std::io::Result<()> {
    let path = job.path.display();
    match outcome {
        Ok((prepared, summary)) => {
            let warnings = prepared.report.warning_count() + prepared.warnings.len();
            totals.patients += 1;
            totals.statements += summary.statements;
            totals.triples += summary.triples;
            totals.documents += summary.documents;
            totals.warnings += warnings;
            outln!(
                "{path}: record {}: {} statements, {} triples, {} documents{}",
                summary.record,
                summary.statements,
                summary.triples,
                summary.documents,
                if warnings > 0 {
                    format!(", {warnings} warnings")
                } else {
                    String::new()
                }
            );
            for w in &prepared.warnings {
                outln!("{path}: warning: {w}");
            }
            if all_warnings {
                for f in prepared.report.warnings() {
                    outln!("{path}: {f}");
                }
            }
        }
        Err(reason) => {
            tracing::info!(file = %path, "rejected");
            let line = format!("{path}: REJECTED: {reason}");
            totals.rejected.push((job.path.clone(), reason));
            outln!("{line}");
        }
    }
    Ok(())
}

fn print_summary(totals: &Totals, elapsed: Duration) -> std::io::Result<()> {
    let seconds = elapsed.as_secs_f64().max(1e-9);
    outln!(
        "imported {} patients, {} statements, {} triples, {} documents in {seconds:.2} s \
         ({:.1} patients/s, {:.0} triples/s); {} warnings; {} rejected",
        totals.patients,
        totals.statements,
        totals.triples,
        totals.documents,
        totals.patients as f64 / seconds,
        totals.triples as f64 / seconds,
        totals.warnings,
        totals.rejected.len()
    );
    for (path, reason) in &totals.rejected {
        let first_line = reason.lines().next().unwrap_or_default();
        outln!("rejected: {}: {first_line}", path.display());
    }
    Ok(())
}

/// A progress bar with a rate, on stderr, hidden unless both stdout and stderr are
/// terminals (so logs and piped output stay clean).
fn progress_bar(len: u64) -> Result<ProgressBar> {
    if !(std::io::stdout().is_terminal() && std::io::stderr().is_terminal()) {
        return Ok(ProgressBar::with_draw_target(
            Some(len),
            ProgressDrawTarget::hidden(),
        ));
    }
    let bar = ProgressBar::new(len);
    bar.set_style(
        ProgressStyle::with_template(
            "{bar:40} {pos}/{len} files  {per_sec}  elapsed {elapsed_precise}  eta {eta}",
        )
        .context("progress bar template")?,
    );
    bar.enable_steady_tick(Duration::from_millis(200));
    Ok(bar)
}
