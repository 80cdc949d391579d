//! Broken inputs give precise findings (rule, node, property, expected, found), and
//! broken documents a clear parse error, never a panic.

use smart_rdf::RdfFormat;
use smart_rdf::validate::{Finding, Rule, ValidationOptions, validate};

const PREFIXES: &str = r#"
@prefix sp: <http://smartplatforms.org/terms#> .
@prefix spcode: <http://smartplatforms.org/terms/codes/> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix rx: <http://purl.bioontology.org/ontology/RXNORM/> .
@prefix snomed: <http://purl.bioontology.org/ontology/SNOMEDCT/> .
@prefix loinc: <http://purl.bioontology.org/ontology/LNC/> .
@prefix r: <http://example.org/records/1/> .
"#;

/// A valid record: a medication, an allergy and a vital sign set with a blood pressure.
const PATIENT: &str = r#"
<http://example.org/records/1> a sp:MedicalRecord .

r:med a sp:Medication ;
    sp:belongsTo <http://example.org/records/1> ;
    sp:drugName _:drug ;
    sp:startDate "2011-06-12" ;
    sp:instructions "1 tablet daily" .
_:drug a sp:CodedValue ; dcterms:title "Aspirin 81 MG Oral Tablet" ; sp:code rx:243670 .
rx:243670 a sp:Code, spcode:RxNorm_Semantic ; dcterms:title "Aspirin 81 MG Oral Tablet" ;
    dcterms:identifier "243670" ; sp:system "http://purl.bioontology.org/ontology/RXNORM/" .

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

r:vitals a sp:VitalSignSet ;
    sp:belongsTo <http://example.org/records/1> ;
    dcterms:date "2011-06-12T18:30Z" ;
    sp:encounter r:enc ;
    sp:bloodPressure [ a sp:BloodPressure ; sp:systolic _:sys ; sp:diastolic _:dia ] .
_:sys a sp:VitalSign ; sp:value "120" ; sp:unit "mm[Hg]" .
_:dia a sp:VitalSign ; sp:value "80" ; sp:unit "mm[Hg]" .
r:enc a sp:Encounter ;
    sp:belongsTo <http://example.org/records/1> ;
    sp:startDate "2011-06-12" ;
    sp:encounterType [ a sp:CodedValue ; dcterms:title "Ambulatory encounter" ;
        sp:code <http://smartplatforms.org/terms/codes/EncounterType#ambulatory> ] .
<http://smartplatforms.org/terms/codes/EncounterType#ambulatory> a sp:Code, spcode:EncounterType ;
    dcterms:title "Ambulatory encounter" ; dcterms:identifier "ambulatory" ;
    sp:system "http://smartplatforms.org/terms/codes/EncounterType#" .
"#;

const MED: &str = "http://example.org/records/1/med";

/// Validates [`PATIENT`] with one replacement applied (strict mode).
fn findings_after(from: &str, to: &str) -> Vec<Finding> {
    findings_after_all(&[(from, to)])
}

/// Validates [`PATIENT`] with replacements applied (strict mode).
fn findings_after_all(replacements: &[(&str, &str)]) -> Vec<Finding> {
    let mut ttl = format!("{PREFIXES}{PATIENT}");
    for (from, to) in replacements {
        assert!(
            ttl.contains(from),
            "the test's replacement does not apply: {from}"
        );
        ttl = ttl.replacen(from, to, 1);
    }
    let graph =
        smart_rdf::parse(ttl.as_bytes(), RdfFormat::Turtle, None).unwrap_or_else(|e| panic!("{e}"));
    validate(&graph, &ValidationOptions::strict()).findings
}

/// The medication's coded drug name and its code, to replace.
const DRUG: &str = r#"_:drug a sp:CodedValue ; dcterms:title "Aspirin 81 MG Oral Tablet" ; sp:code rx:243670 .
rx:243670 a sp:Code, spcode:RxNorm_Semantic ; dcterms:title "Aspirin 81 MG Oral Tablet" ;
    dcterms:identifier "243670" ; sp:system "http://purl.bioontology.org/ontology/RXNORM/" ."#;

/// The only finding.
fn single(findings: Vec<Finding>) -> Finding {
    assert_eq!(findings.len(), 1, "expected one finding: {findings:#?}");
    findings.into_iter().next().expect("one finding")
}

/// Asserts every field a caller relies on.
#[track_caller]
fn assert_finding(
    f: &Finding,
    rule: Rule,
    node: &str,
    property: Option<&str>,
    expected: &str,
    found: &str,
) {
    assert_eq!(f.rule, rule, "{f}");
    assert_eq!(f.node, node, "{f}");
    assert_eq!(f.property.as_deref(), property, "{f}");
    assert_eq!(f.expected, expected, "{f}");
    assert_eq!(f.found, found, "{f}");
    assert!(f.is_error(), "{f}");
    // The message names all four.
    let message = f.message();
    for part in [node, expected, found].into_iter().chain(property) {
        assert!(message.contains(part), "{message} lacks {part}");
    }
}

#[test]
fn the_valid_patient_has_no_findings() {
    let findings = findings_after("1 tablet daily", "1 tablet daily");
    assert!(findings.is_empty(), "{findings:#?}");
}

#[test]
fn missing_required_property() {
    let f = single(findings_after(r#"sp:instructions "1 tablet daily" ."#, "."));
    assert_finding(
        &f,
        Rule::MissingProperty,
        MED,
        Some("sp:instructions"),
        "exactly 1 value (cardinality 1)",
        "none",
    );
}

#[test]
fn wrong_code_system_in_a_drug_name() {
    // A SNOMED problem code where an RxNorm drug is required.
    let findings = findings_after(
        r#"sp:code rx:243670 .
rx:243670 a sp:Code, spcode:RxNorm_Semantic ; dcterms:title "Aspirin 81 MG Oral Tablet" ;
    dcterms:identifier "243670" ; sp:system "http://purl.bioontology.org/ontology/RXNORM/" ."#,
        r#"sp:code snomed:195967001 .
snomed:195967001 a sp:Code, spcode:SNOMED ; dcterms:title "Asthma" ;
    dcterms:identifier "195967001" ; sp:system "http://purl.bioontology.org/ontology/SNOMEDCT/" ."#,
    );
    let rules: Vec<Rule> = findings.iter().map(|f| f.rule).collect();
    assert_eq!(rules.len(), 2, "{findings:#?}");
    let system = findings
        .iter()
        .find(|f| f.rule == Rule::CodeSystem)
        .expect("a code-system finding");
    assert_finding(
        system,
        Rule::CodeSystem,
        "_:drug (sp:Medication › sp:drugName)",
        Some("sp:code"),
        "a code of spcode:RxNorm_Semantic (RxNorm http://purl.bioontology.org/ontology/RXNORM/)",
        "http://purl.bioontology.org/ontology/SNOMEDCT/195967001 (SNOMED CT)",
    );
    let typing = findings
        .iter()
        .find(|f| f.rule == Rule::CodeType)
        .expect("a code-type finding");
    assert_finding(
        typing,
        Rule::CodeType,
        "http://purl.bioontology.org/ontology/SNOMEDCT/195967001",
        Some("rdf:type"),
        "sp:Code and spcode:RxNorm_Semantic (or a subclass)",
        "sp:Code, spcode:SNOMED",
    );
}

#[test]
fn closed_list_code_with_the_wrong_title() {
    let f = single(findings_after(
        r#"spcode:AllergySeverity ; dcterms:title "Severe""#,
        r#"spcode:AllergySeverity ; dcterms:title "Very bad""#,
    ));
    assert_finding(
        &f,
        Rule::CodeTitle,
        "http://purl.bioontology.org/ontology/SNOMEDCT/24484000",
        Some("dcterms:title"),
        r#"title "Severe" (the spcode:AllergySeverity title of 24484000)"#,
        r#"title "Very bad""#,
    );
}

#[test]
fn two_start_dates() {
    let f = single(findings_after(
        r#"sp:startDate "2011-06-12" ;
    sp:instructions"#,
        r#"sp:startDate "2011-06-12", "2012-01-01" ;
    sp:instructions"#,
    ));
    assert_finding(
        &f,
        Rule::TooManyValues,
        MED,
        Some("sp:startDate"),
        "at most 1 value (cardinality 1)",
        r#"2 values: literal "2011-06-12", literal "2012-01-01""#,
    );
}

#[test]
fn drug_name_pointing_to_a_value_and_unit() {
    let f = single(findings_after(
        DRUG,
        r#"_:drug a sp:ValueAndUnit ; sp:value "81" ; sp:unit "mg" ."#,
    ));
    assert_finding(
        &f,
        Rule::WrongType,
        MED,
        Some("sp:drugName"),
        "a node of type sp:CodedValue (or a subclass)",
        "sp:ValueAndUnit",
    );
}

#[test]
fn literal_where_a_node_is_required() {
    let f = single(findings_after_all(&[
        (DRUG, ""),
        ("sp:drugName _:drug", r#"sp:drugName "Aspirin""#),
    ]));
    assert_finding(
        &f,
        Rule::LiteralForNode,
        MED,
        Some("sp:drugName"),
        "a node of type sp:CodedValue",
        r#"literal "Aspirin""#,
    );
}

#[test]
fn node_where_a_literal_is_required() {
    let f = single(findings_after(
        r#"sp:startDate "2011-06-12" ;
    sp:instructions"#,
        r#"sp:startDate <http://example.org/dates/1> ;
    sp:instructions"#,
    ));
    assert_finding(
        &f,
        Rule::NodeForLiteral,
        MED,
        Some("sp:startDate"),
        "a literal",
        "node http://example.org/dates/1",
    );
}

#[test]
fn bad_date() {
    let f = single(findings_after(
        r#"sp:startDate "2009" ;"#,
        r#"sp:startDate "12/06/2009" ;"#,
    ));
    assert_finding(
        &f,
        Rule::Date,
        "http://example.org/records/1/alg",
        Some("sp:startDate"),
        "an ISO-8601 date or date-time of variable precision (2011, 2011-06, 2011-06-12, \
         2011-06-12T18:30Z, 2011-06-12T18:30:05.5+02:00)",
        r#"literal "12/06/2009""#,
    );
}

#[test]
fn wrong_fixed_unit() {
    let f = single(findings_after(
        r#"sp:value "120" ; sp:unit "mm[Hg]""#,
        r#"sp:value "120" ; sp:unit "mmHg""#,
    ));
    assert_finding(
        &f,
        Rule::FixedUnit,
        "_:sys (sp:VitalSignSet › sp:bloodPressure › sp:systolic)",
        Some("sp:unit"),
        r#"the unit "mm[Hg]" fixed for sp:systolic of sp:BloodPressure"#,
        r#""mmHg""#,
    );
}

#[test]
fn unknown_class() {
    let f = single(findings_after(
        "r:med a sp:Medication",
        "r:med a sp:Medicaton",
    ));
    assert_finding(
        &f,
        Rule::UnknownClass,
        MED,
        Some("rdf:type"),
        "a class of the SMART model",
        "sp:Medicaton",
    );
}

/// The same checks on RDF/XML, the wire format.
#[test]
fn rdf_xml_snippets_give_the_same_findings() {
    let xml = r#"<?xml version="1.0" encoding="UTF-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns:sp="http://smartplatforms.org/terms#"
         xmlns:dcterms="http://purl.org/dc/terms/">
  <sp:MedicalRecord rdf:about="http://example.org/records/1"/>
  <sp:Problem rdf:about="http://example.org/records/1/problems/1">
    <sp:belongsTo rdf:resource="http://example.org/records/1"/>
    <sp:startDate>yesterday</sp:startDate>
    <sp:problemName>
      <sp:CodedValue rdf:nodeID="name">
        <dcterms:title>Asthma</dcterms:title>
        <sp:code>
          <sp:Code rdf:about="http://purl.bioontology.org/ontology/SNOMEDCT/195967001">
            <rdf:type rdf:resource="http://smartplatforms.org/terms/codes/SNOMED"/>
            <dcterms:title>Asthma</dcterms:title>
            <dcterms:identifier>195967001</dcterms:identifier>
            <sp:system>http://purl.bioontology.org/ontology/SNOMEDCT/</sp:system>
          </sp:Code>
        </sp:code>
      </sp:CodedValue>
    </sp:problemName>
  </sp:Problem>
  <sp:Allergie rdf:about="http://example.org/records/1/allergies/1">
    <sp:belongsTo rdf:resource="http://example.org/records/1"/>
  </sp:Allergie>
</rdf:RDF>"#;
    let graph = smart_rdf::parse(xml.as_bytes(), RdfFormat::RdfXml, None).expect("parses");
    let report = validate(&graph, &ValidationOptions::strict());
    assert_eq!(report.findings.len(), 2, "{report}");
    let date = report
        .findings
        .iter()
        .find(|f| f.rule == Rule::Date)
        .expect("date");
    assert_eq!(date.node, "http://example.org/records/1/problems/1");
    assert_eq!(date.found, r#"literal "yesterday""#);
    let class = report
        .findings
        .iter()
        .find(|f| f.rule == Rule::UnknownClass)
        .expect("class");
    assert_eq!(class.node, "http://example.org/records/1/allergies/1");
    assert_eq!(class.found, "sp:Allergie");
    assert_eq!(report.to_string().lines().count(), 2);
}

// ---- parse level ----

const RDF_NS: &str = r#"xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:v="http://www.w3.org/2006/vcard/ns#""#;

#[track_caller]
fn parse_error(input: &[u8], format: RdfFormat, mentions: &str) -> String {
    // The plain parser must not panic either, whatever it decides.
    let _ = smart_rdf::parse(input, format, None);
    match smart_rdf::parse(input, format, None) {
        Ok(g) => panic!("{format} input parsed into {} triples", g.len()),
        Err(e) => {
            let message = e.to_string();
            assert!(
                message.starts_with(&format!("invalid {}", format.name())),
                "{message}"
            );
            assert!(
                message.contains(mentions),
                "{message} should mention {mentions:?}"
            );
            message
        }
    }
}

#[test]
fn malformed_xml() {
    let doc = format!(
        r#"<rdf:RDF {RDF_NS}><rdf:Description rdf:about="http://a/b"><v:n>x</v:name></rdf:Description></rdf:RDF>"#
    );
    parse_error(doc.as_bytes(), RdfFormat::RdfXml, "v:n");
}

#[test]
fn wrong_encoding() {
    // "Müller" in Latin-1 (0xFC) in a document that declares UTF-8.
    let mut doc = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><rdf:RDF {RDF_NS}><rdf:Description rdf:about="http://a/b"><v:family-name>M"#
    )
    .into_bytes();
    doc.push(0xFC);
    doc.extend_from_slice(b"ller</v:family-name></rdf:Description></rdf:RDF>");
    parse_error(&doc, RdfFormat::RdfXml, "UTF-8");

    // The same bytes declared as Latin-1: refused too, and said so.
    let declared = String::from_utf8_lossy(&doc).replace("UTF-8", "ISO-8859-1");
    let mut latin1 = declared.replace('\u{FFFD}', "").into_bytes();
    latin1.retain(|b| b.is_ascii());
    parse_error(&latin1, RdfFormat::RdfXml, "UTF-8");

    // Invalid UTF-8 in Turtle and N-Triples.
    parse_error(
        b"<http://a/b> <http://a/p> \"M\xFCller\" .",
        RdfFormat::Turtle,
        "UTF-8",
    );
    parse_error(
        b"<http://a/b> <http://a/p> \"\xC3\x28\" .",
        RdfFormat::NTriples,
        "UTF-8",
    );
}

#[test]
fn truncated_documents() {
    let full = format!(
        r#"<?xml version="1.0"?><rdf:RDF {RDF_NS}><rdf:Description rdf:about="http://a/b"><v:email>a@b</v:email></rdf:Description></rdf:RDF>"#
    );
    assert!(smart_rdf::parse(full.as_bytes(), RdfFormat::RdfXml, None).is_ok());
    // Cut inside a tag: the parser notices.
    let cut = &full[..full.find("</v:email>").expect("tag") + 4];
    parse_error(cut.as_bytes(), RdfFormat::RdfXml, "");
    // Cut between elements: the RDF/XML parser alone would return the triples read so far;
    // smart_rdf::parse checks the root element is closed.
    let cut = &full[..full.find("</rdf:RDF>").expect("end")];
    parse_error(
        cut.as_bytes(),
        RdfFormat::RdfXml,
        "root element <rdf:RDF> is closed",
    );
    // Every prefix of the document is refused, none panics.
    for end in 0..full.len() - 1 {
        assert!(
            matches!(
                smart_rdf::parse(&full.as_bytes()[..end], RdfFormat::RdfXml, None),
                Err(smart_rdf::RdfParseError::Syntax { .. })
            ),
            "{end}"
        );
    }
    parse_error(
        b"<http://a/b> <http://a/p> \"unfinished",
        RdfFormat::Turtle,
        "",
    );
    parse_error(
        br#"{"@id": "http://a/b", "http://a/p": "#,
        RdfFormat::JsonLd,
        "",
    );
}

#[test]
fn empty_input() {
    for format in RdfFormat::ALL {
        for input in [&b""[..], b"  \n\t"] {
            parse_error(input, format, "");
        }
    }
    // An RDF/XML document with no statements parses, and validation says what is missing.
    let doc = format!("<rdf:RDF {RDF_NS}/>");
    let graph = smart_rdf::parse(doc.as_bytes(), RdfFormat::RdfXml, None).expect("parses");
    let options = ValidationOptions::strict().with_payload(Default::default());
    let report = validate(&graph, &options);
    assert_eq!(report.findings.len(), 1);
    assert_eq!(report.findings[0].rule, Rule::EmptyPayload);
}
