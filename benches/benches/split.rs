//! Splitting records into statement graphs, and Accept negotiation.
//!
//! `synthetic` needs no data; `reference` splits the largest reference patient when the
//! shared material is present (`SMART_SHARED_DIR`, or `shared/` beside the clone).

use std::hint::black_box;

use criterion::{Criterion, criterion_main};
use smart_core::RecordId;
use smart_rdf::{ApiBase, RdfFormat, negotiate::negotiate, parse, split_record, to_public};

/// A record with `n` medications, each with two fulfillments and a coded drug name.
fn synthetic_turtle(n: usize) -> String {
    let mut ttl = String::from(
        "@prefix sp: <http://smartplatforms.org/terms#> .\n\
         @prefix dcterms: <http://purl.org/dc/terms/> .\n\
         _:rec a sp:MedicalRecord .\n",
    );
    for i in 0..n {
        let (day, month, code) = (i % 28 + 1, i % 12 + 1, i % 50);
        ttl.push_str(&format!(
            "_:m{i} a sp:Medication ; sp:belongsTo _:rec ; sp:startDate \"2008-01-{day:02}\" ;\n\
               sp:drugName [ a sp:CodedValue ; sp:code <http://purl.bioontology.org/ontology/RXNORM/{code}> ] ;\n\
               sp:fulfillment _:f{i}a, _:f{i}b .\n\
             <http://purl.bioontology.org/ontology/RXNORM/{code}> a sp:Code .\n\
             _:f{i}a a sp:Fulfillment ; sp:medication _:m{i} ; dcterms:date \"2009-{month:02}-01\" .\n\
             _:f{i}b a sp:Fulfillment ; sp:medication _:m{i} ; dcterms:date \"2009-{month:02}-11\" .\n"
        ));
    }
    ttl
}

fn bench_split(c: &mut Criterion) {
    let record = RecordId::new("1").expect("valid record id");
    let graph = parse(synthetic_turtle(500).as_bytes(), RdfFormat::Turtle, None)
        .expect("the synthetic record parses");
    c.bench_function("split/synthetic-500-medications", |b| {
        b.iter(|| split_record(black_box(&graph), &record))
    });

    let Some(shared) = smart_benches::shared_dir() else {
        eprintln!("reference patients not found; skipping the reference benchmark");
        return;
    };
    // The largest file is the most telling.
    let largest = std::fs::read_dir(shared.join("data/reference-patients"))
        .into_iter()
        .flatten()
        .flatten()
        .max_by_key(|e| e.metadata().map(|m| m.len()).unwrap_or(0));
    let Some(entry) = largest else { return };
    let Ok(bytes) = std::fs::read(entry.path()) else {
        return;
    };
    let Ok(graph) = parse(&bytes, RdfFormat::RdfXml, None) else {
        return;
    };
    let name = entry.file_name().to_string_lossy().into_owned();
    let Some(record) = RecordId::from_file_name(&name) else {
        return;
    };
    c.bench_function("split/reference-largest", |b| {
        b.iter(|| split_record(black_box(&graph), &record))
    });
    if let (Ok(split), Ok(api)) = (
        split_record(&graph, &record),
        ApiBase::new("https://smart.example.org/api"),
    ) {
        c.bench_function("split/to_public-largest", |b| {
            b.iter(|| {
                split
                    .statements
                    .iter()
                    .map(|s| to_public(black_box(&s.graph), &api).len())
                    .sum::<usize>()
            })
        });
    }
}

fn bench_negotiate(c: &mut Criterion) {
    let browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
    c.bench_function("negotiate/browser", |b| {
        b.iter(|| negotiate(black_box(Some(browser))))
    });
}

// Written out rather than with `criterion_group!`, whose generated `pub fn` has no docs.
fn benches() {
    let mut c = Criterion::default().configure_from_args();
    bench_split(&mut c);
    bench_negotiate(&mut c);
}

criterion_main!(benches);
