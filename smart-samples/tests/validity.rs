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

#[test]
fn same_seed_same_bytes_in_any_order_other_seed_differs() {
    let a = Generator::new(11);
    let forward: Vec<Vec<u8>> = (0..5)
        .map(|i| a.generate_patient(i).to_rdf(smart_rdf::RdfFormat::RdfXml))
        .collect();
    let b = Generator::new(11);
    for i in (0..5).rev() {
        let p = b.generate_patient(i);
        assert_eq!(
            p.to_rdf(smart_rdf::RdfFormat::RdfXml),
            forward[i as usize],
            "patient {i}"
        );
    }
    let other = Generator::new(12);
    assert_ne!(
        other
            .generate_patient(0)
            .to_rdf(smart_rdf::RdfFormat::RdfXml),
        forward[0]
    );
    assert_ne!(other.record_id(0), a.record_id(0));
}

#[test]
fn record_ids_are_distinct_seven_digit_numbers() {
    let g = Generator::new(3);
    let ids: BTreeSet<String> = (0..20_000).map(|i| g.record_id(i)).collect();
    assert_eq!(ids.len(), 20_000);
    assert!(
        ids.iter()
            .all(|id| id.len() == 7 && id.bytes().all(|b| b.is_ascii_digit()))
    );
}

#[test]
fn files_round_trip_split_and_name_their_documents() {
    let g = Generator::new(5);
    for i in 0..10 {
        let p = g.generate_patient(i);
        for format in [smart_rdf::RdfFormat::RdfXml, smart_rdf::RdfFormat::Turtle] {
            let bytes = p.to_rdf(format);
            let back = smart_rdf::parse(&bytes, format, None).expect("generated RDF parses");
            assert_eq!(back.len(), p.graph.len(), "{} in {format}", p.record_id);
        }
        assert_eq!(
            p.file_name(smart_rdf::RdfFormat::RdfXml),
            format!("p{}.xml", p.record_id)
        );
        let record = smart_core::RecordId::new(p.record_id.clone()).expect("record id");
        let split = smart_rdf::split_record(&p.graph, &record).expect("splits");
        assert!(
            split.orphans.is_empty(),
            "{}: orphans {:?}",
            p.record_id,
            split.orphans
        );
        assert_eq!(split.statements.len(), p.statements);
        // Every sp:fileName has its attachment, and every attachment is named.
        let names: BTreeSet<String> = p
            .graph
            .triples_for_predicate(oxrdf::NamedNodeRef::new_unchecked(
                "http://smartplatforms.org/terms#fileName",
            ))
            .filter_map(|t| match t.object {
                oxrdf::TermRef::Literal(l) => Some(l.value().to_owned()),
                _ => None,
            })
            .collect();
        let files: BTreeSet<String> = p.documents.iter().map(|d| d.file_name.clone()).collect();
        assert_eq!(names, files, "{}", p.record_id);
    }
}
