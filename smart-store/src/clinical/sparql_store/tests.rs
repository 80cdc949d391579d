use smart_core::{RecordId, sp};

use super::*;
use crate::clinical::query::{CodeFilter, StatementQuery};

#[test]
fn vocabulary_constants_are_valid_iris() {
    for s in [REVISION, HAS_STATEMENT, MEDICAL_RECORD] {
        assert!(NamedNode::new(s).is_ok(), "{s}");
    }
}

#[test]
fn record_iris_own_only_their_statements() {
    let r = RecordIris::new(&RecordId::new("12").expect("id"));
    let own = NamedNode::new_unchecked(format!("{STORAGE_BASE}/records/12/medications/a"));
    let other = NamedNode::new_unchecked(format!("{STORAGE_BASE}/records/123/medications/a"));
    assert!(r.owns(&own));
    assert!(!r.owns(&other));
    assert!(!r.owns(&r.record));
    assert_eq!(
        record_id_of(&r.record).map(|id| id.to_string()).as_deref(),
        Some("12")
    );
}

#[test]
fn revisions_differ() {
    let a = fresh_revision();
    let b = fresh_revision();
    assert_ne!(a, b);
    assert_eq!(a.value().len(), 32);
}

#[test]
fn hostile_code_values_never_reach_the_query_text() {
    // Only codes that are valid IRIs become terms, and spargebra writes terms escaped;
    // the index query does not even carry them (codes are compared in Rust).
    let mut q = StatementQuery::all(sp!("Medication"));
    q.codes.push(CodeFilter {
        path: &[sp!("drugName"), sp!("code")],
        codes: vec![NamedNode::new_unchecked("http://example.org/ok")],
    });
    let r = RecordIris::new(&RecordId::new("1").expect("id"));
    let text = read::index_query_text(&r.record, &q);
    assert!(!text.contains("example.org"), "{text}");
    assert!(text.contains("OPTIONAL"), "{text}");
    // A search value with quotes and braces stays inside one escaped literal.
    let e =
        crate::clinical::algebra::str_equals(&var("x"), "\" } ; DROP ALL ; #\nSELECT * WHERE {");
    let shown = e.to_string();
    assert!(
        shown.contains(r#"\" } ; DROP ALL ; #\nSELECT * WHERE {"#),
        "{shown}"
    );
}
