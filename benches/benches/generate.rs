//! Sample-patient generation: building one patient's graph, and serializing it as
//! RDF/XML (what `smart generate` does per patient).
//!
//! Run with `cargo bench -p smart-benches --bench generate`.
#![expect(
    missing_docs,
    reason = "criterion_group! generates an undocumented function"
)]

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use smart_rdf::RdfFormat;
use smart_samples::Generator;

fn generate(c: &mut Criterion) {
    let generator = Generator::new(1);
    // Ten consecutive patients: a mix of ages and conditions, as a run would have.
    let triples: usize = (0..10)
        .map(|i| generator.generate_patient(i).graph.len())
        .sum();
    let mut group = c.benchmark_group("generate_10_patients");
    group.throughput(Throughput::Elements(triples as u64));
    group.sample_size(10);
    group.bench_function("graphs", |b| {
        b.iter(|| {
            (0..10)
                .map(|i| generator.generate_patient(i).graph.len())
                .sum::<usize>()
        })
    });
    let patients: Vec<_> = (0..10).map(|i| generator.generate_patient(i)).collect();
    group.bench_function("rdfxml", |b| {
        b.iter(|| {
            patients
                .iter()
                .map(|p| p.to_rdf(RdfFormat::RdfXml).len())
                .sum::<usize>()
        })
    });
    group.finish();
}

criterion_group!(benches, generate);
criterion_main!(benches);
