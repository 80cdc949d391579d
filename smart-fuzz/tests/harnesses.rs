//! The fuzz harnesses as proptest smoke tests: each runs over generated inputs (256 cases
//! by default; `PROPTEST_CASES=100000 cargo test -p smart-fuzz --release` for a long run),
//! over its known-nasty seeds, and its seeds are checked to reach deep into the code.
//! Regression tests for what fuzzing found are at the end.

mod common;

use common::{JSON_DICTIONARY, TURTLE_DICTIONARY, XML_DICTIONARY, bytes, fragments, mutated};
use proptest::prelude::*;
use smart_core::RecordId;
use smart_fuzz::{import, oauth, query, rdf, seeds};
use smart_rdf::RdfFormat;

fn note_seeds() -> Vec<Vec<u8>> {
    vec![
        seeds::NOTE_RDFXML.as_bytes().to_vec(),
        seeds::NOTE_TURTLE.as_bytes().to_vec(),
    ]
}

// ---- RDF note bodies ------------------------------------------------------------------

proptest! {
    #[test]
    fn rdfxml_notes(body in prop_oneof![
        4 => mutated(note_seeds(), XML_DICTIONARY),
        1 => fragments(XML_DICTIONARY),
        1 => bytes(),
    ]) {
        rdf::check_rdfxml_note(&body);
    }

    #[test]
    fn turtle_notes(body in prop_oneof![
        4 => mutated(note_seeds(), TURTLE_DICTIONARY),
        1 => fragments(TURTLE_DICTIONARY),
        1 => bytes(),
    ]) {
        rdf::check_turtle_note(&body);
    }

    #[test]
    fn notes_in_any_format(selector in any::<u8>(), body in prop_oneof![
        2 => mutated(note_seeds(), TURTLE_DICTIONARY),
        1 => mutated(vec![b"{\"@id\": \"http://a/s\", \"http://a/p\": \"o\"}".to_vec()], JSON_DICTIONARY),
        1 => bytes(),
    ]) {
        rdf::check_any_note(&[&[selector][..], &body].concat());
    }

    /// Notes with arbitrary text in their fields, written as a client would.
    #[test]
    fn notes_with_arbitrary_values(title in "(?s).{0,40}", value in "(?s).{0,80}", date in "[0-9T:Z+-]{0,25}") {
        let turtle = seeds::NOTE_TURTLE
            .replace("Telephone note", &escape_turtle(&title))
            .replace("Called back about the results", &escape_turtle(&value))
            .replace("2012-05-17", &escape_turtle(&date));
        rdf::check_turtle_note(turtle.as_bytes());
        let xml = seeds::NOTE_RDFXML
            .replace("Telephone note", &escape_xml(&title))
            .replace("Called back about the results", &escape_xml(&value))
            .replace("2012-05-17", &escape_xml(&date));
        rdf::check_rdfxml_note(xml.as_bytes());
    }
}

/// One N-Triples/Turtle term in subject, predicate or object position, from pieces that
/// stress the writers: odd blank-node labels, IRIs that are hard to split into an XML
/// name, the rdf: namespace, literals with languages, datatypes and control characters.
fn term(position: usize) -> impl Strategy<Value = String> {
    let blank = prop::sample::select(vec![
        "_:b0",
        "_:0",
        "_:1a",
        "_:a.b",
        "_:_x",
        "_:z_30",
        "_:\u{e9}t\u{e9}",
        "_:a-",
    ])
    .prop_map(str::to_owned);
    let iri = prop_oneof![
        prop::sample::select(vec![
            "http://a/p",
            "http://a/",
            "http://a/1",
            "http://a/p-",
            "http://a/p.",
            "http://a/#",
            "urn:x",
            "http://a/p%20q",
            "http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
            "http://www.w3.org/1999/02/22-rdf-syntax-ns#_1",
            "http://www.w3.org/1999/02/22-rdf-syntax-ns#value",
            "http://www.w3.org/1999/02/22-rdf-syntax-ns#li",
            "http://www.w3.org/1999/02/22-rdf-syntax-ns#nodeID",
            "http://www.w3.org/2000/xmlns/p",
            "http://www.w3.org/XML/1998/namespace#lang",
            "http://smartplatforms.org/terms#ClinicalNote",
            "http://smartplatforms.org/terms#belongsTo",
            "http://a/\u{e9}",
            "http://a/p:q",
        ])
        .prop_map(|i| format!("<{i}>")),
        "[a-z]{1,3}:/[a-zA-Z0-9._~:/-]{0,8}".prop_map(|i| format!("<{i}>")),
    ];
    let literal = (
        "(?s).{0,12}",
        prop::sample::select(vec![
            "",
            "@en",
            "@EN-us",
            "@x-a-b",
            "^^<http://www.w3.org/2001/XMLSchema#integer>",
            "^^<http://www.w3.org/2001/XMLSchema#string>",
            "^^<http://a/dt>",
            "^^<http://www.w3.org/1999/02/22-rdf-syntax-ns#XMLLiteral>",
            "^^<http://www.w3.org/1999/02/22-rdf-syntax-ns#HTML>",
        ]),
    )
        .prop_map(|(text, suffix)| format!("\"{}\"{suffix}", escape_turtle(&text)));
    match position {
        0 => prop_oneof![blank, iri].boxed(),
        1 => iri.boxed(),
        _ => prop_oneof![blank, iri, literal].boxed(),
    }
}

proptest! {
    /// Graphs built term by term: whatever parses must round-trip in every format.
    #[test]
    fn generated_graphs_round_trip(triples in prop::collection::vec((term(0), term(1), term(2)), 1..6)) {
        let nt: String = triples.iter().map(|(s, p, o)| format!("{s} {p} {o} .\n")).collect();
        rdf::check_any_note(&[&[2u8][..], nt.as_bytes()].concat());
        rdf::check_turtle_note(nt.as_bytes());
    }
}

fn escape_turtle(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out
}

fn escape_xml(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;")
}

#[test]
fn nasty_note_seeds() {
    for (name, body) in seeds::nasty_notes() {
        for format in RdfFormat::ALL {
            // A panic names the seed through the test's output.
            eprintln!("{name} as {format}");
            rdf::check_note(&body, format);
        }
    }
}

#[test]
fn entity_declarations_are_refused_before_expansion() {
    for levels in [1, 9, 30] {
        let err = smart_rdf::parse(&seeds::billion_laughs(levels), RdfFormat::RdfXml, None)
            .expect_err("entities are refused");
        assert!(
            matches!(err, smart_rdf::RdfParseError::EntityDeclaration),
            "{err}"
        );
    }
}

#[test]
fn note_seeds_pass_the_whole_pipeline() {
    // The harness reaches past the parser: the seeds validate and split into one note.
    let base = smart_rdf::ApiBase::new(rdf::API_BASE).unwrap();
    let record = RecordId::new(rdf::RECORD).unwrap();
    for (seed, format) in [
        (seeds::NOTE_RDFXML, RdfFormat::RdfXml),
        (seeds::NOTE_TURTLE, RdfFormat::Turtle),
    ] {
        let graph = smart_rdf::parse(seed.as_bytes(), format, Some(base.as_str())).unwrap();
        let graph = smart_rdf::to_storage(&graph, &base);
        let options = smart_rdf::ValidationOptions::strict().with_payload(
            smart_rdf::PayloadRules::allowing(&[smart_core::sp!("ClinicalNote")])
                .for_record(smart_rdf::split::record_iri(&record).as_str()),
        );
        let report = smart_rdf::validate::validate(&graph, &options);
        assert!(report.is_valid(), "{format}: {report}");
        let split = smart_rdf::mint_for_post(&graph, &record, |_| "n1".to_owned()).unwrap();
        assert_eq!(split.statements.len(), 1, "{format}");
        rdf::check_note(seed.as_bytes(), format);
    }
}

// ---- OAuth ----------------------------------------------------------------------------

const HEADER_DICTIONARY: &[&str] = &[
    "OAuth ",
    "oauth ",
    "realm=\"x\"",
    "REALM=",
    "%72ealm=\"x\"",
    "oauth_consumer_key=",
    "oauth_signature=\"a%2Bb%3D\"",
    "oauth_nonce=",
    "=",
    ",",
    ", ",
    "\"",
    "\\",
    "\\\"",
    "%",
    "%2",
    "%2f",
    "%2F",
    "%00",
    "%FF",
    "%E2%82%AC",
    "+",
    " ",
    "\t",
    "\u{e9}",
];

proptest! {
    #[test]
    fn oauth_headers(value in prop_oneof![
        3 => mutated(vec![seeds::OAUTH_HEADER.as_bytes().to_vec()], HEADER_DICTIONARY),
        2 => fragments(HEADER_DICTIONARY),
        1 => bytes(),
    ]) {
        oauth::check_oauth_header(&value);
    }

    /// Headers a client writes for arbitrary parameters parse back to them.
    #[test]
    fn oauth_headers_of_arbitrary_parameters(
        pairs in prop::collection::vec(("(?s).{1,8}", "(?s).{0,12}"), 0..8),
        spacing in prop::sample::select(vec![", ", ",", " ,\t", ",,"]),
    ) {
        let written: Vec<String> = pairs
            .iter()
            .map(|(n, v)| format!(
                "{}=\"{}\"",
                smart_auth::oauth::percent_encode(n.as_bytes()),
                smart_auth::oauth::percent_encode(v.as_bytes())
            ))
            .collect();
        let header = format!("OAuth {}", written.join(spacing));
        oauth::check_oauth_header(header.as_bytes());
        let parsed = smart_auth::oauth::parse_authorization_header(&header).unwrap();
        let expected: Vec<(Vec<u8>, Vec<u8>)> = pairs
            .iter()
            .filter(|(n, _)| !n.eq_ignore_ascii_case("realm"))
            .map(|(n, v)| (n.clone().into_bytes(), v.clone().into_bytes()))
            .collect();
        prop_assert_eq!(parsed, expected);
    }

    #[test]
    fn oauth_requests(
        method in prop::sample::select(vec!["GET", "POST", "PUT", "DELETE", "get", "PATCH"]),
        path in prop::collection::vec(prop_oneof![
            "[a-zA-Z0-9._~-]{1,8}",
            prop::sample::select(vec!["%2F", "%2f", "%20", "%7E", "%", "..", ".", "", "+", ";", "@", ":", "!$'()*,"]).prop_map(str::to_owned),
        ], 0..5),
        query in prop::option::of(fragments(QUERY_DICTIONARY)),
        body in fragments(QUERY_DICTIONARY),
        key in "(?s).{0,12}",
        nonce in "[a-zA-Z0-9]{0,16}|(?s).{0,8}",
        token in "[a-zA-Z0-9]{0,8}|(?s).{0,8}",
    ) {
        let mut target = format!("/{}", path.join("/"));
        if let Some(q) = query {
            target.push('?');
            target.push_str(&String::from_utf8_lossy(&q));
        }
        let data = [method.as_bytes(), target.as_bytes(), &body, key.as_bytes(), nonce.as_bytes(), token.as_bytes()]
            .join(&b'\n');
        oauth::check_oauth_request(&data);
    }

    #[test]
    fn oauth_requests_of_arbitrary_bytes(data in prop_oneof![
        2 => mutated(seeds::nasty_requests().into_iter().map(|(_, r)| r).collect(), QUERY_DICTIONARY),
        1 => bytes(),
    ]) {
        oauth::check_oauth_request(&data);
    }
}

#[test]
fn nasty_header_seeds() {
    for (name, value) in seeds::nasty_headers() {
        eprintln!("{name}");
        oauth::check_oauth_header(&value);
    }
}

#[test]
fn nasty_request_seeds() {
    for (name, value) in seeds::nasty_requests() {
        eprintln!("{name}");
        oauth::check_oauth_request(&value);
    }
}

// ---- Query parameters -----------------------------------------------------------------

const QUERY_DICTIONARY: &[&str] = &[
    "limit=",
    "offset=",
    "date_from=",
    "date_to=",
    "date_from_including=",
    "date_to_excluding=",
    "loinc=",
    "rxnorm=",
    "snomed=",
    "encounter_type=",
    "family_name=",
    "gender=",
    "oauth_nonce=x",
    "&",
    "=",
    "%",
    "%2",
    "%26",
    "%3D",
    "%FF",
    "+",
    "|",
    "0",
    "1",
    "1000",
    "1001",
    "-1",
    "007",
    "18446744073709551615",
    "18446744073709551616",
    "2011",
    "2011-02",
    "2011-13",
    "2011-02-29",
    "2011-02-03T04:05:06Z",
    "2011-02-03T24:00:00+14:00",
    "T",
    "Z",
    ":",
    "\u{661}",
];

proptest! {
    #[test]
    fn query_strings(q in prop_oneof![
        3 => fragments(QUERY_DICTIONARY),
        1 => bytes(),
    ]) {
        query::check_query_string(&q);
    }

    /// Paging values of any spelling, through the query string as sent.
    #[test]
    fn paging_values(limit in "[0-9]{0,25}|-?[0-9+ ]{0,5}", offset in "[0-9]{0,25}|.{0,4}") {
        let q = format!("limit={}&offset={}", urlencode(&limit), urlencode(&offset));
        query::check_query_string(q.as_bytes());
    }
}

fn urlencode(s: &str) -> String {
    smart_auth::oauth::percent_encode(s.as_bytes())
}

#[test]
fn nasty_query_seeds() {
    for (name, q) in seeds::nasty_queries() {
        eprintln!("{name}");
        query::check_query_string(&q);
    }
}

// ---- Manifests ------------------------------------------------------------------------

proptest! {
    #[test]
    fn manifests(json in prop_oneof![
        4 => mutated(vec![seeds::MANIFEST.as_bytes().to_vec()], JSON_DICTIONARY),
        1 => fragments(JSON_DICTIONARY),
        1 => bytes(),
    ]) {
        smart_fuzz::check_manifest(&json);
    }

    /// Manifests with arbitrary strings in every text field.
    #[test]
    fn manifests_with_arbitrary_values(values in prop::collection::vec("(?s).{0,24}", 6)) {
        let mut json: serde_json::Value = serde_json::from_str(seeds::MANIFEST).unwrap();
        for (field, value) in ["name", "id", "index", "icon", "smart_version", "version"].iter().zip(&values) {
            json[*field] = serde_json::Value::String(value.clone());
        }
        smart_fuzz::check_manifest(json.to_string().as_bytes());
    }
}

#[test]
fn nasty_manifest_seeds() {
    for (name, json) in seeds::nasty_manifests() {
        eprintln!("{name}");
        smart_fuzz::check_manifest(&json);
    }
    smart_core::manifest::AppManifest::from_json_validated(seeds::MANIFEST)
        .expect("the manifest seed is valid, so the harness reaches the round trip");
}

// ---- The patient importer -------------------------------------------------------------

fn import_seeds() -> Vec<Vec<u8>> {
    seeds::nasty_imports()
        .into_iter()
        .take(3)
        .map(|(_, data)| data)
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig {
        // Whole patients are larger than notes: fewer cases keep the smoke short.
        cases: ProptestConfig::default().cases.div_ceil(2),
        ..ProptestConfig::default()
    })]

    #[test]
    fn imports(data in prop_oneof![
        2 => mutated(import_seeds(), TURTLE_DICTIONARY),
        2 => mutated(import_seeds(), XML_DICTIONARY),
        1 => bytes(),
    ]) {
        import::check_import(&data);
    }
}

#[test]
fn nasty_import_seeds() {
    for (name, data) in seeds::nasty_imports() {
        eprintln!("{name}");
        import::check_import(&data);
    }
}

#[test]
fn import_seeds_are_accepted_whole() {
    use smart_store::import::{MemoryDocuments, Validation, prepare_file};
    let base = smart_rdf::ApiBase::new(import::API_BASE).unwrap();
    let record = RecordId::new(import::RECORD).unwrap();
    let mut documents = MemoryDocuments::new();
    documents.insert(
        import::DOCUMENT,
        Some("text/plain".to_owned()),
        b"Dear colleague".to_vec(),
    );
    for (seed, format) in [
        (seeds::PATIENT_RDFXML, RdfFormat::RdfXml),
        (seeds::PATIENT_TURTLE.as_bytes(), RdfFormat::Turtle),
    ] {
        let prepared = prepare_file(
            seed,
            format,
            record.clone(),
            &base,
            Validation::Strict,
            &documents,
        )
        .unwrap_or_else(|e| panic!("{format}: {e}"));
        assert!(!prepared.split.statements.is_empty());
    }
    let with_document = prepare_file(
        seeds::PATIENT_TURTLE.as_bytes(),
        RdfFormat::Turtle,
        record,
        &base,
        Validation::Strict,
        &documents,
    )
    .unwrap();
    assert_eq!(
        with_document.documents.len(),
        1,
        "the seed carries its document"
    );
}

#[test]
fn every_target_has_a_fuzz_target_file() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/fuzz_targets");
    for (name, function, check) in smart_fuzz::TARGETS {
        let file = dir.join(format!("{name}.rs"));
        let text =
            std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        assert!(
            text.contains(&format!("smart_fuzz::{function}(data)")),
            "{} does not run {function}",
            file.display()
        );
        // And every harness accepts the empty input.
        check(&[]);
    }
}

// ---- Regressions: what fuzzing found ---------------------------------------------------

/// The header parser dropped `realm` by its raw spelling, before percent-decoding, so
/// `%72ealm="x"` came out as a signed parameter named `realm`, and a header written back
/// from the parsed parameters (where it is spelled `realm`) lost it. RFC 5849 §3.5.1
/// decodes names first; the name is now compared decoded.
#[test]
fn regression_percent_encoded_realm_is_dropped_like_realm() {
    let parsed = smart_auth::oauth::parse_authorization_header("OAuth %72ealm=\"x\", a=\"1\"")
        .expect("well-formed");
    assert_eq!(parsed, vec![(b"a".to_vec(), b"1".to_vec())]);
    oauth::check_oauth_header(b"OAuth %72ealm=\"x\", a=\"1\"");
}

/// Blank-node labels that Turtle, N-Triples and JSON-LD allow (`_:0`) were written as
/// `rdf:nodeID="0"`, which is not an XML name: our own RDF/XML did not parse. The RDF/XML
/// answers of the note pipeline were safe (splitting relabels blank nodes), but
/// `smart convert` and any caller of `smart_rdf::serialize` on a parsed graph were not.
#[test]
fn regression_digit_blank_node_labels_survive_rdfxml() {
    rdf::check_turtle_note(b"_:0 <http://a/p> _:1a .");
    rdf::check_any_note(b"\x02_:0 <http://a/p> _:1a .");
    rdf::check_any_note(b"\x03{\"@id\": \"_:0\", \"http://a/p\": {\"@id\": \"_:a b\"}}");
}

/// A Turtle clinical note with an `rdf:li` property validated and was stored; its
/// RDF/XML reply, and every later RDF/XML answer holding it, panicked in the serializer
/// (RDF/XML cannot write its syntax terms as properties). `parse` now refuses such
/// predicates in every format, with a message naming them.
#[test]
fn regression_rdf_xml_syntax_term_as_property_is_refused() {
    let note = seeds::NOTE_TURTLE.replace(
        "dcterms:title \"Telephone note\" ;",
        "dcterms:title \"Telephone note\" ; <http://www.w3.org/1999/02/22-rdf-syntax-ns#li> \"x\" ;",
    );
    let err = smart_rdf::parse(note.as_bytes(), RdfFormat::Turtle, None).expect_err("refused");
    assert!(err.to_string().contains("rdf:li"), "{err}");
    rdf::check_turtle_note(note.as_bytes());
    rdf::check_turtle_note(
        b"<http://a/s> <http://www.w3.org/1999/02/22-rdf-syntax-ns#li> <http://a/o> .",
    );
}

/// Writes the seeds as libFuzzer corpora under `fuzz/corpus/<target>/` (run by hand:
/// `cargo test -p smart-fuzz --test harnesses -- --ignored write_seed_corpus`).
#[test]
#[ignore = "writes files for cargo-fuzz runs by hand"]
fn write_seed_corpus() {
    let notes: Vec<(String, Vec<u8>)> = seeds::nasty_notes()
        .into_iter()
        .map(|(n, b)| (n.to_owned(), b))
        .chain([
            (
                "note.rdf".to_owned(),
                seeds::NOTE_RDFXML.as_bytes().to_vec(),
            ),
            (
                "note.ttl".to_owned(),
                seeds::NOTE_TURTLE.as_bytes().to_vec(),
            ),
        ])
        .collect();
    let any: Vec<(String, Vec<u8>)> = notes
        .iter()
        .flat_map(|(n, b)| (0u8..4).map(move |f| (format!("{n} {f}"), [&[f][..], b].concat())))
        .collect();
    let named = |list: Vec<(&'static str, Vec<u8>)>| {
        list.into_iter()
            .map(|(n, b)| (n.to_owned(), b))
            .collect::<Vec<_>>()
    };
    let corpora = [
        ("rdfxml_note", notes.clone()),
        ("turtle_note", notes),
        ("any_note", any),
        ("oauth_header", named(seeds::nasty_headers())),
        ("oauth_request", named(seeds::nasty_requests())),
        ("query_string", named(seeds::nasty_queries())),
        ("manifest", named(seeds::nasty_manifests())),
        ("import", named(seeds::nasty_imports())),
    ];
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/corpus");
    for (target, inputs) in corpora {
        let dir = root.join(target);
        std::fs::create_dir_all(&dir).unwrap();
        for (name, bytes) in inputs {
            let file: String = name
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                .collect();
            std::fs::write(dir.join(file), bytes).unwrap();
        }
    }
}
