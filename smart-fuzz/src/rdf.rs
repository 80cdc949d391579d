//! Clinical-note bodies: the steps `POST /records/{id}/clinical_notes/` runs before it
//! stores anything (parse, rebase to storage form, validate, split and mint statement
//! ids), on arbitrary bytes.

use oxrdf::dataset::CanonicalizationAlgorithm;
use oxrdf::{Graph, TermRef};
use smart_core::{RecordId, sp};
use smart_rdf::split::{STORAGE_BASE, mint_for_post, record_iri, to_storage};
use smart_rdf::validate::{PayloadRules, ValidationOptions, validate};
use smart_rdf::{ApiBase, RdfFormat, RdfParseError};

/// The API base the harness parses against (relative IRIs resolve under it).
pub const API_BASE: &str = "https://smart.example.org/api";

/// The record the notes are posted to.
pub const RECORD: &str = "2169591";

/// Graphs with more blank nodes than this are compared by size after a round trip, not
/// by isomorphism (canonicalising many blank nodes is slow, and slowness is not what this
/// harness hunts for).
const MAX_BLANK_NODES_FOR_ISOMORPHISM: usize = 64;

/// An RDF/XML note body.
pub fn check_rdfxml_note(data: &[u8]) {
    check_note(data, RdfFormat::RdfXml);
}

/// A Turtle note body.
pub fn check_turtle_note(data: &[u8]) {
    check_note(data, RdfFormat::Turtle);
}

/// A note body in the format its first byte picks (RDF/XML, Turtle, N-Triples, JSON-LD),
/// the rest being the body: one target for all four parsers.
pub fn check_any_note(data: &[u8]) {
    let Some((&selector, body)) = data.split_first() else {
        return;
    };
    let format = RdfFormat::ALL[usize::from(selector) % RdfFormat::ALL.len()];
    check_note(body, format);
}

/// The note pipeline on one body in one format. Invariants:
///
/// - parsing never panics; a refusal has a message naming the format, and an RDF/XML body
///   declaring an entity is refused as [`RdfParseError::EntityDeclaration`] (never
///   expanded);
/// - a parsed graph serializes in every format to a document that parses back to an
///   isomorphic graph;
/// - validation and splitting never panic and are deterministic; a note that validates
///   splits into statements of this record only, each of class `sp:ClinicalNote`, with
///   distinct IRIs under the record, every statement graph links to the record, and
///   round-trips in every format as the answers write it.
pub fn check_note(body: &[u8], format: RdfFormat) {
    let base = ApiBase::new(API_BASE).expect("the harness's API base is valid");
    let parsed = match smart_rdf::parse(body, format, Some(base.as_str())) {
        Ok(graph) => graph,
        Err(e) => {
            check_parse_error(&e, body, format);
            return;
        }
    };
    if format == RdfFormat::RdfXml {
        assert!(
            !smart_rdf::format::declares_entities(body),
            "an RDF/XML body declaring entities was parsed"
        );
    }
    check_round_trips(&parsed);

    let graph = to_storage(&parsed, &base);
    assert_eq!(graph.len(), parsed.len(), "rebasing lost or merged triples");
    let record = RecordId::new(RECORD).expect("the harness's record id is valid");
    let record_node = record_iri(&record);
    let options = ValidationOptions::strict().with_payload(
        PayloadRules::allowing(&[sp!("ClinicalNote")]).for_record(record_node.as_str()),
    );
    let report = validate(&graph, &options);
    assert_eq!(
        report,
        validate(&graph, &options),
        "validation is not deterministic"
    );
    for finding in report.errors() {
        assert!(
            !finding.to_string().trim().is_empty(),
            "a finding without a message"
        );
    }
    if !report.is_valid() {
        return;
    }
    let mut next = 0u32;
    let fresh = |_: &'static smart_core::ClassDef| {
        next += 1;
        format!("n{next}")
    };
    let split = match mint_for_post(&graph, &record, fresh) {
        Ok(split) => split,
        Err(e) => {
            assert!(!e.to_string().is_empty(), "a split error without a message");
            return;
        }
    };
    let prefix = format!("{STORAGE_BASE}/records/{RECORD}/");
    let belongs_to = oxrdf::NamedNodeRef::new_unchecked(sp!("belongsTo"));
    let mut iris: Vec<&str> = Vec::new();
    for statement in &split.statements {
        assert!(
            statement.iri.as_str().starts_with(&prefix),
            "statement {} is not under record {RECORD}",
            statement.iri
        );
        assert_eq!(
            statement.class.iri,
            sp!("ClinicalNote"),
            "a note body stored a statement of another class"
        );
        assert!(
            statement.graph.contains(oxrdf::TripleRef::new(
                &statement.iri,
                belongs_to,
                &record_node
            )),
            "statement {} does not belong to the record",
            statement.iri
        );
        iris.push(statement.iri.as_str());
        // What the reply and later GETs write: the stored graph under the public base.
        check_round_trips(&smart_rdf::to_public(&statement.graph, &base));
    }
    let count = iris.len();
    iris.sort_unstable();
    iris.dedup();
    assert_eq!(iris.len(), count, "two statements got the same IRI");
}

/// A refusal is typed and explains itself.
fn check_parse_error(error: &RdfParseError, body: &[u8], format: RdfFormat) {
    let message = error.to_string();
    assert!(
        message.len() > "invalid ".len() + format.name().len(),
        "a parse error without an explanation: {message:?}"
    );
    match error {
        RdfParseError::Syntax { format: f, .. } | RdfParseError::NamedGraph { format: f, .. } => {
            assert_eq!(*f, format, "the error names another format");
            assert!(message.contains(format.name()), "{message}");
        }
        RdfParseError::EntityDeclaration => {
            assert_eq!(format, RdfFormat::RdfXml, "only RDF/XML has entities");
            assert!(smart_rdf::format::declares_entities(body));
        }
        RdfParseError::Io(_) => panic!("parsing bytes in memory reported an I/O error"),
        other => panic!("an unexpected parse error: {other}"),
    }
    if format == RdfFormat::RdfXml && smart_rdf::format::declares_entities(body) {
        assert!(
            matches!(error, RdfParseError::EntityDeclaration),
            "a body declaring entities was refused for another reason first: {message}"
        );
    }
}

/// What we write, we read back: the same graph in every format.
pub fn check_round_trips(graph: &Graph) {
    for format in RdfFormat::ALL {
        let bytes = smart_rdf::serialize(graph, format);
        if graph.is_empty() {
            // An empty graph serializes to an (almost) empty document, which parse
            // refuses: a SMART document is never empty.
            continue;
        }
        let again = smart_rdf::parse(&bytes, format, None).unwrap_or_else(|e| {
            panic!(
                "our own {format} does not parse: {e}\n{}",
                String::from_utf8_lossy(&bytes)
            )
        });
        assert_eq!(
            again.len(),
            graph.len(),
            "the {format} round trip changed the number of triples:\n{}",
            String::from_utf8_lossy(&bytes)
        );
        if blank_nodes(graph) <= MAX_BLANK_NODES_FOR_ISOMORPHISM {
            assert!(
                isomorphic(graph, &again),
                "the {format} round trip changed the graph:\n{}",
                String::from_utf8_lossy(&bytes)
            );
        }
    }
}

fn blank_nodes(graph: &Graph) -> usize {
    let mut nodes: Vec<&str> = Vec::new();
    for t in graph {
        if let oxrdf::NamedOrBlankNodeRef::BlankNode(b) = t.subject {
            nodes.push(b.as_str());
        }
        if let TermRef::BlankNode(b) = t.object {
            nodes.push(b.as_str());
        }
    }
    nodes.sort_unstable();
    nodes.dedup();
    nodes.len()
}

fn isomorphic(a: &Graph, b: &Graph) -> bool {
    let (mut a, mut b) = (a.clone(), b.clone());
    a.canonicalize(CanonicalizationAlgorithm::Unstable);
    b.canonicalize(CanonicalizationAlgorithm::Unstable);
    a == b
}
