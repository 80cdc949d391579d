//! Test records for the conformance cases, written as Turtle and split with
//! [`smart_rdf::split_record`] exactly as an import would. Each statement carries a
//! `test:label` literal so cases can name statements without knowing their minted IRIs.

use std::collections::hash_map::RandomState;
use std::fmt::Write as _;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};

use oxrdf::{Graph, NamedNode, NamedNodeRef, TermRef};
use smart_core::RecordId;
use smart_core::catalog;
use smart_rdf::{RdfFormat, SplitRecord, parse, split_record};

use crate::clinical::{ClinicalStore, StatementPage, StatementQuery};
use crate::error::StoreResult;

/// The predicate of the test labels.
pub const LABEL: &str = "http://smart-rs.invalid/test#label";

const PREFIXES: &str = "@prefix sp: <http://smartplatforms.org/terms#> .\n\
    @prefix dcterms: <http://purl.org/dc/terms/> .\n\
    @prefix v: <http://www.w3.org/2006/vcard/ns#> .\n\
    @prefix foaf: <http://xmlns.com/foaf/0.1/> .\n\
    @prefix test: <http://smart-rs.invalid/test#> .\n\
    _:record a sp:MedicalRecord .\n";

/// A token unique to this call (lower-case letters and digits), so cases never share
/// records or names even against one long-lived store.
pub fn unique_token() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut h = RandomState::new().build_hasher();
    h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    h.write_u32(std::process::id());
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0),
    );
    // Letters first so that the token also works as the start of a name.
    let mut out = String::from("q");
    let _ = write!(out, "{:012x}", h.finish() & 0xffff_ffff_ffff);
    out
}

/// A fresh record id.
pub fn record_id() -> RecordId {
    RecordId::new(unique_token()).expect("tokens are valid record ids")
}

/// A Turtle string literal, escaped.
pub fn lit(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A problem with an optional start date and a SNOMED code.
pub fn problem(label: &str, start: Option<&str>, snomed: &str) -> String {
    let date = start
        .map(|d| format!("sp:startDate {} ; ", lit(d)))
        .unwrap_or_default();
    format!(
        "[] a sp:Problem ; sp:belongsTo _:record ; test:label {} ; {date}\
         sp:problemName [ a sp:CodedValue ; dcterms:title \"p\" ;\
           sp:code <http://purl.bioontology.org/ontology/SNOMEDCT/{snomed}> ] .\n",
        lit(label)
    )
}

/// A medication with an RxNorm code and fulfillments `(label, date)` linked both ways.
pub fn medication(label: &str, start: &str, rxnorm: &str, fulfillments: &[(&str, &str)]) -> String {
    let node = format!(
        "_:m{}",
        label.replace(|c: char| !c.is_ascii_alphanumeric(), "")
    );
    let mut out = format!(
        "{node} a sp:Medication ; sp:belongsTo _:record ; test:label {} ; sp:startDate {} ;\
         sp:drugName [ a sp:CodedValue ; dcterms:title \"m\" ;\
           sp:code <http://purl.bioontology.org/ontology/RXNORM/{rxnorm}> ] .\n",
        lit(label),
        lit(start)
    );
    for (f, date) in fulfillments {
        let f_node = format!("_:f{}", f.replace(|c: char| !c.is_ascii_alphanumeric(), ""));
        let _ = writeln!(
            out,
            "{f_node} a sp:Fulfillment ; sp:belongsTo _:record ; test:label {} ;\
             dcterms:date {} ; sp:medication {node} .\n{node} sp:fulfillment {f_node} .",
            lit(f),
            lit(date),
        );
    }
    out
}

/// An allergy and, if `exclusion` is given, an allergy exclusion with that label.
pub fn allergy(label: &str, start: &str, exclusion: Option<&str>) -> String {
    let mut out = format!(
        "[] a sp:Allergy ; sp:belongsTo _:record ; test:label {} ; sp:startDate {} ;\
         sp:allergicReaction [ a sp:CodedValue ; dcterms:title \"hives\" ;\
           sp:code <http://purl.bioontology.org/ontology/SNOMEDCT/247472004> ] .\n",
        lit(label),
        lit(start)
    );
    if let Some(ex) = exclusion {
        let _ = writeln!(
            out,
            "[] a sp:AllergyExclusion ; sp:belongsTo _:record ; test:label {} ;\
             sp:allergyExclusionName [ a sp:CodedValue ; dcterms:title \"NKA\" ;\
               sp:code <http://purl.bioontology.org/ontology/SNOMEDCT/160244002> ] .",
            lit(ex)
        );
    }
    out
}

/// Demographics: names, gender, birth date, postal code and medical record number.
pub fn demographics(
    family: &str,
    given: &str,
    gender: &str,
    bday: &str,
    zip: &str,
    mrn: &str,
) -> String {
    format!(
        "[] a sp:Demographics ; sp:belongsTo _:record ; test:label \"demographics\" ;\
         v:n [ a v:Name ; v:family-name {} ; v:given-name {} ] ;\
         foaf:gender {} ; v:bday {} ;\
         v:adr [ a v:Address ; v:postal-code {} ] ;\
         sp:medicalRecordNumber [ a sp:Code ; dcterms:identifier {} ; dcterms:title \"MRN\" ] .\n",
        lit(family),
        lit(given),
        lit(gender),
        lit(bday),
        lit(zip),
        lit(mrn)
    )
}

/// A record split from the Turtle `body` (statements written with the helpers above).
#[derive(Debug, Clone)]
pub struct Fixture {
    /// The split record, as stored.
    pub split: SplitRecord,
}

impl Fixture {
    /// Parses and splits `body` for `record`.
    pub fn new(record: &RecordId, body: &str) -> Self {
        let text = format!("{PREFIXES}{body}");
        let graph = parse(text.as_bytes(), RdfFormat::Turtle, None)
            .unwrap_or_else(|e| panic!("fixture Turtle does not parse: {e}\n{text}"));
        let split = split_record(&graph, record).unwrap_or_else(|e| panic!("fixture split: {e}"));
        Self { split }
    }

    /// The record id.
    pub fn record(&self) -> &RecordId {
        &self.split.record
    }

    /// The IRI of the statement labelled `label`.
    pub fn iri(&self, label: &str) -> NamedNode {
        self.split
            .statements
            .iter()
            .find(|s| label_in(&s.graph, &s.iri).as_deref() == Some(label))
            .map(|s| s.iri.clone())
            .unwrap_or_else(|| panic!("no statement labelled {label:?}"))
    }

    /// Stores the record.
    pub async fn store(&self, store: &dyn ClinicalStore) {
        store
            .replace_record(&self.split)
            .await
            .unwrap_or_else(|e| panic!("storing record {}: {e}", self.split.record));
    }
}

/// The label of `statement` in `graph`.
pub fn label_in(graph: &Graph, statement: &NamedNode) -> Option<String> {
    graph
        .object_for_subject_predicate(statement, NamedNodeRef::new_unchecked(LABEL))
        .and_then(|o| match o {
            TermRef::Literal(l) => Some(l.value().to_owned()),
            _ => None,
        })
}

/// The labels of a page's statements, in page order, read from the page's own graph (so
/// this also checks that every listed statement's graph came with the page).
pub fn page_labels(page: &StatementPage) -> Vec<String> {
    page.order
        .iter()
        .map(|iri| {
            label_in(&page.graph, iri)
                .unwrap_or_else(|| panic!("page lists {iri} but its graph is missing"))
        })
        .collect()
}

/// Runs the collection call `call` with `params` on `record`.
pub async fn query(
    store: &dyn ClinicalStore,
    record: &RecordId,
    call: &str,
    params: &[(&str, &str)],
) -> StoreResult<StatementPage> {
    let call = catalog::call(call).unwrap_or_else(|| panic!("no call {call}"));
    let params: Vec<(String, String)> = params
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    let q = StatementQuery::from_call(call, &params)?;
    store.query(record, &q).await
}

/// The sorted labels that a call with `params` returns.
pub async fn labels(
    store: &dyn ClinicalStore,
    record: &RecordId,
    call: &str,
    params: &[(&str, &str)],
) -> Vec<String> {
    let page = query(store, record, call, params)
        .await
        .unwrap_or_else(|e| panic!("{call} {params:?}: {e}"));
    let mut labels = page_labels(&page);
    labels.sort();
    labels
}
