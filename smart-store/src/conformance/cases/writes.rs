//! Writes: atomic replacement, additions, deletions, record boundaries.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use oxrdf::{Graph, NamedNode};
use smart_core::model;
use smart_rdf::{RdfFormat, StatementGraph, mint_for_post, parse};

use crate::ErrorKind;
use crate::conformance::Backend;
use crate::conformance::fixtures::{
    Fixture, labels, medication, page_labels, problem, query, record_id,
};

/// A reader querying in a loop while a writer replaces the record many times sees
/// either the whole old version or the whole new one, never a mixture or a gap.
pub async fn replace_is_atomic_for_readers(b: Arc<dyn Backend>) {
    let record = record_id();
    let version = |tag: &str, n: usize| {
        let body: String = (0..n)
            .map(|i| {
                problem(
                    &format!("{tag}-{i:02}"),
                    Some(&format!("20{:02}", i + 1)),
                    "1",
                )
            })
            .collect();
        Fixture::new(&record, &body)
    };
    let (v1, v2) = (version("v1", 5), version("v2", 12));
    let store = b.open().await;
    v1.store(&*store).await;

    let done = Arc::new(AtomicBool::new(false));
    let reads = Arc::new(AtomicUsize::new(0));
    let reader = {
        let (store, record, done, reads) = (
            Arc::clone(&store),
            record.clone(),
            Arc::clone(&done),
            Arc::clone(&reads),
        );
        tokio::spawn(async move {
            while !done.load(Ordering::Acquire) {
                for params in [&[][..], &[("limit", "3")][..]] {
                    let page = query(&*store, &record, "get_problems", params)
                        .await
                        .unwrap_or_else(|e| panic!("read during replacement: {e}"));
                    let labels = page_labels(&page);
                    let expected = match page.total {
                        5 => "v1-",
                        12 => "v2-",
                        n => panic!("a reader saw {n} statements, neither version"),
                    };
                    assert!(
                        labels.iter().all(|l| l.starts_with(expected)),
                        "mixed versions: {labels:?}"
                    );
                    let want = if params.is_empty() { page.total } else { 3 };
                    assert_eq!(labels.len(), want, "{labels:?}");
                }
                reads.fetch_add(1, Ordering::Relaxed);
                tokio::task::yield_now().await;
            }
        })
    };
    // Keep writing until the reader has read many times while writes were going on.
    let mut writes = 0;
    while (writes < 40 || reads.load(Ordering::Relaxed) < 25) && writes < 5000 {
        let next = if writes % 2 == 0 { &v2 } else { &v1 };
        next.store(&*store).await;
        writes += 1;
        tokio::task::yield_now().await;
    }
    if writes % 2 == 1 {
        v1.store(&*store).await; // end on v1
    }
    done.store(true, Ordering::Release);
    reader.await.expect("the reader task");
    assert!(
        reads.load(Ordering::Relaxed) >= 25,
        "the reader read only {} times during {writes} writes",
        reads.load(Ordering::Relaxed)
    );
    let store = b.reopen(store).await;
    assert_eq!(labels(&*store, &record, "get_problems", &[]).await.len(), 5);
}

/// Replacing a record drops statements the new version lacks, in every class.
pub async fn replace_drops_old_statements(b: Arc<dyn Backend>) {
    let record = record_id();
    let old = Fixture::new(
        &record,
        &[
            problem("a", Some("2011"), "1"),
            problem("b", Some("2012"), "1"),
        ]
        .concat(),
    );
    let new = Fixture::new(
        &record,
        &[
            problem("c", Some("2013"), "1"),
            medication("m", "2013", "1", &[]),
        ]
        .concat(),
    );
    let store = b.open().await;
    old.store(&*store).await;
    new.store(&*store).await;
    let store = b.reopen(store).await;
    assert_eq!(labels(&*store, &record, "get_problems", &[]).await, ["c"]);
    assert_eq!(
        labels(&*store, &record, "get_medications", &[]).await,
        ["m"]
    );
    assert_eq!(
        store.statement(&record, &old.iri("a")).await.expect("read"),
        None
    );
    let ids = store.record_ids().await.expect("ids");
    assert_eq!(ids.iter().filter(|id| **id == record).count(), 1);
}

fn note(record: &smart_core::RecordId, id: &str, title: &str) -> Vec<StatementGraph> {
    let text = format!(
        "@prefix sp: <http://smartplatforms.org/terms#> .\n\
         @prefix dcterms: <http://purl.org/dc/terms/> .\n\
         [] a sp:ClinicalNote ; dcterms:date \"2012-03-04\" ; dcterms:title \"{title}\" ;\
            <http://smart-rs.invalid/test#label> \"{title}\" .\n"
    );
    let graph = parse(text.as_bytes(), RdfFormat::Turtle, None).expect("note parses");
    let id = id.to_owned();
    mint_for_post(&graph, record, move |_| id.clone())
        .expect("note splits")
        .statements
}

/// Adding statements (a POST): they appear, the same IRI again is a `Conflict` naming
/// it, and adding to a record that does not exist yet creates it.
pub async fn add_statements_and_conflicts(b: Arc<dyn Backend>) {
    let record = record_id();
    let fixture = Fixture::new(&record, &problem("p", Some("2011"), "1"));
    let store = b.open().await;
    fixture.store(&*store).await;
    let first = note(&record, "n1", "first");
    store.add_statements(&record, &first).await.expect("add");
    store
        .add_statements(&record, &[])
        .await
        .expect("adding nothing");
    let again = note(&record, "n1", "changed");
    let e = store
        .add_statements(&record, &again)
        .await
        .expect_err("same IRI");
    assert_eq!(e.kind(), ErrorKind::Conflict, "{e}");
    assert!(e.to_string().contains(first[0].iri.as_str()), "{e}");
    store
        .add_statements(&record, &note(&record, "n2", "second"))
        .await
        .expect("add another");
    let store = b.reopen(store).await;
    assert_eq!(
        labels(&*store, &record, "get_clinical_notes", &[]).await,
        ["first", "second"]
    );
    assert_eq!(labels(&*store, &record, "get_problems", &[]).await, ["p"]);

    let fresh = record_id();
    store
        .add_statements(&fresh, &note(&fresh, "n1", "only"))
        .await
        .expect("add to a new record");
    let store = b.reopen(store).await;
    assert!(store.record_ids().await.expect("ids").contains(&fresh));
    assert_eq!(
        labels(&*store, &fresh, "get_clinical_notes", &[]).await,
        ["only"]
    );
}

/// Statements whose IRIs lie outside the record, duplicates and empty graphs are refused
/// (`Invalid`) before anything is written.
pub async fn refuses_statements_outside_the_record(b: Arc<dyn Backend>) {
    let (ra, rb) = (record_id(), record_id());
    let store = b.open().await;
    let fa = Fixture::new(&ra, &problem("a", Some("2011"), "1"));
    fa.store(&*store).await;
    let foreign = note(&rb, "x", "foreign");
    let e = store
        .add_statements(&ra, &foreign)
        .await
        .expect_err("foreign IRI");
    assert_eq!(e.kind(), ErrorKind::Invalid, "{e}");
    let mut split = fa.split.clone();
    split.statements.extend(foreign.iter().cloned());
    let e = store.replace_record(&split).await.expect_err("foreign IRI");
    assert_eq!(e.kind(), ErrorKind::Invalid, "{e}");
    assert!(e.to_string().contains(ra.as_str()), "{e}");
    let mut twice = fa.split.clone();
    twice.statements.push(twice.statements[0].clone());
    let e = store.replace_record(&twice).await.expect_err("duplicate");
    assert_eq!(e.kind(), ErrorKind::Invalid, "{e}");
    let empty = StatementGraph {
        iri: NamedNode::new_unchecked(format!("{}/problems/empty", fa.split.record_iri)),
        class: model::class(smart_core::sp!("Problem")).expect("class"),
        graph: Graph::new(),
    };
    let e = store
        .add_statements(&ra, &[empty])
        .await
        .expect_err("empty graph");
    assert_eq!(e.kind(), ErrorKind::Invalid, "{e}");
    let store = b.reopen(store).await;
    assert_eq!(labels(&*store, &ra, "get_problems", &[]).await, ["a"]);
    assert!(
        labels(&*store, &ra, "get_clinical_notes", &[])
            .await
            .is_empty()
    );
    assert!(!store.record_ids().await.expect("ids").contains(&rb));
}

/// Deleting a statement removes it and its link (once: a second delete is `false`);
/// deleting a record removes everything.
pub async fn delete_statement_and_record(b: Arc<dyn Backend>) {
    let record = record_id();
    let other = record_id();
    let fixture = Fixture::new(
        &record,
        &[
            problem("p1", Some("2011"), "1"),
            problem("p2", Some("2012"), "1"),
            medication("m1", "2011", "1", &[("f1", "2011-02-02")]),
        ]
        .concat(),
    );
    let other_fixture = Fixture::new(&other, &problem("o", Some("2011"), "1"));
    let store = b.open().await;
    fixture.store(&*store).await;
    other_fixture.store(&*store).await;
    let p1 = fixture.iri("p1");
    assert!(store.delete_statement(&record, &p1).await.expect("delete"));
    assert!(
        !store
            .delete_statement(&record, &p1)
            .await
            .expect("delete again")
    );
    // A statement of another record cannot be deleted through this one.
    assert!(
        !store
            .delete_statement(&record, &other_fixture.iri("o"))
            .await
            .expect("delete")
    );
    let store = b.reopen(store).await;
    assert_eq!(labels(&*store, &record, "get_problems", &[]).await, ["p2"]);
    assert_eq!(store.statement(&record, &p1).await.expect("read"), None);
    // Deleting the fulfillment leaves the medication with a dangling link, never an error.
    assert!(
        store
            .delete_statement(&record, &fixture.iri("f1"))
            .await
            .expect("delete")
    );
    let m1 = store
        .statement(&record, &fixture.iri("m1"))
        .await
        .expect("read")
        .expect("m1 stays");
    assert!(m1.triples_for_subject(&fixture.iri("f1")).next().is_none());

    assert!(store.delete_record(&record).await.expect("delete record"));
    assert!(
        !store
            .delete_record(&record)
            .await
            .expect("delete record again")
    );
    let store = b.reopen(store).await;
    let ids = store.record_ids().await.expect("ids");
    assert!(!ids.contains(&record) && ids.contains(&other));
    let e = query(&*store, &record, "get_problems", &[])
        .await
        .expect_err("gone");
    assert_eq!(e.kind(), ErrorKind::NotFound);
    assert_eq!(
        store
            .statement(&record, &fixture.iri("p2"))
            .await
            .expect("read"),
        None
    );
    assert_eq!(labels(&*store, &other, "get_problems", &[]).await, ["o"]);
    // The record can be created again.
    fixture.store(&*store).await;
    assert_eq!(labels(&*store, &record, "get_problems", &[]).await.len(), 2);
}
