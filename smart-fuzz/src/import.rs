//! The patient importer on one file, as `smart import` and the web UI's record import run
//! it: [`smart_store::import::prepare_file`].

use oxrdf::{NamedNodeRef, TripleRef, vocab::rdf};
use smart_core::{RecordId, sp};
use smart_rdf::split::{STORAGE_BASE, record_iri};
use smart_rdf::{ApiBase, RdfFormat};
use smart_store::import::{
    FileError, ImportErrorKind, MemoryDocuments, PreparedRecord, Validation, prepare_file,
};

/// The API base an export of this container would use.
pub const API_BASE: &str = "https://smart.example.org/api";
/// The record the file is imported as.
pub const RECORD: &str = "99912345";
/// The one document the source holds.
pub const DOCUMENT: &str = "letter.txt";

/// One patient file: the first byte picks the format (its value mod 4, in the order of
/// [`RdfFormat::ALL`]) and strict or lenient validation (bit 2); the rest is the file.
/// Invariants: never panics; the file is either refused whole, by the parser or with an
/// import error of a client's kind ([`ImportErrorKind::Invalid`] or
/// [`ImportErrorKind::MissingDocument`]) naming the record, or accepted whole: the same
/// file prepares to the same statements (imports are idempotent), statement IRIs are
/// distinct and under the record, each statement belongs to the record and the record
/// lists each, each statement graph round-trips in every format, and every document the statements name is carried (strict) or reported
/// missing (lenient).
pub fn check_import(data: &[u8]) {
    let Some((&selector, body)) = data.split_first() else {
        return;
    };
    let format = RdfFormat::ALL[usize::from(selector) % RdfFormat::ALL.len()];
    let validation = if selector & 4 == 0 {
        Validation::Strict
    } else {
        Validation::Lenient
    };
    let record = RecordId::new(RECORD).expect("the harness's record id is valid");
    let base = ApiBase::new(API_BASE).expect("the harness's API base is valid");
    let mut documents = MemoryDocuments::new();
    documents.insert(
        DOCUMENT,
        Some("text/plain".to_owned()),
        b"Dear colleague".to_vec(),
    );
    let prepare = || prepare_file(body, format, record.clone(), &base, validation, &documents);
    let prepared = match prepare() {
        Ok(prepared) => prepared,
        Err(FileError::Parse(e)) => {
            assert!(e.to_string().len() > 10, "a parse error without a message");
            return;
        }
        Err(FileError::Import(e)) => {
            assert!(
                matches!(
                    e.kind(),
                    ImportErrorKind::Invalid | ImportErrorKind::MissingDocument
                ),
                "a file was refused as if a store or disk had failed: {e}"
            );
            assert_eq!(e.record(), &record);
            assert!(
                e.to_string().starts_with(&format!("record {RECORD}: ")),
                "{e}"
            );
            if e.kind() == ImportErrorKind::MissingDocument {
                assert_eq!(validation, Validation::Strict, "lenient mode refused: {e}");
            }
            return;
        }
        Err(other) => panic!("an unexpected import error: {other}"),
    };
    check_prepared(&prepared, &record, validation);
    let again = prepare().expect("the same file was accepted once");
    assert_eq!(
        again.split, prepared.split,
        "the import is not deterministic"
    );
    assert_eq!(again.documents, prepared.documents);
}

fn check_prepared(prepared: &PreparedRecord, record: &RecordId, validation: Validation) {
    let split = &prepared.split;
    assert_eq!(&split.record, record);
    let record_node = record_iri(record);
    assert!(
        prepared.report.is_valid(),
        "accepted with validation errors"
    );
    let prefix = format!("{STORAGE_BASE}/records/{record}");
    let belongs_to = NamedNodeRef::new_unchecked(sp!("belongsTo"));
    let has_statement = NamedNodeRef::new_unchecked(sp!("hasStatement"));
    assert!(
        split.record_graph.contains(TripleRef::new(
            &record_node,
            rdf::TYPE,
            NamedNodeRef::new_unchecked(sp!("MedicalRecord"))
        )),
        "the record graph does not type the record"
    );
    for (i, statement) in split.statements.iter().enumerate() {
        let iri = statement.iri.as_str();
        assert!(
            iri.starts_with(&prefix),
            "statement {iri} is not under {prefix}"
        );
        if i > 0 {
            assert!(
                split.statements[i - 1].iri.as_str() < iri,
                "statements are not ordered by distinct IRIs"
            );
        }
        assert!(
            statement
                .graph
                .contains(TripleRef::new(&statement.iri, belongs_to, &record_node)),
            "statement {iri} does not belong to the record"
        );
        assert!(
            split.record_graph.contains(TripleRef::new(
                &record_node,
                has_statement,
                &statement.iri
            )),
            "the record does not list statement {iri}"
        );
        // What `smart export` and the API answers write.
        crate::rdf::check_round_trips(&statement.graph);
    }
    assert_eq!(
        split.record_graph.len(),
        split.statements.len() + 1,
        "the record graph holds more than the record's type and its statements"
    );
    let carried = prepared.documents.iter().any(|d| d.file_name == DOCUMENT);
    let missing_warnings = prepared
        .warnings
        .iter()
        .filter(|w| w.contains("is missing"))
        .count();
    for d in &prepared.documents {
        assert_eq!(d.file_name, DOCUMENT, "a document the source does not hold");
        assert_eq!(d.bytes, b"Dear colleague");
    }
    if validation == Validation::Strict {
        assert_eq!(
            missing_warnings, 0,
            "strict mode accepted missing documents"
        );
    }
    assert!(prepared.documents.len() <= 1 && (carried || prepared.documents.is_empty()));
}
