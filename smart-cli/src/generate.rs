//! `smart generate`: writes synthetic sample patients, in parallel, with a progress bar.

use std::path::Path;
use std::process::ExitCode;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use indicatif::{ProgressBar, ProgressStyle};
use smart_rdf::RdfFormat;
use smart_samples::{Generator, MAX_PATIENTS};

/// What the workers produced.
#[derive(Debug, Default)]
struct Totals {
    statements: u64,
    triples: u64,
    bytes: u64,
}

/// Generates `patients` patients of `seed` into `out` with `threads` workers.
pub(crate) fn generate(
    patients: u64,
    seed: u64,
    out: &Path,
    format: RdfFormat,
    threads: usize,
) -> Result<ExitCode> {
    if patients == 0 || patients > MAX_PATIENTS {
        bail!("--patients must be between 1 and {MAX_PATIENTS}, not {patients}");
    }
    if threads == 0 {
        bail!("--threads must be at least 1");
    }
    std::fs::create_dir_all(out)
        .with_context(|| format!("cannot create the output directory {}", out.display()))?;
    let started = Instant::now();
    let generator = Generator::new(seed);
    let bar = ProgressBar::new(patients);
    bar.set_style(
        ProgressStyle::with_template(
            "{bar:40} {pos}/{len} patients  {per_sec}  elapsed {elapsed_precise}  eta {eta}",
        )
        .context("progress bar template")?,
    );
    bar.enable_steady_tick(Duration::from_millis(200));

    // Workers take the next index from a shared counter, so a slow patient does not hold
    // up a fixed share of the work; every patient depends only on (seed, index), so the
    // files are the same whichever worker writes them.
    let next = AtomicU64::new(0);
    let stop = AtomicBool::new(false);
    let first_error: Mutex<Option<anyhow::Error>> = Mutex::new(None);
    let totals = Mutex::new(Totals::default());
    std::thread::scope(|scope| {
        for _ in 0..threads.min(patients as usize) {
            scope.spawn(|| {
                let mut mine = Totals::default();
                while !stop.load(Ordering::Relaxed) {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    if index >= patients {
                        break;
                    }
                    let patient = generator.generate_patient(index);
                    match patient.write_to(out, format) {
                        Ok(bytes) => {
                            mine.statements += patient.statements as u64;
                            mine.triples += patient.graph.len() as u64;
                            mine.bytes += bytes;
                            bar.inc(1);
                        }
                        Err(e) => {
                            stop.store(true, Ordering::Relaxed);
                            let error = anyhow::Error::new(e).context(format!(
                                "cannot write patient {} into {}",
                                patient.record_id,
                                out.display()
                            ));
                            if let Ok(mut slot) = first_error.lock() {
                                slot.get_or_insert(error);
                            }
                        }
                    }
                }
                if let Ok(mut t) = totals.lock() {
                    t.statements += mine.statements;
                    t.triples += mine.triples;
                    t.bytes += mine.bytes;
                }
            });
        }
    });
    bar.finish_and_clear();
    if let Some(e) = first_error.into_inner().ok().flatten() {
        return Err(e);
    }
    let totals = totals.into_inner().unwrap_or_default();
    let seconds = started.elapsed().as_secs_f64().max(1e-9);
    println!(
        "{patients} patients, {} statements, {} triples, {:.1} MB in {}: {seconds:.2} s \
         ({:.1} patients/s, {:.0} triples/s; seed {seed}, today {})",
        totals.statements,
        totals.triples,
        totals.bytes as f64 / 1e6,
        out.display(),
        patients as f64 / seconds,
        totals.triples as f64 / seconds,
        generator.today()
    );
    Ok(ExitCode::SUCCESS)
}
