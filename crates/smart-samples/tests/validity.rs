//! Generated patients against the SMART model: strict validation, coverage of every
//! statement class, and the record links.

use std::collections::BTreeSet;

use smart_rdf::validate::{ValidationOptions, validate};
use smart_samples::Generator;

/// The statement classes a record can hold (the abstract bases cannot be instantiated).
fn concrete_statement_classes() -> BTreeSet<&'static str> {
    smart_core::model::statement_classes()
        .filter(|c| c.base_path.is_some())
        .map(|c| c.iri)
        .collect()
}

#[test]
fn two_hundred_patients_are_strictly_valid_and_cover_every_statement_class() {
    let generator = Generator::new(2024);
    let mut seen = BTreeSet::new();
    let mut failures = Vec::new();
    for index in 0..200 {
        let patient = generator.generate_patient(index);
        let report = validate(&patient.graph, &ValidationOptions::strict());
        if !report.is_valid() {
            failures.push(format!(
                "patient {index} ({}): {} errors, first: {}",
                patient.record_id,
                report.error_count(),
                report
                    .errors()
                    .take(3)
                    .map(|f| f.to_string())
                    .collect::<Vec<_>>()
                    .join(" | ")
            ));
        }
        for t in patient.graph.iter() {
            if t.predicate == oxrdf::vocab::rdf::TYPE {
                if let oxrdf::TermRef::NamedNode(n) = t.object {
                    seen.insert(n.as_str().to_owned());
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    let missing: Vec<&str> = concrete_statement_classes()
        .into_iter()
        .filter(|c| !seen.contains(*c))
        .collect();
    assert!(
        missing.is_empty(),
        "statement classes never generated: {missing:?}"
    );
}
