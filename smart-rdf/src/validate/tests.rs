//! Unit tests of the validator on small hand-written Turtle graphs.

use proptest::prelude::*;

use super::*;
use crate::{RdfFormat, parse};

const PREFIXES: &str = r#"
@prefix sp: <http://smartplatforms.org/terms#> .
@prefix spcode: <http://smartplatforms.org/terms/codes/> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix v: <http://www.w3.org/2006/vcard/ns#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rx: <http://purl.bioontology.org/ontology/RXNORM/> .
@prefix snomed: <http://purl.bioontology.org/ontology/SNOMEDCT/> .
@prefix loinc: <http://purl.bioontology.org/ontology/LNC/> .
@prefix r: <http://example.org/records/1/> .
"#;

const RECORD: &str = "http://example.org/records/1";

/// A valid medication in a record; tests break it with string replacements.
const MEDICATION: &str = r#"
<http://example.org/records/1> a sp:MedicalRecord .
r:med a sp:Medication ;
    sp:belongsTo <http://example.org/records/1> ;
    sp:drugName _:dn ;
    sp:startDate "2011-06-12" ;
    sp:instructions "1 tablet daily" ;
    sp:quantity [ a sp:ValueAndUnit ; sp:value "1" ; sp:unit "{tablet}" ] .
_:dn a sp:CodedValue ; dcterms:title "Aspirin 81 MG Oral Tablet" ; sp:code rx:243670 .
rx:243670 a sp:Code, spcode:RxNorm_Semantic ;
    dcterms:title "Aspirin 81 MG Oral Tablet" ;
    dcterms:identifier "243670" ;
    sp:system "http://purl.bioontology.org/ontology/RXNORM/" .
"#;

/// A valid allergy with two closed-list codes.
const ALLERGY: &str = r#"
<http://example.org/records/1> a sp:MedicalRecord .
r:alg a sp:Allergy ;
    sp:belongsTo <http://example.org/records/1> ;
    sp:startDate "2009" ;
    sp:category [ a sp:CodedValue ; dcterms:title "Drug allergy" ; sp:code snomed:416098002 ] ;
    sp:severity [ a sp:CodedValue ; dcterms:title "Severe" ; sp:code snomed:24484000 ] ;
    sp:allergicReaction [ a sp:CodedValue ; dcterms:title "Hives" ; sp:code snomed:247472004 ] .
snomed:416098002 a sp:Code, spcode:AllergyCategory ; dcterms:title "Drug allergy" ;
    dcterms:identifier "416098002" ; sp:system "http://purl.bioontology.org/ontology/SNOMEDCT/" .
snomed:24484000 a sp:Code, spcode:AllergySeverity ; dcterms:title "Severe" ;
    dcterms:identifier "24484000" ; sp:system "http://purl.bioontology.org/ontology/SNOMEDCT/" .
snomed:247472004 a sp:Code, spcode:SNOMED ; dcterms:title "Hives" ;
    dcterms:identifier "247472004" ; sp:system "http://purl.bioontology.org/ontology/SNOMEDCT/" .
"#;

/// [`MEDICATION`] up to (without) its coded value and code.
fn medication_head() -> &'static str {
    MEDICATION
        .split("_:dn a sp:CodedValue")
        .next()
        .unwrap_or_default()
}

fn graph(ttl: &str) -> oxrdf::Graph {
    parse(
        format!("{PREFIXES}{ttl}").as_bytes(),
        RdfFormat::Turtle,
        None,
    )
    .unwrap_or_else(|e| panic!("test graph does not parse: {e}"))
}

fn strict(ttl: &str) -> Report {
    validate(&graph(ttl), &ValidationOptions::strict())
}

fn only(report: &Report) -> &Finding {
    assert_eq!(report.findings.len(), 1, "expected one finding:\n{report}");
    &report.findings[0]
}

#[test]
fn valid_statements_have_no_findings() {
    for ttl in [MEDICATION, ALLERGY] {
        let r = strict(ttl);
        assert!(r.findings.is_empty(), "{r}");
        assert!(r.is_valid());
    }
}

#[test]
fn blank_nodes_are_labelled_by_their_path() {
    let ttl = format!(
        "{}_:dn a sp:CodedValue ; dcterms:title \"Aspirin\" .",
        medication_head()
    );
    let r = strict(&ttl);
    let f = only(&r);
    assert_eq!(f.rule, Rule::MissingProperty);
    assert_eq!(f.node, "_:dn (sp:Medication › sp:drugName)");
    assert_eq!(f.property.as_deref(), Some("sp:code"));
    assert_eq!(f.expected, "exactly 1 value (cardinality 1)");
    assert_eq!(f.found, "none");
    let line = f.to_string();
    assert!(
        line.starts_with("error[missing-property] _:dn (sp:Medication › sp:drugName) sp:code:"),
        "{line}"
    );
    assert_eq!(r.to_string(), format!("{line}\n"));
}

#[test]
fn untyped_nested_nodes_are_checked_against_the_range() {
    let r = strict(&MEDICATION.replace(
        r#"[ a sp:ValueAndUnit ; sp:value "1" ; sp:unit "{tablet}" ]"#,
        r#"[ sp:value "one" ; sp:unit "{tablet}" ]"#,
    ));
    let f = only(&r);
    assert_eq!(f.rule, Rule::Number);
    assert_eq!(f.property.as_deref(), Some("sp:value"));
    assert!(
        f.node.ends_with("(sp:Medication › sp:quantity)"),
        "{}",
        f.node
    );
    assert_eq!(f.found, "literal \"one\"");
}

#[test]
fn closed_list_titles_and_membership() {
    let r = strict(&ALLERGY.replace(
        r#"a sp:Code, spcode:AllergySeverity ; dcterms:title "Severe""#,
        r#"a sp:Code, spcode:AllergySeverity ; dcterms:title "Serious""#,
    ));
    let f = only(&r);
    assert_eq!(f.rule, Rule::CodeTitle);
    assert_eq!(
        f.node,
        "http://purl.bioontology.org/ontology/SNOMEDCT/24484000"
    );
    assert!(f.expected.contains("\"Severe\""), "{}", f.expected);
    assert_eq!(f.found, "title \"Serious\"");

    // Titles compare case-insensitively, as the original verifier did.
    let r = strict(&ALLERGY.replace(r#"dcterms:title "Severe" ;"#, r#"dcterms:title "SEVERE" ;"#));
    assert!(r.findings.is_empty(), "{r}");

    // A SNOMED code that is not one of the five severities.
    let r = strict(
        &ALLERGY
            .replace("snomed:24484000", "snomed:1234567")
            .replace(r#""24484000""#, r#""1234567""#),
    );
    let f = only(&r);
    assert_eq!(f.rule, Rule::CodeNotInList);
    assert_eq!(
        f.found,
        "http://purl.bioontology.org/ontology/SNOMEDCT/1234567"
    );
    assert!(
        f.expected.contains("spcode:AllergySeverity"),
        "{}",
        f.expected
    );
}

#[test]
fn code_identity_and_typing() {
    let r = strict(&MEDICATION.replace(
        r#"dcterms:identifier "243670""#,
        r#"dcterms:identifier "24367""#,
    ));
    let f = only(&r);
    assert_eq!(f.rule, Rule::CodeIdentity);
    assert_eq!(f.property.as_deref(), Some("sp:system"));

    let r = strict(&MEDICATION.replace("a sp:Code, spcode:RxNorm_Semantic", "a sp:Code"));
    let f = only(&r);
    assert_eq!(f.rule, Rule::CodeType);
    assert_eq!(f.found, "sp:Code");

    // A subclass of the list is fine: RxNorm_Semantic under a plain RxNorm range is
    // tested by the model; here a list's own subclass, VitalSign under LOINC.
    let r = strict(
        r#"<http://example.org/records/1> a sp:MedicalRecord .
        r:lab a sp:LabResult ; sp:belongsTo <http://example.org/records/1> ; dcterms:date "2010" ;
            sp:labName [ a sp:CodedValue ; dcterms:title "Body height" ; sp:code loinc:8302-2 ] .
        loinc:8302-2 a sp:Code, spcode:VitalSign ; dcterms:title "Body height" ;
            dcterms:identifier "8302-2" ; sp:system "http://purl.bioontology.org/ontology/LNC/" ."#,
    );
    assert!(r.findings.is_empty(), "{r}");
}

#[test]
fn a_code_missing_from_the_graph_is_one_finding() {
    let ttl = MEDICATION
        .split("rx:243670 a sp:Code")
        .next()
        .unwrap_or_default();
    let r = strict(ttl);
    let f = only(&r);
    assert_eq!(f.rule, Rule::CodeType);
    assert_eq!(f.found, "no triples about it in the graph");
    assert_eq!(f.node, "http://purl.bioontology.org/ontology/RXNORM/243670");
}

#[test]
fn references_to_statements_outside_the_graph_are_accepted() {
    let r = strict(
        r#"<http://example.org/records/1> a sp:MedicalRecord .
        r:f a sp:Fulfillment ; sp:belongsTo <http://example.org/records/1> ;
            dcterms:date "2011-06-12T18:30Z" ; sp:dispenseDaysSupply "30" ;
            sp:medication <http://example.org/records/1/medications/elsewhere> ."#,
    );
    assert!(r.findings.is_empty(), "{r}");
}

#[test]
fn cycles_terminate() {
    // Medication and fulfillment point at each other; a list of images loops onto
    // itself; a coded value is its own code.
    let ttl = format!(
        "{MEDICATION}
        r:med sp:fulfillment r:f .
        r:f a sp:Fulfillment ; sp:belongsTo <{RECORD}> ; dcterms:date \"2011\" ;
            sp:dispenseDaysSupply \"30\" ; sp:medication r:med .
        r:study a sp:ImagingStudy ; sp:belongsTo <{RECORD}> ; sp:series r:series .
        r:series a sp:Series ; sp:images _:l .
        _:l rdf:first _:l ; rdf:rest _:l .
        r:p a sp:Problem ; sp:belongsTo <{RECORD}> ; sp:startDate \"2010\" ; sp:problemName _:cv .
        _:cv a sp:CodedValue ; dcterms:title \"loop\" ; sp:code _:cv ."
    );
    let r = strict(&ttl);
    assert!(
        r.findings
            .iter()
            .any(|f| f.rule == Rule::CodeType && f.node == "_:cv (sp:Problem › sp:problemName)"),
        "{r}"
    );
    assert!(
        r.findings.iter().any(|f| f
            .node
            .starts_with("_:l (sp:ImagingStudy › sp:series › sp:images)")),
        "{r}"
    );
    // The medication and the fulfillment themselves are fine.
    assert!(
        !r.findings
            .iter()
            .any(|f| f.node.ends_with("/med") || f.node.ends_with("/f")),
        "{r}"
    );
}

#[test]
fn wrong_node_type_and_literal_kinds() {
    let r = strict(&medication_head().replace(
        "sp:drugName _:dn",
        "sp:drugName [ a sp:ValueAndUnit ; sp:value \"1\" ; sp:unit \"mg\" ]",
    ));
    let f = only(&r);
    assert_eq!(f.rule, Rule::WrongType);
    assert_eq!(f.node, "http://example.org/records/1/med");
    assert_eq!(f.expected, "a node of type sp:CodedValue (or a subclass)");
    assert_eq!(f.found, "sp:ValueAndUnit");

    let r = strict(&MEDICATION.replace(
        r#"sp:instructions "1 tablet daily""#,
        "sp:instructions _:dn",
    ));
    let f = only(&r);
    assert_eq!(f.rule, Rule::NodeForLiteral);
    assert_eq!(f.property.as_deref(), Some("sp:instructions"));
}

#[test]
fn fixed_units_and_gender() {
    let r = strict(&format!(
        "<{RECORD}> a sp:MedicalRecord .
        r:vs a sp:VitalSignSet ; sp:belongsTo <{RECORD}> ; dcterms:date \"2011-06-12\" ;
            sp:encounter r:enc ;
            sp:height [ a sp:VitalSign ; sp:value \"180\" ; sp:unit \"m\" ] .
        r:enc a sp:Encounter ; sp:belongsTo <{RECORD}> ; sp:startDate \"2011-06-12\" ;
            sp:encounterType [ a sp:CodedValue ; dcterms:title \"Ambulatory encounter\" ;
                sp:code <http://smartplatforms.org/terms/codes/EncounterType#ambulatory> ] .
        <http://smartplatforms.org/terms/codes/EncounterType#ambulatory> a sp:Code, spcode:EncounterType ;
            dcterms:title \"Ambulatory encounter\" ; dcterms:identifier \"ambulatory\" ;
            sp:system \"http://smartplatforms.org/terms/codes/EncounterType#\" ."
    ));
    let f = only(&r);
    assert_eq!(f.rule, Rule::FixedUnit);
    assert_eq!(f.property.as_deref(), Some("sp:unit"));
    assert_eq!(f.found, "\"m\"");
    assert!(f.expected.contains("\"cm\""), "{}", f.expected);

    let demo = |gender: &str| {
        strict(&format!(
            "<{RECORD}> a sp:MedicalRecord .
            r:d a sp:Demographics ; sp:belongsTo <{RECORD}> ; foaf:gender \"{gender}\" ;
                v:bday \"1970-01-01\" ; v:n [ a v:Name ; v:given-name \"A\" ; v:family-name \"B\" ] ;
                sp:medicalRecordNumber [ a sp:Code ; dcterms:title \"MRN 1\" ;
                    dcterms:identifier \"1\" ; sp:system \"My Hospital\" ] ."
        ))
    };
    for ok in ["male", "female", "undifferentiated"] {
        assert!(demo(ok).findings.is_empty(), "{ok}: {}", demo(ok));
    }
    assert_eq!(only(&demo("M")).rule, Rule::AllowedValue);
}

#[test]
fn unknown_classes_properties_and_untyped_statements() {
    let r = strict(&MEDICATION.replace("r:med a sp:Medication", "r:med a sp:Medicaton"));
    let f = only(&r);
    assert_eq!(f.rule, Rule::UnknownClass);
    assert_eq!(f.found, "sp:Medicaton");

    let r = strict(&MEDICATION.replace(
        r#"sp:startDate "2011-06-12""#,
        r#"sp:startdate "2011-06-12""#,
    ));
    let rules: Vec<Rule> = r.findings.iter().map(|f| f.rule).collect();
    assert_eq!(rules, [Rule::MissingProperty, Rule::UnknownProperty], "{r}");

    let r = strict(&format!(
        "r:x sp:belongsTo <{RECORD}> . <{RECORD}> a sp:MedicalRecord ."
    ));
    let f = only(&r);
    assert_eq!(f.rule, Rule::NoStatementClass);
    assert_eq!(f.found, "no rdf:type");
}

#[test]
fn belongs_to_points_to_the_one_record() {
    let r = strict(&MEDICATION.replace(
        "sp:belongsTo <http://example.org/records/1>",
        "sp:belongsTo <http://example.org/records/2>",
    ));
    let f = only(&r);
    assert_eq!(f.rule, Rule::BelongsTo);
    assert_eq!(f.found, "http://example.org/records/2");
}

#[test]
fn lenient_mode_downgrades_known_defects_only() {
    let ttl = r#"
        r:lab a sp:LabResult ; dcterms:date "2010-01-01" ;
            sp:labName [ a sp:CodedValue ; dcterms:title "Sodium" ; sp:code loinc:2951-2 ] .
        loinc:2951-2 a sp:Code, spcode:LOINC ; dcterms:title "Sodium" ;
            dcterms:identifier "2951-2" ; sp:system "http://purl.bioontology.org/ontology/LNC/" .
        r:p a sp:Problem ; sp:startDate "2010" ;
            sp:problemName [ a sp:CodedValue ; dcterms:title "Asthma" ; sp:code snomed:195967001 ] .
        snomed:195967001 a sp:Code, spcode:SNOMED ; dcterms:title "Asthma" ;
            dcterms:identifier "195967001" ; sp:system "http://purl.bioontology.org/ontology/SNOMEDCT/" .
    "#;
    let g = graph(ttl);
    let s = validate(&g, &ValidationOptions::strict());
    assert_eq!(s.error_count(), 2, "{s}");
    let l = validate(&g, &ValidationOptions::lenient());
    assert_eq!((l.error_count(), l.warning_count()), (1, 1), "{l}");
    let w = l.warnings().next().expect("one warning");
    assert_eq!(w.known_defect, Some(KnownDefect::LabResultWithoutRecord));
    assert_eq!(w.severity, Severity::Warning);
    assert!(
        w.to_string().starts_with("warning[missing-property]"),
        "{w}"
    );
    // The problem's missing record link is not a known defect.
    let e = l.errors().next().expect("one error");
    assert_eq!(e.known_defect, None);
    assert_eq!(
        s.count_by_defect()
            .get(&KnownDefect::LabResultWithoutRecord),
        Some(&1)
    );
}

#[test]
fn payload_rules() {
    let note = r#"
        [] a sp:ClinicalNote ; dcterms:date "2012-01-01" ; dcterms:title "Visit" ;
            dcterms:format <http://purl.org/NET/mediatypes/text/plain> ;
            sp:resource [ a sp:Resource ; sp:content [ a sp:Content ; sp:encoding "UTF-8" ; sp:value "ok" ] ] .
        <http://purl.org/NET/mediatypes/text/plain> a dcterms:MediaTypeOrExtent ; rdfs:label "text/plain" .
    "#
    .replace("rdfs:label", "<http://www.w3.org/2000/01/rdf-schema#label>");
    let notes = ValidationOptions::strict().with_payload(
        PayloadRules::allowing(&[smart_core::sp!("ClinicalNote")]).for_record(RECORD),
    );
    // No sp:belongsTo is fine in a payload.
    let r = validate(&graph(&note), &notes);
    assert!(r.findings.is_empty(), "{r}");

    let with_link = note.replacen(
        "[] a sp:ClinicalNote ;",
        "[] a sp:ClinicalNote ; sp:belongsTo r:other ;",
        1,
    );
    let f = validate(&graph(&with_link), &notes).findings;
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].rule, Rule::BelongsTo);
    assert_eq!(f[0].expected, format!("the record {RECORD}"));

    let r = validate(&graph(MEDICATION), &notes);
    assert!(
        r.findings
            .iter()
            .any(|f| f.rule == Rule::StatementNotAllowed && f.found == "sp:Medication"),
        "{r}"
    );

    let r = validate(&graph(""), &notes);
    assert_eq!(only(&r).rule, Rule::EmptyPayload);
}

#[test]
fn datatypes_named_by_the_model() {
    let prov = |source: &str| {
        strict(&MEDICATION.replace(
            "sp:code rx:243670 .",
            &format!(
                "sp:code rx:243670 ; sp:provenance [ a sp:CodeProvenance ; dcterms:title \"local\" ;
                    sp:sourceCode {source} ; sp:translationFidelity <http://smartplatforms.org/terms/codes/TranslationFidelity#verified> ] ."
            ),
        ))
    };
    assert!(
        prov("<http://example.org/local/1>").findings.is_empty(),
        "{}",
        prov("<http://example.org/local/1>")
    );
    assert!(prov("\"http://example.org/local/1\"").findings.is_empty());
    assert!(
        prov("\"http://example.org/local/1\"^^xsd:anyURI")
            .findings
            .is_empty()
    );
    assert_eq!(only(&prov("\"a b\"")).rule, Rule::Datatype);
    assert_eq!(only(&prov("\"1\"^^xsd:integer")).rule, Rule::Datatype);
}

#[test]
fn individuals_of_closed_lists() {
    let r = strict(&MEDICATION.replace(
        "sp:code rx:243670 .",
        "sp:code rx:243670 ; sp:provenance [ a sp:CodeProvenance ; dcterms:title \"local\" ;
            sp:sourceCode <http://example.org/l/1> ; sp:translationFidelity <http://smartplatforms.org/terms/codes/TranslationFidelity#guessed> ] .",
    ));
    let f = only(&r);
    assert_eq!(f.rule, Rule::CodeNotInList);
    assert_eq!(f.property.as_deref(), Some("sp:translationFidelity"));
}

#[test]
fn rule_and_defect_names_are_unique() {
    let mut names: Vec<&str> = Rule::ALL.iter().map(|r| r.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), Rule::ALL.len());
    let mut names: Vec<&str> = KnownDefect::ALL.iter().map(|d| d.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), KnownDefect::ALL.len());
}

#[test]
fn large_and_deep_graphs_are_handled() {
    // 20 000 problems in one record, and one series whose image list is 50 000 long:
    // an explicit work stack (no recursion) and hash lookups keep this linear.
    let mut ttl = format!("<{RECORD}> a sp:MedicalRecord .\n");
    ttl.push_str(
        "snomed:195967001 a sp:Code, spcode:SNOMED ; dcterms:title \"Asthma\" ;
            dcterms:identifier \"195967001\" ; sp:system \"http://purl.bioontology.org/ontology/SNOMEDCT/\" .\n",
    );
    for i in 0..20_000 {
        ttl.push_str(&format!(
            "r:p{i} a sp:Problem ; sp:belongsTo <{RECORD}> ; sp:startDate \"2010\" ;
                sp:problemName [ a sp:CodedValue ; dcterms:title \"Asthma\" ; sp:code snomed:195967001 ] .
            <{RECORD}> sp:hasStatement r:p{i} .\n"
        ));
    }
    ttl.push_str(&format!(
        "r:study a sp:ImagingStudy ; sp:belongsTo <{RECORD}> ; sp:series [ a sp:Series ; sp:images _:l0 ] .\n"
    ));
    for i in 0..50_000 {
        let next = if i + 1 < 50_000 {
            format!("_:l{}", i + 1)
        } else {
            "rdf:nil".to_owned()
        };
        ttl.push_str(&format!("_:l{i} rdf:first r:img ; rdf:rest {next} .\n"));
    }
    let g = graph(&ttl);
    let started = std::time::Instant::now();
    let r = validate(&g, &ValidationOptions::strict());
    let took = started.elapsed();
    // The study lacks its title, date and modality; the list's single image is absent
    // from the graph (a reference) and so not a finding.
    let rules: Vec<Rule> = r.findings.iter().map(|f| f.rule).collect();
    assert_eq!(rules, [Rule::MissingProperty; 3], "{r}");
    // Generous: this is about complexity, not speed (it takes well under a second).
    assert!(took < std::time::Duration::from_secs(30), "{took:?}");
}

/// IRIs the random graphs are built from: model terms, so that the checks run deep.
const TERMS: &[&str] = &[
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#first",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#rest",
    smart_core::sp!("Medication"),
    smart_core::sp!("VitalSignSet"),
    smart_core::sp!("MedicalRecord"),
    smart_core::sp!("CodedValue"),
    smart_core::sp!("Code"),
    smart_core::sp!("Series"),
    smart_core::sp!("ImagesList"),
    smart_core::sp!("belongsTo"),
    smart_core::sp!("drugName"),
    smart_core::sp!("code"),
    smart_core::sp!("images"),
    smart_core::sp!("height"),
    smart_core::sp!("unit"),
    smart_core::sp!("system"),
    smart_core::sp!("Nonsense"),
    smart_core::spcode!("RxNorm_Semantic"),
    smart_core::spcode!("AllergySeverity"),
    "http://purl.org/dc/terms/title",
    "http://purl.org/dc/terms/identifier",
    "http://purl.bioontology.org/ontology/RXNORM/1",
];

fn term(i: usize) -> oxrdf::Term {
    let i = i % (TERMS.len() + 6);
    match TERMS.get(i) {
        Some(iri) => oxrdf::NamedNode::new_unchecked(*iri).into(),
        None if i.is_multiple_of(2) => oxrdf::BlankNode::new_unchecked(format!("b{i}")).into(),
        None => oxrdf::Literal::new_simple_literal(format!("{i}-x")).into(),
    }
}

proptest! {
    #[test]
    fn random_graphs_never_panic(triples in prop::collection::vec((0usize..40, 0usize..40, 0usize..40), 0..60)) {
        let mut g = oxrdf::Graph::new();
        for (s, p, o) in triples {
            let subject = match term(s) {
                oxrdf::Term::NamedNode(n) => oxrdf::NamedOrBlankNode::from(n),
                oxrdf::Term::BlankNode(b) => b.into(),
                _ => continue,
            };
            let oxrdf::Term::NamedNode(predicate) = term(p) else { continue };
            g.insert(&oxrdf::Triple::new(subject, predicate, term(o)));
        }
        for opts in [
            ValidationOptions::strict(),
            ValidationOptions::lenient().with_payload(PayloadRules::allowing(&[smart_core::sp!("Medication")]).for_record(RECORD)),
        ] {
            let r = validate(&g, &opts);
            let _ = r.to_string();
        }
    }
}

/// A whole-record file as the original de-identified patients are written: blank-node
/// statements, no record node, no `sp:belongsTo`, a vital-sign set with a nested
/// encounter, and a lab result.
const UNLINKED_RECORD: &str = r#"
_:problem a sp:Problem ; sp:startDate "2010" ;
    sp:problemName [ a sp:CodedValue ; dcterms:title "Asthma" ; sp:code snomed:195967001 ] .
snomed:195967001 a sp:Code, spcode:SNOMED ; dcterms:title "Asthma" ;
    dcterms:identifier "195967001" ; sp:system "http://purl.bioontology.org/ontology/SNOMEDCT/" .
_:lab a sp:LabResult ; dcterms:date "2010-01-01" ;
    sp:labName [ a sp:CodedValue ; dcterms:title "Sodium" ; sp:code loinc:2951-2 ] .
loinc:2951-2 a sp:Code, spcode:LOINC ; dcterms:title "Sodium" ;
    dcterms:identifier "2951-2" ; sp:system "http://purl.bioontology.org/ontology/LNC/" .
_:vitals a sp:VitalSignSet ; dcterms:date "2011-06-12" ; sp:encounter _:visit .
_:visit a sp:Encounter ; sp:startDate "2011-06-12" ;
    sp:encounterType [ a sp:CodedValue ; dcterms:title "Ambulatory encounter" ;
        sp:code <http://smartplatforms.org/terms/codes/EncounterType#ambulatory> ] .
<http://smartplatforms.org/terms/codes/EncounterType#ambulatory> a sp:Code, spcode:EncounterType ;
    dcterms:title "Ambulatory encounter" ; dcterms:identifier "ambulatory" ;
    sp:system "http://smartplatforms.org/terms/codes/EncounterType#" .
"#;

fn record_file(id: Option<&str>) -> RecordFile {
    RecordFile::new(id.map(|id| RecordId::new(id).unwrap()))
}

#[test]
fn statements_of_a_whole_record_file_need_no_record_link() {
    let g = graph(UNLINKED_RECORD);
    // As a container's answer, each of the four statements lacks its link.
    let answer = validate(&g, &ValidationOptions::strict());
    assert_eq!(
        answer
            .count_by_rule(Severity::Error)
            .get(&Rule::MissingProperty),
        Some(&4),
        "{answer}"
    );
    // As a file, in both modes, with or without a known record: they belong to it.
    for id in [Some("1"), None] {
        for options in [ValidationOptions::strict(), ValidationOptions::lenient()] {
            let r = validate(&g, &options.with_record_file(record_file(id)));
            assert!(r.findings.is_empty(), "{id:?}: {r}");
        }
    }
}

#[test]
fn a_whole_record_file_may_mix_linked_and_unlinked_statements() {
    // MEDICATION has a record node and a linked medication; the unlinked statements join.
    let ttl = format!("{MEDICATION}{UNLINKED_RECORD}");
    for id in [Some("1"), None] {
        let r = validate(
            &graph(&ttl),
            &ValidationOptions::strict().with_record_file(record_file(id)),
        );
        assert!(r.findings.is_empty(), "{id:?}: {r}");
    }
    // A link to the record under another base (an export of another container) is
    // this record too.
    let exported = ttl.replace(
        "sp:belongsTo <http://example.org/records/1>",
        "sp:belongsTo <https://ehr.example/api/records/1>",
    );
    let exported = exported.replace("<http://example.org/records/1> a sp:MedicalRecord .", "");
    let r = validate(
        &graph(&exported),
        &ValidationOptions::strict().with_record_file(record_file(Some("1"))),
    );
    assert!(r.findings.is_empty(), "{r}");
}

#[test]
fn a_statement_naming_another_record_is_an_error_in_a_whole_record_file() {
    let other = MEDICATION
        .replace("<http://example.org/records/1> a sp:MedicalRecord .", "")
        .replace(
            "sp:belongsTo <http://example.org/records/1>",
            "sp:belongsTo <http://example.org/records/2>",
        );
    let ttl = format!("{other}{UNLINKED_RECORD}");
    for options in [ValidationOptions::strict(), ValidationOptions::lenient()] {
        let r = validate(
            &graph(&ttl),
            &options.with_record_file(record_file(Some("1"))),
        );
        let f = only(&r);
        assert_eq!((f.rule, f.severity), (Rule::BelongsTo, Severity::Error));
        assert_eq!(f.found, "http://example.org/records/2");
        assert!(f.expected.contains("record 1"), "{f}");
    }
    // A file whose own record node is another record, imported as record 3.
    let r = validate(
        &graph(MEDICATION),
        &ValidationOptions::strict().with_record_file(record_file(Some("3"))),
    );
    assert!(
        r.errors().any(|f| f.rule == Rule::BelongsTo
            && f.node == RECORD
            && f.expected.contains("record 3")),
        "{r}"
    );
    // Record-file rules do not apply to payloads.
    let notes = ValidationOptions::strict()
        .with_payload(PayloadRules::default())
        .with_record_file(record_file(Some("3")));
    assert!(validate(&graph(MEDICATION), &notes).is_valid());
}

/// A file in a vocabulary older than 0.6 (written for this test, in the shape of the
/// developer-contributed files of the original sample patients).
const OLDER_VOCABULARY: &str = r#"
@prefix old: <http://www.ihtsdo.org/snomed-ct/concepts/> .
[] a sp:Problem ; sp:onset "2005-02-20" ;
    sp:problemName [ a sp:CodedValue ; dcterms:title "Hypothyroidism" ; sp:code old:40930008 ] .
old:40930008 a sp:Code ; sp:system <http://www.ihtsdo.org/snomed-ct/concepts/> ;
    dcterms:identifier "40930008" .
[] a sp:AllergyException ;
    sp:exception [ a sp:CodedValue ; dcterms:title "No known allergies" ; sp:code old:160244002 ] .
[] a sp:LabResult ;
    sp:specimenCollected [ a sp:Attribution ; sp:startTime "2011-03-31" ] ;
    sp:quantitativeResult [ a sp:QuantitativeResult ;
        sp:valueAndUnit [ a sp:ValueAndUnit ; sp:value "144" ; sp:unit "mg/dL" ] ;
        sp:normalRange [ a sp:ResultRange ;
            sp:minimum [ a sp:ValueAndUnit ; sp:value "0" ; sp:unit "mg/dL" ] ;
            sp:maximum [ a sp:ValueAndUnit ; sp:value "130" ; sp:unit "mg/dL" ] ] ] .
[] a foaf:Person ; foaf:givenName "Michael" ; sp:zipcode "30307" ; sp:birthday "1966-04-15" .
"#;

#[test]
fn an_older_vocabulary_is_one_error_naming_its_terms() {
    let g = graph(OLDER_VOCABULARY);
    for options in [
        ValidationOptions::strict(),
        ValidationOptions::lenient().with_record_file(record_file(Some("9992105321"))),
    ] {
        let r = validate(&g, &options);
        assert_eq!(r.error_count(), 1, "{r}");
        assert!(r.is_older_vocabulary());
        let f = r.errors().next().unwrap();
        assert_eq!(f.rule, Rule::OlderVocabulary);
        let message = f.message();
        assert!(!message.contains('\n'), "{message}");
        for term in [
            "sp:AllergyException (0.6: sp:AllergyExclusion)",
            "sp:ResultRange (0.6: sp:ValueRange)",
            "sp:onset (0.6: sp:startDate)",
        ] {
            assert!(message.contains(term), "{term}: {message}");
        }
        assert!(message.contains("and 3 more"), "{message}");
        // The wall of errors is still there, as details.
        assert!(r.detail_count() > 10, "{r}");
        assert!(r.details().all(|f| f.severity == Severity::Detail));
        assert!(
            r.details()
                .any(|f| f.rule == Rule::UnknownClass && f.found == "sp:AllergyException"),
            "{r}"
        );
        assert_eq!(r.warning_count(), 0);
    }
}

#[test]
fn a_typo_is_not_an_older_vocabulary() {
    let r = strict(&MEDICATION.replace("r:med a sp:Medication", "r:med a sp:Medicaton"));
    assert!(!r.is_older_vocabulary(), "{r}");
    assert!(r.errors().any(|f| f.rule == Rule::UnknownClass), "{r}");
    assert_eq!(r.detail_count(), 0);
}
