//! One-hop expansion, record boundaries, round trips, missing things.

use std::sync::Arc;

use oxrdf::graph::CanonicalizationAlgorithm;
use oxrdf::{Graph, NamedNode, NamedNodeRef};
use smart_rdf::STORAGE_BASE;

use crate::ErrorKind;
use crate::conformance::Backend;
use crate::conformance::fixtures::{
    Fixture, demographics, label_in, lit, medication, page_labels, problem, query, record_id,
};

fn canonical(graph: &Graph) -> Graph {
    let mut g = graph.clone();
    g.canonicalize(CanonicalizationAlgorithm::Unstable);
    g
}

/// A collection page and a single statement bring the statements they link to (a
/// medication its fulfillments, a fulfillment its medication), one hop only.
pub async fn expansion_follows_links_one_hop(b: Arc<dyn Backend>) {
    let record = record_id();
    let body = [
        medication(
            "m1",
            "2011",
            "111",
            &[("f1", "2011-02-01"), ("f2", "2011-03-01")],
        ),
        medication("m2", "2010", "222", &[]),
    ]
    .concat();
    let fixture = Fixture::new(&record, &body);
    let store = b.open().await;
    fixture.store(&*store).await;
    let store = b.reopen(store).await;
    let [m1, m2, f1, f2] = ["m1", "m2", "f1", "f2"].map(|l| fixture.iri(l));

    let meds = query(&*store, &record, "get_medications", &[("rxnorm", "111")])
        .await
        .expect("query");
    assert_eq!(page_labels(&meds), ["m1"]);
    for (iri, label) in [(&f1, "f1"), (&f2, "f2")] {
        assert_eq!(
            label_in(&meds.graph, iri).as_deref(),
            Some(label),
            "linked {label}"
        );
    }
    assert_eq!(label_in(&meds.graph, &m2), None);

    let fulfillments = query(&*store, &record, "get_fulfillments", &[])
        .await
        .expect("query");
    assert_eq!(page_labels(&fulfillments), ["f2", "f1"]);
    assert_eq!(label_in(&fulfillments.graph, &m1).as_deref(), Some("m1"));

    let one = store
        .statement(&record, &m1)
        .await
        .expect("read")
        .expect("m1 exists");
    assert_eq!(label_in(&one, &f1).as_deref(), Some("f1"));
    assert_eq!(label_in(&one, &f2).as_deref(), Some("f2"));
    let one = store
        .statement(&record, &f1)
        .await
        .expect("read")
        .expect("f1 exists");
    assert_eq!(label_in(&one, &m1).as_deref(), Some("m1"));
    // f2 is two hops away from f1 (f1 -> m1 -> f2).
    assert_eq!(label_in(&one, &f2), None);
}

/// A statement of record A that links to a statement IRI of record B never brings B's
/// graph, in a page or a single read; and B's statements cannot be read through A.
pub async fn expansion_never_crosses_records(b: Arc<dyn Backend>) {
    let (ra, rb) = (record_id(), record_id());
    let fb = Fixture::new(&rb, &problem("secret", Some("2011"), "1"));
    let secret = fb.iri("secret");
    let fa = Fixture::new(
        &ra,
        &format!(
            "_:m a sp:Medication ; sp:belongsTo _:record ; test:label \"ma\" ;\
             sp:startDate \"2011\" ; sp:fulfillment <{s}> ; sp:problem <{s}> .\n",
            s = secret.as_str()
        ),
    );
    let ma = fa.iri("ma");
    let store = b.open().await;
    fb.store(&*store).await;
    fa.store(&*store).await;
    let store = b.reopen(store).await;

    let page = query(&*store, &ra, "get_medications", &[])
        .await
        .expect("query");
    assert_eq!(page_labels(&page), ["ma"]);
    assert!(
        page.graph.triples_for_subject(&secret).next().is_none(),
        "record B's statement leaked into record A's page"
    );
    let one = store
        .statement(&ra, &ma)
        .await
        .expect("read")
        .expect("ma exists");
    assert!(one.triples_for_subject(&secret).next().is_none());
    // The link itself is A's data and stays.
    assert!(one.triples_for_object(&secret).next().is_some());
    assert_eq!(store.statement(&ra, &secret).await.expect("read"), None);
    let through_b = store
        .statement(&rb, &secret)
        .await
        .expect("read")
        .expect("B has it");
    assert_eq!(label_in(&through_b, &secret).as_deref(), Some("secret"));
}

/// What goes in comes out: literals in any script, with quotes, backslashes, newlines
/// and control characters, language tags and datatypes, and the blank-node structure
/// (up to labels), through a restart.
pub async fn statements_round_trip_with_unicode(b: Arc<dyn Backend>) {
    let record = record_id();
    let tricky = "quote \" backslash \\ newline \n tab \t nul \u{0} \"\"\" end";
    let body = format!(
        "{}{}[] a sp:Problem ; sp:belongsTo _:record ; test:label \"unicode\" ;\
         sp:startDate \"2011-06-12\"^^<http://www.w3.org/2001/XMLSchema#date> ;\
         sp:notes {} , \"Grüße aus Köln\"@de , \"𝔘𝔫𝔦𝔠𝔬𝔡𝔢 😀 e\u{301}\" ;\
         sp:problemName [ a sp:CodedValue ; dcterms:title \"ñ\" ;\
           sp:code <http://purl.bioontology.org/ontology/SNOMEDCT/1> ] .\n",
        demographics(
            "Ñúñez-Øster",
            "山田 太郎 🙂",
            "female",
            "1951-07-04",
            "02115",
            "MRN-ü"
        ),
        problem("plain", Some("2011"), "2"),
        lit(tricky),
    );
    let fixture = Fixture::new(&record, &body);
    let store = b.open().await;
    fixture.store(&*store).await;
    let store = b.reopen(store).await;
    for s in &fixture.split.statements {
        let got = store
            .statement(&record, &s.iri)
            .await
            .expect("read")
            .unwrap_or_else(|| panic!("{} is missing", s.iri));
        assert_eq!(got.len(), s.graph.len(), "{}", s.iri);
        assert_eq!(canonical(&got), canonical(&s.graph), "{}", s.iri);
    }
    let notes = NamedNodeRef::new_unchecked(smart_core::sp!("notes"));
    let got = store
        .statement(&record, &fixture.iri("unicode"))
        .await
        .expect("read")
        .expect("exists");
    let texts: Vec<String> = got
        .objects_for_subject_predicate(&fixture.iri("unicode"), notes)
        .map(|o| o.to_string())
        .collect();
    assert_eq!(texts.len(), 3, "{texts:?}");
    assert!(texts.iter().any(|t| t.contains("Grüße aus Köln\"@de")));
}

/// Unknown records and statements: `NotFound` for a query, `None` and `false` elsewhere.
pub async fn missing_records_and_statements(b: Arc<dyn Backend>) {
    let store = b.open().await;
    let missing = record_id();
    let e = query(&*store, &missing, "get_problems", &[])
        .await
        .expect_err("query of a missing record");
    assert_eq!(e.kind(), ErrorKind::NotFound, "{e}");
    assert!(e.to_string().contains(missing.as_str()), "{e}");
    let somewhere =
        NamedNode::new_unchecked(format!("{STORAGE_BASE}/records/{missing}/problems/x"));
    assert_eq!(
        store.statement(&missing, &somewhere).await.expect("read"),
        None
    );
    assert!(
        !store
            .delete_statement(&missing, &somewhere)
            .await
            .expect("delete")
    );
    assert!(!store.delete_record(&missing).await.expect("delete"));
    assert!(!store.record_ids().await.expect("ids").contains(&missing));

    let record = record_id();
    let fixture = Fixture::new(&record, &problem("p", Some("2011"), "1"));
    fixture.store(&*store).await;
    let store = b.reopen(store).await;
    let unknown =
        NamedNode::new_unchecked(format!("{STORAGE_BASE}/records/{record}/problems/nope"));
    assert_eq!(
        store.statement(&record, &unknown).await.expect("read"),
        None
    );
    let foreign = NamedNode::new_unchecked("http://example.org/not/ours");
    assert_eq!(
        store.statement(&record, &foreign).await.expect("read"),
        None
    );
    // A collection of a class the record has none of is empty, not missing.
    let empty = query(&*store, &record, "get_medications", &[])
        .await
        .expect("query");
    assert_eq!((empty.total, empty.order.len()), (0, 0));
}
