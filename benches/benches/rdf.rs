//! RDF throughput on a real patient: parsing and serializing the largest reference patient
//! (about 12k triples) in each format, and building the ontology document.
//!
//! Run with `cargo bench -p smart-benches --bench rdf`. Needs `../shared` beside the clone
//! (or `SMART_SHARED_DIR`).
#![expect(
    missing_docs,
    reason = "criterion_group! generates an undocumented function"
)]

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use smart_rdf::{RdfFormat, parse, serialize};

fn largest_patient() -> Vec<u8> {
    let dir = smart_benches::reference_patients_dir()
        .expect("reference patients not found: set SMART_SHARED_DIR");
    let path = dir.join("p1796238.xml");
    std::fs::read(&path).unwrap_or_else(|e| panic!("benchmark input {}: {e}", path.display()))
}

fn rdf(c: &mut Criterion) {
    let xml = largest_patient();
    let graph = parse(&xml, RdfFormat::RdfXml, None).expect("reference patient parses");
    let mut group = c.benchmark_group("patient_p1796238");
    group.throughput(Throughput::Elements(graph.len() as u64));
    group.bench_function("parse_rdfxml", |b| {
        b.iter(|| parse(&xml, RdfFormat::RdfXml, None))
    });
    for format in RdfFormat::ALL {
        group.bench_function(format!("serialize_{}", format.file_extension()), |b| {
            b.iter(|| serialize(&graph, format))
        });
    }
    group.finish();
    c.bench_function("ontology_document_rdfxml", |b| {
        b.iter(|| smart_rdf::ontology::ontology_document(RdfFormat::RdfXml))
    });
}

criterion_group!(benches, rdf);
criterion_main!(benches);
