//! Tests of the split: minting, linking, copying, refusing, and determinism.

use std::hash::{Hash, Hasher};

use oxrdf::{BlankNode, Graph, NamedNode, NamedOrBlankNode, Term, Triple};
use proptest::prelude::*;
use smart_core::RecordId;

use super::*;
use crate::{RdfFormat, parse};

const PREFIXES: &str = "
@prefix sp: <http://smartplatforms.org/terms#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix spcode: <http://smartplatforms.org/terms/codes/> .
@prefix v: <http://www.w3.org/2006/vcard/ns#> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix rxnorm: <http://purl.bioontology.org/ontology/RXNORM/> .
@prefix loinc: <http://purl.bioontology.org/ontology/LNC/> .
";

/// A small record in the shape the generator writes: all blank nodes, belongsTo on most
/// statements but not on the lab result and the nested encounters.
const PATIENT: &str = "
_:rec a sp:MedicalRecord ;
  sp:hasStatement _:demo, _:med, _:med2, _:ful1, _:ful2, _:vss1, _:vss2, _:prob1, _:prob2 .
_:demo a sp:Demographics ; sp:belongsTo _:rec ; foaf:gender \"female\" ; v:bday \"1970-01-01\" ;
  v:n [ a v:Name ; v:given-name \"Ann\" ; v:family-name \"Lee\" ] .
_:med a sp:Medication ; sp:belongsTo _:rec ; sp:instructions \"1 tab daily\" ;
  sp:startDate \"2008-04-05\" ; sp:fulfillment _:ful1, _:ful2 ;
  sp:drugName [ a sp:CodedValue ; dcterms:title \"Nizatidine\" ; sp:code rxnorm:582620 ] ;
  sp:quantity [ a sp:ValueAndUnit ; sp:value \"1\" ; sp:unit \"{tablet}\" ] ;
  sp:frequency [ a sp:ValueAndUnit ; sp:value \"1\" ; sp:unit \"/d\" ] .
_:med2 a sp:Medication ; sp:belongsTo _:rec ; sp:instructions \"2 tab daily\" ;
  sp:startDate \"2009-01-01\" ;
  sp:drugName [ a sp:CodedValue ; dcterms:title \"Nizatidine\" ; sp:code rxnorm:582620 ] .
rxnorm:582620 a sp:Code, spcode:RxNorm_Semantic ; dcterms:title \"Nizatidine\" ;
  dcterms:identifier \"582620\" ; sp:system \"http://purl.bioontology.org/ontology/RXNORM/\" .
_:ful1 a sp:Fulfillment ; sp:belongsTo _:rec ; dcterms:date \"2008-04-05\" ;
  sp:medication _:med ; sp:dispenseDaysSupply \"30\" .
_:ful2 a sp:Fulfillment ; sp:belongsTo _:rec ; dcterms:date \"2008-05-05\" ;
  sp:medication _:med ; sp:dispenseDaysSupply \"30\" .
_:lab a sp:LabResult ; dcterms:date \"2010-01-01\" ;
  sp:labName [ a sp:CodedValue ; dcterms:title \"Sodium\" ; sp:code loinc:2951-2 ] .
_:vss1 a sp:VitalSignSet ; sp:belongsTo _:rec ; dcterms:date \"2010-01-01\" ;
  sp:encounter [ a sp:Encounter ; sp:startDate \"2010-01-01\" ;
    sp:encounterType [ a sp:CodedValue ; sp:code <http://smartplatforms.org/terms/codes/EncounterType#ambulatory> ] ] .
_:vss2 a sp:VitalSignSet ; sp:belongsTo _:rec ; dcterms:date \"2010-02-01\" ;
  sp:encounter [ a sp:Encounter ; sp:startDate \"2010-01-01\" ;
    sp:encounterType [ a sp:CodedValue ; sp:code <http://smartplatforms.org/terms/codes/EncounterType#ambulatory> ] ] .
_:prob1 a sp:Problem ; sp:belongsTo _:rec ; sp:startDate \"2007-01-01\" ;
  sp:problemName [ a sp:CodedValue ; dcterms:title \"Asthma\" ] .
_:prob2 a sp:Problem ; sp:belongsTo _:rec ; sp:startDate \"2007-01-01\" ;
  sp:problemName [ a sp:CodedValue ; dcterms:title \"Asthma\" ] .
";

fn turtle(body: &str) -> Graph {
    parse(
        format!("{PREFIXES}{body}").as_bytes(),
        RdfFormat::Turtle,
        None,
    )
    .unwrap_or_else(|e| panic!("fixture: {e}"))
}

fn rid() -> RecordId {
    RecordId::new("1032702").unwrap()
}

fn split(body: &str) -> SplitRecord {
    split_record(&turtle(body), &rid()).unwrap_or_else(|e| panic!("split: {e}"))
}

fn iri(s: &str) -> NamedNode {
    NamedNode::new_unchecked(s)
}

fn of_class<'s>(r: &'s SplitRecord, local: &str) -> Vec<&'s StatementGraph> {
    let class = format!("{}{local}", smart_core::vocab::SP);
    r.statements
        .iter()
        .filter(|s| s.class.iri == class)
        .collect()
}

/// The objects of `predicate` on `subject` in `graph`.
fn objects(graph: &Graph, subject: &NamedNode, predicate: &str) -> Vec<Term> {
    graph
        .objects_for_subject_predicate(subject, &iri(predicate))
        .map(|o| o.into_owned())
        .collect()
}

/// The same graph with blank nodes renamed by a salted hash (which reorders them) and the
/// triples inserted in reverse order.
fn relabel(graph: &Graph, salt: &str) -> Graph {
    let rename = |b: &BlankNode| {
        let mut h = std::hash::DefaultHasher::new();
        (salt, b.as_str()).hash(&mut h);
        BlankNode::new_unchecked(format!("r{:016x}", h.finish()))
    };
    let mut triples: Vec<Triple> = graph.iter().map(|t| t.into_owned()).collect();
    triples.reverse();
    triples
        .into_iter()
        .map(|t| {
            let subject = match t.subject {
                NamedOrBlankNode::BlankNode(b) => NamedOrBlankNode::from(rename(&b)),
                other => other,
            };
            let object = match t.object {
                Term::BlankNode(b) => Term::from(rename(&b)),
                other => other,
            };
            Triple::new(subject, t.predicate, object)
        })
        .collect()
}

#[test]
fn every_statement_gets_an_iri_of_its_class() {
    let r = split(PATIENT);
    let counts: Vec<(String, usize)> = r
        .counts()
        .into_iter()
        .map(|(c, n)| (smart_core::model::display(c), n))
        .collect();
    assert_eq!(
        counts,
        [
            ("sp:Demographics", 1),
            ("sp:Encounter", 2),
            ("sp:Fulfillment", 2),
            ("sp:LabResult", 1),
            ("sp:Medication", 2),
            ("sp:Problem", 2),
            ("sp:VitalSignSet", 2),
        ]
        .map(|(c, n)| (c.to_owned(), n))
    );
    let base = format!("{STORAGE_BASE}/records/1032702");
    assert_eq!(r.record_iri.as_str(), base);
    assert_eq!(
        of_class(&r, "Demographics")[0].iri.as_str(),
        format!("{base}/demographics")
    );
    for m in of_class(&r, "Medication") {
        let id = m
            .iri
            .as_str()
            .strip_prefix(&format!("{base}/medications/"))
            .unwrap();
        assert_eq!(id.len(), 16, "{id}");
        assert!(id.bytes().all(|b| b.is_ascii_hexdigit()), "{id}");
    }
    assert!(r.orphans.is_empty(), "{:?}", r.orphans);
}

#[test]
fn same_input_twice_gives_the_same_split() {
    assert_eq!(split(PATIENT), split(PATIENT));
}

#[test]
fn relabelled_and_reordered_input_gives_the_same_split() {
    let original = split_record(&turtle(PATIENT), &rid()).unwrap();
    for salt in ["a", "b", "zz", "salt"] {
        let shuffled = split_record(&relabel(&turtle(PATIENT), salt), &rid()).unwrap();
        assert_eq!(shuffled, original, "salt {salt}");
    }
}

#[test]
fn ids_depend_on_the_record() {
    let other = split_record(&turtle(PATIENT), &RecordId::new("5").unwrap()).unwrap();
    let ids = |r: &SplitRecord| -> Vec<String> {
        r.statements
            .iter()
            .filter_map(|s| s.iri.as_str().rsplit('/').next().map(str::to_owned))
            .collect()
    };
    let mine = ids(&split(PATIENT));
    assert!(
        ids(&other)
            .iter()
            .all(|id| !mine.contains(id) || id == "demographics")
    );
}

#[test]
fn identical_statements_get_distinct_ids() {
    let r = split(PATIENT);
    let problems = of_class(&r, "Problem");
    let (a, b) = (problems[0].iri.as_str(), problems[1].iri.as_str());
    let (short, long) = if a.len() < b.len() { (a, b) } else { (b, a) };
    assert_eq!(long, format!("{short}-1"));
}

#[test]
fn medication_and_fulfillment_links_use_minted_iris_both_ways() {
    let r = split(PATIENT);
    let meds = of_class(&r, "Medication");
    let med = meds
        .iter()
        .find(|m| !objects(&m.graph, &m.iri, sp!("fulfillment")).is_empty())
        .unwrap();
    let fulfillments = objects(&med.graph, &med.iri, sp!("fulfillment"));
    assert_eq!(fulfillments.len(), 2);
    for f in of_class(&r, "Fulfillment") {
        assert!(fulfillments.contains(&Term::from(f.iri.clone())));
        assert_eq!(
            objects(&f.graph, &f.iri, sp!("medication")),
            [Term::from(med.iri.clone())]
        );
        // The link does not drag the medication's content along.
        assert!(
            objects(&f.graph, &med.iri, sp!("instructions")).is_empty(),
            "{}",
            f.graph
        );
    }
}

#[test]
fn every_statement_belongs_to_the_record_and_is_listed() {
    let r = split(PATIENT);
    let record = Term::from(r.record_iri.clone());
    for s in &r.statements {
        assert_eq!(
            objects(&s.graph, &s.iri, sp!("belongsTo")),
            std::slice::from_ref(&record),
            "{}",
            s.iri
        );
        assert!(r.record_graph.contains(&Triple::new(
            r.record_iri.clone(),
            iri(sp!("hasStatement")),
            s.iri.clone()
        )));
    }
    assert_eq!(r.record_graph.len(), r.statements.len() + 1);
}

#[test]
fn nested_encounters_are_statements_told_apart_by_their_set() {
    let r = split(PATIENT);
    let encounters = of_class(&r, "Encounter");
    assert_eq!(encounters.len(), 2);
    // Equal content, but nested in different vital sign sets: distinct, unsuffixed ids.
    assert!(
        encounters
            .iter()
            .all(|e| !e.iri.as_str().rsplit('/').next().unwrap().contains('-'))
    );
    for vss in of_class(&r, "VitalSignSet") {
        let linked = objects(&vss.graph, &vss.iri, sp!("encounter"));
        assert_eq!(linked.len(), 1);
        assert!(
            encounters
                .iter()
                .any(|e| linked[0] == Term::from(e.iri.clone()))
        );
        // The encounter's content stays in its own graph.
        assert!(
            !vss.graph
                .iter()
                .any(|t| t.predicate.as_str() == sp!("encounterType"))
        );
    }
    for e in encounters {
        assert_eq!(objects(&e.graph, &e.iri, sp!("startDate")).len(), 1);
        assert_eq!(objects(&e.graph, &e.iri, sp!("encounterType")).len(), 1);
    }
}

#[test]
fn codes_are_copied_into_each_statement_graph_that_uses_them() {
    let r = split(PATIENT);
    let code = iri("http://purl.bioontology.org/ontology/RXNORM/582620");
    for m in of_class(&r, "Medication") {
        assert_eq!(
            objects(&m.graph, &code, smart_core::dcterms!("identifier")),
            [Term::from(oxrdf::Literal::new_simple_literal("582620"))]
        );
        assert_eq!(m.graph.triples_for_subject(&code).count(), 5);
    }
    // Nested blank nodes are in the graph, with labels unique to it.
    let demo = &of_class(&r, "Demographics")[0];
    let names = objects(&demo.graph, &demo.iri, smart_core::vcard!("n"));
    let Some(Term::BlankNode(name)) = names.first() else {
        panic!("{}", demo.graph)
    };
    assert_eq!(demo.graph.triples_for_subject(name).count(), 3);
    let mut labels: Vec<&str> = r
        .statements
        .iter()
        .flat_map(|s| s.graph.iter())
        .filter_map(|t| match t.subject {
            oxrdf::NamedOrBlankNodeRef::BlankNode(b) => Some(b.as_str()),
            oxrdf::NamedOrBlankNodeRef::NamedNode(_) => None,
        })
        .collect();
    labels.sort_unstable();
    labels.dedup();
    // Blank subjects: name, 2 quantities, 2 drug names, 1 lab name, 2 encounter types,
    // 2 problem names.
    assert_eq!(labels.len(), 10);
}

#[test]
fn a_foreign_belongs_to_is_refused() {
    let body = "_:rec a sp:MedicalRecord . _:other a sp:Thing .
        _:p a sp:Problem ; sp:belongsTo _:other ; sp:startDate \"2001\" .";
    let err = split_record(&turtle(body), &rid()).unwrap_err();
    assert!(
        matches!(&err, SplitError::ForeignBelongsTo { class, .. } if class == "sp:Problem"),
        "{err}"
    );
    assert!(err.to_string().contains("sp:Problem"), "{err}");

    let body = "_:p a sp:Problem ; sp:belongsTo <http://smart-rs.invalid/api/records/9> .";
    assert!(matches!(
        split_record(&turtle(body), &rid()),
        Err(SplitError::ForeignBelongsTo { .. })
    ));
    // This record's own IRI is fine.
    let body = "_:p a sp:Problem ; sp:belongsTo <http://smart-rs.invalid/api/records/1032702> .";
    assert_eq!(split(body).statements.len(), 1);
    // So is this record under another container's base (an export from elsewhere): the
    // stored statement links to the canonical record IRI only.
    let body = "<https://ehr.example/smart/records/1032702> a sp:MedicalRecord .
        _:p a sp:Problem ; sp:belongsTo <https://ehr.example/smart/records/1032702> .";
    let r = split(body);
    assert_eq!(r.statements.len(), 1);
    assert!(r.orphans.is_empty(), "{:?}", r.orphans);
    let belongs: Vec<_> = r.statements[0]
        .graph
        .triples_for_predicate(NamedNodeRef::new_unchecked(BELONGS_TO))
        .map(|t| t.object.to_string())
        .collect();
    assert_eq!(
        belongs,
        vec!["<http://smart-rs.invalid/api/records/1032702>".to_owned()]
    );
}

#[test]
fn record_nodes_are_checked() {
    let two = "_:a a sp:MedicalRecord . _:b a sp:MedicalRecord .";
    assert!(matches!(
        split_record(&turtle(two), &rid()),
        Err(SplitError::MultipleRecords { .. })
    ));
    let foreign = "<http://example.org/records/1> a sp:MedicalRecord .";
    assert!(matches!(
        split_record(&turtle(foreign), &rid()),
        Err(SplitError::ForeignRecord { .. })
    ));
}

#[test]
fn two_demographics_are_refused() {
    let body = "_:a a sp:Demographics ; foaf:gender \"male\" .
        _:b a sp:Demographics ; foaf:gender \"female\" .";
    let err = split_record(&turtle(body), &rid()).unwrap_err();
    assert!(
        matches!(err, SplitError::DuplicateSingleton { .. }),
        "{err}"
    );
}

#[test]
fn orphans_are_reported() {
    let body = "_:rec a sp:MedicalRecord ; sp:hasStatement _:p ; dcterms:title \"x\" .
        _:p a sp:Problem ; sp:belongsTo _:rec .
        _:loose sp:value \"42\" .
        <http://example.org/x> dcterms:title \"unused code\" .";
    let r = split(body);
    assert_eq!(r.statements.len(), 1);
    let orphans: Vec<String> = r.orphans.iter().map(|t| t.predicate.to_string()).collect();
    assert_eq!(orphans.len(), 3, "{orphans:?}");
}

#[test]
fn split_output_re_splits_to_the_same_iris() {
    let r = split(PATIENT);
    let mut union = r.record_graph.clone();
    for s in &r.statements {
        union.extend(s.graph.iter());
    }
    let again = split_record(&union, &rid()).unwrap();
    let iris = |r: &SplitRecord| {
        r.statements
            .iter()
            .map(|s| s.iri.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(iris(&again), iris(&r));
    assert!(again.orphans.is_empty(), "{:?}", again.orphans);
}

#[test]
fn post_mints_fresh_ids_from_the_caller() {
    let body = "_:n a sp:ClinicalNote ; dcterms:date \"2012-01-01\" ; dcterms:title \"Note\" ;
        sp:resource [ a sp:Resource ; sp:content [ a sp:Content ; sp:value \"hi\" ] ] .";
    let mut n = 0;
    let r = mint_for_post(&turtle(body), &rid(), |class| {
        assert_eq!(class.iri, sp!("ClinicalNote"));
        n += 1;
        format!("note-{n}")
    })
    .unwrap();
    assert_eq!(
        r.statements[0].iri.as_str(),
        format!("{STORAGE_BASE}/records/1032702/clinical_notes/note-1")
    );
    assert_eq!(r.statements[0].graph.len(), 9);

    let bad = mint_for_post(&turtle(body), &rid(), |_| "a/b".to_owned());
    assert!(matches!(bad, Err(SplitError::BadId { .. })));
    let two = "_:a a sp:ClinicalNote . _:b a sp:ClinicalNote .";
    let dup = mint_for_post(&turtle(two), &rid(), |_| "same".to_owned());
    assert!(matches!(dup, Err(SplitError::DuplicateId { .. })));
    let foreign = "_:a a sp:ClinicalNote ; sp:belongsTo <http://example.org/records/1> .";
    let err = mint_for_post(&turtle(foreign), &rid(), |_| "x".to_owned());
    assert!(matches!(err, Err(SplitError::ForeignBelongsTo { .. })));
}

#[test]
fn blank_cycles_terminate() {
    let body = "_:p a sp:Problem ; sp:notes _:x . _:x sp:next _:y . _:y sp:next _:x .";
    let r = split(body);
    assert_eq!(r.statements[0].graph.len(), 5);
    assert_eq!(
        split(body),
        split_record(&relabel(&turtle(body), "q"), &rid()).unwrap()
    );
}

/// A problem whose notes are a chain of `depth` blank nodes.
fn chain(depth: usize) -> Graph {
    let mut body = String::from("_:p a sp:Problem ; sp:notes _:c0 .\n");
    for i in 0..depth {
        body.push_str(&format!("_:c{i} sp:next _:c{} .\n", i + 1));
    }
    turtle(&body)
}

#[test]
fn deep_blank_chains_are_refused_not_overflowed() {
    let ok = split_record(&chain(300), &rid()).unwrap();
    // Type, notes, 300 links, and the added belongsTo.
    assert_eq!(ok.statements[0].graph.len(), 303);
    let err = split_record(&chain(20_000), &rid()).unwrap_err();
    assert_eq!(err, SplitError::TooComplex);
}

#[test]
fn storage_round_trip_through_a_public_base() {
    let r = split(PATIENT);
    let api = ApiBase::new("https://ehr.example.org/smart").unwrap();
    for s in &r.statements {
        let public = to_public(&s.graph, &api);
        assert!(
            public
                .iter()
                .all(|t| !t.subject.to_string().contains("smart-rs.invalid")),
            "{public}"
        );
        assert_eq!(to_storage(&public, &api), s.graph);
    }
}

/// Small graphs over the SMART vocabulary, to look for panics.
fn arbitrary_graph() -> impl Strategy<Value = Graph> {
    let node = prop_oneof![
        (0u8..6).prop_map(|i| NamedOrBlankNode::from(BlankNode::new_unchecked(format!("n{i}")))),
        prop::sample::select(vec![
            "http://smart-rs.invalid/api/records/7",
            "http://smart-rs.invalid/api/records/7/problems/abc",
            "http://smart-rs.invalid/api/records/7/demographics",
            "http://example.org/x",
        ])
        .prop_map(|s| NamedOrBlankNode::from(NamedNode::new_unchecked(s))),
    ];
    let predicate = prop::sample::select(vec![
        oxrdf::vocab::rdf::TYPE.as_str(),
        sp!("belongsTo"),
        sp!("hasStatement"),
        sp!("fulfillment"),
        sp!("medication"),
        sp!("encounter"),
        sp!("code"),
    ])
    .prop_map(NamedNode::new_unchecked);
    let object = prop_oneof![
        node.clone().prop_map(Term::from),
        prop::sample::select(vec![
            sp!("MedicalRecord"),
            sp!("Medication"),
            sp!("Fulfillment"),
            sp!("Demographics"),
            sp!("Encounter"),
            sp!("Problem"),
            sp!("CodedValue"),
        ])
        .prop_map(|s| Term::from(NamedNode::new_unchecked(s))),
        "[a-z]{0,2}".prop_map(|s| Term::from(oxrdf::Literal::new_simple_literal(s))),
    ];
    prop::collection::vec((node, predicate, object), 0..24).prop_map(|ts| {
        ts.into_iter()
            .map(|(s, p, o)| Triple::new(s, p, o))
            .collect()
    })
}

proptest! {
    #[test]
    fn never_panics_and_is_deterministic(g in arbitrary_graph()) {
        let record = RecordId::new("7").unwrap();
        let first = split_record(&g, &record);
        prop_assert_eq!(&first, &split_record(&g, &record));
        if let Ok(r) = first {
            // Everything in the input is either stored or reported.
            let stored: usize = r.statements.iter().map(|s| s.graph.len()).sum();
            prop_assert!(stored + r.orphans.len() + r.record_graph.len() > 0 || g.is_empty());
        }
        let _ = mint_for_post(&g, &record, |_| "x1".to_owned());
    }

    #[test]
    fn relabelling_never_changes_the_statement_iris(salt in "[a-z]{1,4}") {
        let a = split(PATIENT);
        let b = split_record(&relabel(&turtle(PATIENT), &salt), &rid()).unwrap();
        prop_assert_eq!(a, b);
    }
}
