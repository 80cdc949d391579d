//! Example: validate a SMART patient file and split it into statement graphs, the way an
//! importer does before storing a record.
//!
//! Run with `cargo run -p example-validate-file -- PATIENT.xml [RECORD_ID]`.

use smart_core::RecordId;
use smart_rdf::validate::{ValidationOptions, validate};
use smart_rdf::{RdfFormat, parse, split_record};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .ok_or("usage: example-validate-file PATIENT.xml [RECORD_ID]")?;
    let record = match args.next() {
        Some(id) => RecordId::new(id)?,
        None => {
            RecordId::from_file_name(&path).ok_or("no digits in the file name; pass a record id")?
        }
    };

    let graph = parse(&std::fs::read(&path)?, RdfFormat::RdfXml, None)?;
    let report = validate(&graph, &ValidationOptions::lenient());
    println!(
        "{path}: {} triples, {} errors, {} warnings",
        graph.len(),
        report.error_count(),
        report.warning_count()
    );
    for finding in report.errors() {
        println!("  {}", finding.message());
    }
    if !report.is_valid() {
        return Err("the file is not valid".into());
    }

    let split = split_record(&graph, &record)?;
    println!("record {} -> {}", split.record, split.record_iri);
    for (class, count) in split.counts() {
        println!("  {count:>5} {}", smart_core::vocab::compact(class));
    }
    Ok(())
}
