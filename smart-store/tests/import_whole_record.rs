//! Whole-record files (issue 17): files written as the original de-identified patients
//! are (statements as blank nodes, no record node, no `sp:belongsTo`), files mixing
//! linked and unlinked statements, files naming another record, and files in a SMART
//! vocabulary older than 0.6. The fixtures under `tests/fixtures` were written for these
//! tests.

use std::path::Path;

use oxrdf::{Graph, NamedNodeRef, TermRef};
use smart_core::RecordId;
use smart_rdf::validate::{Rule, Severity};
use smart_rdf::{RdfFormat, parse};
use smart_store::blobs::MemoryBlobs;
use smart_store::clinical::{ClinicalStore, MemoryClinicalStore, StatementQuery};
use smart_store::directory::MemoryDirectory;
use smart_store::import::{ImportErrorKind, NoDocuments, Validation, commit, prepare};

fn fixture(name: &str) -> Graph {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    parse(&bytes, RdfFormat::RdfXml, None).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn record(id: &str) -> RecordId {
    RecordId::new(id).expect("record id")
}

/// Nodes typed with a statement class, counted in the file itself.
fn statements_in(graph: &Graph) -> usize {
    let mut nodes = std::collections::HashMap::<_, Vec<&str>>::new();
    for t in graph.triples_for_predicate(oxrdf::vocab::rdf::TYPE) {
        if let TermRef::NamedNode(class) = t.object {
            nodes.entry(t.subject).or_default().push(class.as_str());
        }
    }
    nodes
        .into_values()
        .filter(|types| smart_core::model::statement_class_of(types.iter().copied()).is_some())
        .count()
}

fn belongs_to() -> NamedNodeRef<'static> {
    NamedNodeRef::new_unchecked(smart_core::sp!("belongsTo"))
}

#[tokio::test]
async fn a_whole_record_file_without_links_imports_in_both_modes_and_every_statement_is_linked() {
    let graph = fixture("whole-record/p5550001.xml");
    assert_eq!(
        graph.triples_for_predicate(belongs_to()).count(),
        0,
        "the fixture has no sp:belongsTo"
    );
    let id = record("5550001");
    for validation in [Validation::Strict, Validation::Lenient] {
        let prepared = prepare(&graph, id.clone(), validation, &NoDocuments)
            .unwrap_or_else(|e| panic!("{validation:?}: {e}"));
        assert!(prepared.report.findings.is_empty(), "{}", prepared.report);
        assert!(prepared.warnings.is_empty(), "{:?}", prepared.warnings);
        assert_eq!(prepared.label, "Ada Quill");
        // Demographics, two vital-sign sets, their one shared encounter, a problem and a
        // lab result.
        assert_eq!(prepared.split.statements.len(), 6);
        assert_eq!(prepared.split.statements.len(), statements_in(&graph));

        let clinical = MemoryClinicalStore::in_memory().expect("store");
        let summary = commit(
            &clinical,
            &MemoryDirectory::new(),
            &MemoryBlobs::new(),
            &prepared,
        )
        .await
        .expect("commit");
        assert_eq!(summary.statements, 6);
        // Every stored statement now belongs to the record, and the record lists it.
        let record_iri = smart_rdf::split::record_iri(&id);
        for s in &prepared.split.statements {
            let stored = clinical
                .statement(&id, &s.iri)
                .await
                .expect("read")
                .expect("stored");
            let links: Vec<_> = stored
                .objects_for_subject_predicate(&s.iri, belongs_to())
                .collect();
            assert_eq!(links, vec![TermRef::from(record_iri.as_ref())], "{}", s.iri);
        }
        for (class, count) in prepared.split.counts() {
            let page = clinical
                .query(&id, &StatementQuery::all(class))
                .await
                .expect("query");
            assert_eq!(page.total, count, "{class}");
        }
    }
}

#[test]
fn a_file_mixing_linked_and_unlinked_statements_imports_strictly() {
    let graph = fixture("whole-record/p5550002.xml");
    assert_eq!(graph.triples_for_predicate(belongs_to()).count(), 2);
    let prepared = prepare(&graph, record("5550002"), Validation::Strict, &NoDocuments)
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(prepared.report.findings.is_empty(), "{}", prepared.report);
    // The record node and its links are the record's own, not orphans.
    assert!(prepared.warnings.is_empty(), "{:?}", prepared.warnings);
    assert_eq!(prepared.split.statements.len(), 4);
    assert_eq!(prepared.split.statements.len(), statements_in(&graph));
    assert_eq!(prepared.label, "Bram Ostrander");
}

#[test]
fn a_file_naming_another_record_is_refused_in_both_modes() {
    let graph = fixture("whole-record/p5550003.xml");
    for validation in [Validation::Strict, Validation::Lenient] {
        let err = prepare(&graph, record("5550003"), validation, &NoDocuments).unwrap_err();
        assert_eq!(err.kind(), ImportErrorKind::Invalid, "{err}");
        let report = err.report().expect("a validation report");
        assert_eq!(report.error_count(), 1, "{report}");
        let finding = report.errors().next().expect("one error");
        assert_eq!(finding.rule, Rule::BelongsTo);
        let message = err.to_string();
        assert!(message.contains("records/5550999"), "{message}");
        assert!(message.contains("record 5550003"), "{message}");
    }
    // Imported as the record it names, it is fine.
    prepare(&graph, record("5550999"), Validation::Strict, &NoDocuments)
        .unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn a_file_in_an_older_vocabulary_is_refused_with_one_line_naming_its_terms() {
    let graph = fixture("older-vocabulary/p5550004.xml");
    for validation in [Validation::Strict, Validation::Lenient] {
        let err = prepare(&graph, record("5550004"), validation, &NoDocuments).unwrap_err();
        assert_eq!(err.kind(), ImportErrorKind::Invalid);
        let message = err.to_string();
        assert!(!message.contains('\n'), "{message}");
        assert!(message.starts_with("record 5550004: "), "{message}");
        assert!(message.contains("older than 0.6"), "{message}");
        assert!(message.contains("sp:AllergyException"), "{message}");
        assert!(message.contains("sp:ResultRange"), "{message}");
        let report = err.report().expect("a validation report");
        assert!(report.is_older_vocabulary());
        assert_eq!(report.error_count(), 1, "{report}");
        // The details behind it are kept for --warnings.
        assert!(report.detail_count() > 10, "{report}");
        assert!(message.contains(&format!("({} details)", report.detail_count())));
        assert!(
            report
                .details()
                .all(|f| f.severity == Severity::Detail && f.rule != Rule::OlderVocabulary)
        );
    }
}
