//! `example-background-app`: walks every record of a SMART container and prints the
//! patients whose last blood pressure is 140/90 mmHg or more.
//!
//! Usage: `example-background-app API_BASE CONSUMER_KEY` with the consumer secret in the
//! environment variable `SMART_CONSUMER_SECRET` (never on the command line, where other
//! users of the machine could read it), e.g. after registering
//! `examples/background-app/manifest.json` with `smart apps register`.

use example_background_app::{App, HIGH};
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [api_base, key] = args.as_slice() else {
        eprintln!(
            "usage: example-background-app API_BASE CONSUMER_KEY (secret in SMART_CONSUMER_SECRET)"
        );
        return ExitCode::from(2);
    };
    let Ok(secret) = std::env::var("SMART_CONSUMER_SECRET") else {
        eprintln!("set SMART_CONSUMER_SECRET to the app's consumer secret");
        return ExitCode::from(2);
    };
    let app = App::new(api_base, key, &secret);
    let rows = match app.walk().await {
        Ok(rows) => rows,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut high = 0;
    for row in &rows {
        if let (Some(bp), Some(date)) = (row.last_bp, &row.last_bp_date)
            && bp.is_high(HIGH)
        {
            high += 1;
            println!(
                "{}\t{}\t{:.0}/{:.0} mmHg on {}",
                row.record_id,
                row.name,
                bp.systolic,
                bp.diastolic,
                &date[..date.len().min(10)]
            );
        }
    }
    println!(
        "{high} of {} records have a last blood pressure of {:.0}/{:.0} or more",
        rows.len(),
        HIGH.systolic,
        HIGH.diastolic
    );
    ExitCode::SUCCESS
}
