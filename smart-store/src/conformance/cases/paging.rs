//! Code filters, paging and sort order.

use std::sync::Arc;

use super::sorted;
use crate::conformance::Backend;
use crate::conformance::fixtures::{
    Fixture, allergy, labels, medication, page_labels, problem, query, record_id,
};

/// `a|b` in a code parameter is either; two code parameters (or a code and a date) must
/// both hold. The three-step path of `encounter_type` crosses into the nested encounter's
/// own statement graph.
pub async fn code_alternatives_or_and_parameters_and(b: Arc<dyn Backend>) {
    let record = record_id();
    let mut body = [
        medication("m1", "2011", "111", &[]),
        medication("m2", "2012", "222", &[]),
        medication("m3", "2013", "333", &[]),
    ]
    .concat();
    for (label, kind) in [("vs-amb", "ambulatory"), ("vs-inp", "inpatient")] {
        body += &format!(
            "[] a sp:VitalSignSet ; sp:belongsTo _:record ; test:label \"{label}\" ;\
             dcterms:date \"2011-01-01\" ;\
             sp:encounter [ a sp:Encounter ; sp:belongsTo _:record ; test:label \"enc-{label}\" ;\
               sp:startDate \"2011-01-01\" ;\
               sp:encounterType [ a sp:CodedValue ; dcterms:title \"{kind}\" ;\
                 sp:code <http://smartplatforms.org/terms/codes/EncounterType#{kind}> ] ] .\n"
        );
    }
    let fixture = Fixture::new(&record, &body);
    let store = b.open().await;
    fixture.store(&*store).await;
    let store = b.reopen(store).await;
    let s = &*store;
    let meds = |params: &'static [(&'static str, &'static str)]| {
        labels(s, &record, "get_medications", params)
    };
    assert_eq!(meds(&[("rxnorm", "111")]).await, ["m1"]);
    assert_eq!(meds(&[("rxnorm", "111|333")]).await, sorted(&["m1", "m3"]));
    assert_eq!(
        meds(&[("rxnorm", "333|111|333")]).await,
        sorted(&["m1", "m3"])
    );
    assert_eq!(
        meds(&[("rxnorm", "111|333"), ("date_from", "2012")]).await,
        ["m3"]
    );
    assert!(
        meds(&[("rxnorm", "111"), ("rxnorm", "333")])
            .await
            .is_empty()
    );
    assert_eq!(
        meds(&[("rxnorm", "111"), ("rxnorm", "111|222")]).await,
        ["m1"]
    );
    assert!(meds(&[("rxnorm", "999")]).await.is_empty());
    assert_eq!(meds(&[("rxnorm", "bad value|222")]).await, ["m2"]);
    assert!(meds(&[("rxnorm", "")]).await.is_empty());
    let vitals = |params: &'static [(&'static str, &'static str)]| {
        labels(s, &record, "get_vital_sign_sets", params)
    };
    assert_eq!(
        vitals(&[("encounter_type", "ambulatory")]).await,
        ["vs-amb"]
    );
    assert_eq!(
        vitals(&[("encounter_type", "inpatient|ambulatory")]).await,
        sorted(&["vs-amb", "vs-inp"])
    );
}

/// Values that would break a query pasted together from text (quotes, `>`, `}`,
/// newlines, `#`, SPARQL keywords) match nothing, raise no error, and leave the store
/// working.
pub async fn hostile_code_values_match_nothing_and_break_nothing(b: Arc<dyn Backend>) {
    let record = record_id();
    let fixture = Fixture::new(
        &record,
        &[
            problem("p1", Some("2011"), "111"),
            medication("m1", "2011", "111", &[]),
        ]
        .concat(),
    );
    let store = b.open().await;
    fixture.store(&*store).await;
    let store = b.reopen(store).await;
    let hostile = [
        "\"",
        ">",
        "}",
        "111>",
        "111> } ; DROP ALL ; #",
        "\" } ; DROP ALL ; #",
        "111\nSELECT * WHERE { ?s ?p ?o }",
        "SELECT * WHERE { ?s ?p ?o }",
        "#",
        "111#",
        "111 ",
        "\\u0031\\u0031\\u0031",
        "%31%31%31",
        "<http://purl.bioontology.org/ontology/RXNORM/111>",
        "') UNION { ?s ?p ?o } #",
        "\u{0}",
    ];
    for value in hostile {
        for (call, param) in [("get_medications", "rxnorm"), ("get_problems", "snomed")] {
            let page = query(&*store, &record, call, &[(param, value)])
                .await
                .unwrap_or_else(|e| panic!("{param}={value:?}: {e}"));
            assert_eq!(page.total, 0, "{param}={value:?}");
            assert!(
                page.order.is_empty() && page.graph.is_empty(),
                "{param}={value:?}"
            );
        }
    }
    // Still all there, and an ordinary code still matches.
    assert_eq!(
        labels(&*store, &record, "get_medications", &[("rxnorm", "111")]).await,
        ["m1"]
    );
    assert_eq!(labels(&*store, &record, "get_problems", &[]).await, ["p1"]);
    let store = b.reopen(store).await;
    assert_eq!(
        labels(&*store, &record, "get_problems", &[("snomed", "111")]).await,
        ["p1"]
    );
}

/// `limit`/`offset` pages: counts before paging, descending date order, the last partial
/// page, an offset past the end, and paging after filtering.
pub async fn pages_count_order_and_end(b: Arc<dyn Backend>) {
    let record = record_id();
    let mut body: String = (1..=7)
        .map(|i| problem(&format!("p{i}"), Some(&format!("200{i}")), "1"))
        .collect();
    body += &problem("u1", None, "1");
    body += &problem("u2", None, "2");
    let fixture = Fixture::new(&record, &body);
    let store = b.open().await;
    fixture.store(&*store).await;
    let store = b.reopen(store).await;
    let mut undated = [("u1", fixture.iri("u1")), ("u2", fixture.iri("u2"))];
    undated.sort_by(|a, b| a.1.cmp(&b.1));
    let (u_first, u_second) = (undated[0].0, undated[1].0);

    let page = |limit: &'static str, offset: &'static str| {
        let s = &*store;
        let record = &record;
        async move {
            let params = [("limit", limit), ("offset", offset)];
            let p = query(s, record, "get_problems", &params)
                .await
                .expect("query");
            (page_labels(&p), p.total)
        }
    };
    assert_eq!(
        page("3", "0").await,
        (vec!["p7".into(), "p6".into(), "p5".into()], 9)
    );
    assert_eq!(
        page("3", "3").await,
        (vec!["p4".into(), "p3".into(), "p2".into()], 9)
    );
    assert_eq!(
        page("3", "6").await,
        (
            vec!["p1".to_owned(), u_first.to_owned(), u_second.to_owned()],
            9
        )
    );
    assert_eq!(page("3", "9").await, (vec![], 9));
    assert_eq!(page("3", "100").await, (vec![], 9));
    assert_eq!(page("0", "0").await, (vec![], 9));
    assert_eq!(page("1000", "8").await, (vec![u_second.to_owned()], 9));

    let all = query(&*store, &record, "get_problems", &[])
        .await
        .expect("query");
    assert_eq!(all.total, 9);
    assert_eq!(
        page_labels(&all),
        ["p7", "p6", "p5", "p4", "p3", "p2", "p1", u_first, u_second]
    );

    let filtered = query(
        &*store,
        &record,
        "get_problems",
        &[("date_from", "2004"), ("limit", "2"), ("offset", "2")],
    )
    .await
    .expect("query");
    assert_eq!(
        (page_labels(&filtered), filtered.total),
        (vec!["p5".into(), "p4".into()], 4)
    );
}

/// Items without the sort property are never dropped from pages; ties on the sort value
/// (a year and its first day start together) are ordered by IRI.
pub async fn items_without_sort_value_come_last(b: Arc<dyn Backend>) {
    let record = record_id();
    let body = [
        problem("year", Some("2011"), "1"),
        problem("day", Some("2011-01-01"), "1"),
        problem("later", Some("2011-01-01T00:01"), "1"),
        problem("none", None, "1"),
    ]
    .concat();
    let fixture = Fixture::new(&record, &body);
    let store = b.open().await;
    fixture.store(&*store).await;
    let store = b.reopen(store).await;
    let mut tie = [("year", fixture.iri("year")), ("day", fixture.iri("day"))];
    tie.sort_by(|a, b| a.1.cmp(&b.1));
    let mut expected = vec!["later".to_owned()];
    expected.extend(tie.iter().map(|(l, _)| (*l).to_owned()));
    expected.push("none".to_owned());
    let mut seen = Vec::new();
    for offset in ["0", "1", "2", "3"] {
        let p = query(
            &*store,
            &record,
            "get_problems",
            &[("limit", "1"), ("offset", offset)],
        )
        .await
        .expect("query");
        assert_eq!(p.total, 4);
        seen.extend(page_labels(&p));
    }
    assert_eq!(seen, expected);
}

/// `get_allergies` adds the record's allergy exclusions to every page, unfiltered,
/// unpaged and uncounted.
pub async fn allergies_bring_their_exclusions(b: Arc<dyn Backend>) {
    let record = record_id();
    let body = [
        allergy("a1", "2010", Some("nka")),
        allergy("a2", "2012", None),
    ]
    .concat();
    let fixture = Fixture::new(&record, &body);
    let store = b.open().await;
    fixture.store(&*store).await;
    let store = b.reopen(store).await;
    let nka = fixture.iri("nka");
    for (params, expected, total) in [
        (&[][..], &["a2", "a1"][..], 2),
        (&[("date_from", "2013")][..], &[][..], 0),
        (&[("limit", "1")][..], &["a2"][..], 2),
        (&[("limit", "1"), ("offset", "5")][..], &[][..], 2),
    ] {
        let p = query(&*store, &record, "get_allergies", params)
            .await
            .expect("query");
        assert_eq!(page_labels(&p), expected, "{params:?}");
        assert_eq!(p.total, total, "{params:?}");
        assert_eq!(p.companions, std::slice::from_ref(&nka), "{params:?}");
        assert_eq!(
            crate::conformance::fixtures::label_in(&p.graph, &nka).as_deref(),
            Some("nka"),
            "{params:?}"
        );
    }
}
