//! Seed inputs: well-formed documents the generators mutate (so that fuzzing reaches
//! past the parsers) and known-nasty inputs every harness must survive.

/// A valid clinical note in RDF/XML, as the SMART Connect apps post it.
pub const NOTE_RDFXML: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#"
         xmlns:sp="http://smartplatforms.org/terms#"
         xmlns:dcterms="http://purl.org/dc/terms/">
  <sp:ClinicalNote>
    <dcterms:date>2012-05-17</dcterms:date>
    <dcterms:title>Telephone note</dcterms:title>
    <dcterms:format>
      <dcterms:MediaTypeOrExtent rdf:about="http://purl.org/NET/mediatypes/text/plain">
        <rdfs:label>text/plain</rdfs:label>
      </dcterms:MediaTypeOrExtent>
    </dcterms:format>
    <sp:resource>
      <sp:Resource>
        <sp:content>
          <sp:Content>
            <sp:encoding>UTF-8</sp:encoding>
            <sp:value>Called back about the results</sp:value>
          </sp:Content>
        </sp:content>
      </sp:Resource>
    </sp:resource>
  </sp:ClinicalNote>
</rdf:RDF>
"#;

/// The same note in Turtle.
pub const NOTE_TURTLE: &str = r#"@prefix sp: <http://smartplatforms.org/terms#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
[] a sp:ClinicalNote ;
  dcterms:date "2012-05-17" ;
  dcterms:title "Telephone note" ;
  dcterms:format <http://purl.org/NET/mediatypes/text/plain> ;
  sp:resource [ a sp:Resource ;
    sp:content [ a sp:Content ; sp:encoding "UTF-8" ; sp:value "Called back about the results" ] ] .
<http://purl.org/NET/mediatypes/text/plain> a dcterms:MediaTypeOrExtent ; rdfs:label "text/plain" .
"#;

/// A whole-record patient file in the shape of the original patients (statements as
/// blank nodes, no record node), shared with smart-store's import tests.
pub const PATIENT_RDFXML: &[u8] =
    include_bytes!("../../smart-store/tests/fixtures/whole-record/p5550001.xml");

/// A small patient in Turtle: demographics and one document whose file the harness's
/// document source holds ([`crate::import::DOCUMENT`]).
pub const PATIENT_TURTLE: &str = r#"@prefix sp: <http://smartplatforms.org/terms#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix v: <http://www.w3.org/2006/vcard/ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
[] a sp:Demographics ;
  v:n [ a v:Name ; v:given-name "Ada" ; v:family-name "Quill" ] ;
  foaf:gender "female" ;
  v:bday "1961-02-03" ;
  sp:medicalRecordNumber [ a sp:Code ; dcterms:title "Test Hospital 70001" ;
    dcterms:identifier "70001" ; sp:system "Test Hospital" ] .
[] a sp:Document ;
  dcterms:title "Referral letter" ;
  dcterms:date "2010-03-04" ;
  sp:fileName "letter.txt" ;
  sp:resource [ a sp:Resource ; sp:location "99912345/letter.txt" ] ;
  dcterms:format <http://purl.org/NET/mediatypes/text/plain> .
<http://purl.org/NET/mediatypes/text/plain> a dcterms:MediaTypeOrExtent ; rdfs:label "text/plain" .
"#;

/// A valid `ui` app manifest.
pub const MANIFEST: &str = r#"{
  "name": "Medication list",
  "description": "Shows the patient's medications",
  "id": "med-list@apps.smart.example.org",
  "mode": "ui",
  "author": "Example Corp",
  "version": "1.2",
  "scope": "record",
  "standalone": false,
  "index": "https://apps.example.org/med-list/index.html",
  "icon": "https://apps.example.org/med-list/icon.png",
  "oauth_callback": "https://apps.example.org/med-list/after_auth",
  "smart_version": "0.6",
  "requires": {
    "http://smartplatforms.org/terms#Medication": { "methods": ["GET"] }
  },
  "optimalBrowserEnvironments": ["desktop"],
  "supportedBrowserEnvironments": ["desktop", "tablet"]
}"#;

/// The RFC 5849 §1.2 header.
pub const OAUTH_HEADER: &str = r#"OAuth realm="Photos", oauth_consumer_key="dpf43f3p2l4k3l03", oauth_token="nnch734d00sl2jdk", oauth_signature_method="HMAC-SHA1", oauth_timestamp="137131202", oauth_nonce="chapoH", oauth_signature="MdpQcU8iPSUjWoN%2FUDMsK2sui9I%3D""#;

/// An RDF/XML note whose DTD nests `levels` entities, each ten copies of the one below
/// ("billion laughs"): a few hundred bytes that would expand to 10^levels copies.
pub fn billion_laughs(levels: usize) -> Vec<u8> {
    let mut dtd = String::from("<!ENTITY lol0 \"lol\">");
    for level in 1..=levels {
        let previous = format!("&lol{};", level - 1).repeat(10);
        dtd.push_str(&format!("<!ENTITY lol{level} \"{previous}\">"));
    }
    format!(
        "<?xml version=\"1.0\"?>\n<!DOCTYPE rdf:RDF [{dtd}]>\n\
         <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" \
         xmlns:sp=\"http://smartplatforms.org/terms#\">\
         <sp:ClinicalNote><sp:value>&lol{levels};</sp:value></sp:ClinicalNote></rdf:RDF>"
    )
    .into_bytes()
}

/// RDF/XML nested `depth` elements deep (property and node elements alternating).
pub fn deep_rdfxml(depth: usize) -> Vec<u8> {
    let mut s = String::from(
        "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" \
         xmlns:sp=\"http://smartplatforms.org/terms#\">",
    );
    for _ in 0..depth {
        s.push_str("<sp:Resource><sp:content>");
    }
    for _ in 0..depth {
        s.push_str("</sp:content></sp:Resource>");
    }
    s.push_str("</rdf:RDF>");
    s.into_bytes()
}

/// Turtle with blank-node property lists nested `depth` deep.
pub fn deep_turtle(depth: usize) -> Vec<u8> {
    let mut s = String::from("@prefix sp: <http://smartplatforms.org/terms#> .\n[] sp:content ");
    for _ in 0..depth {
        s.push_str("[ sp:content ");
    }
    s.push_str("\"x\"");
    for _ in 0..depth {
        s.push_str(" ]");
    }
    s.push_str(" .\n");
    s.into_bytes()
}

/// JSON nested `depth` arrays deep.
pub fn deep_json(depth: usize) -> Vec<u8> {
    let mut s = "[".repeat(depth);
    s.push_str(&"]".repeat(depth));
    s.into_bytes()
}

/// Known-nasty note bodies: (name, body). The harness picks the format.
pub fn nasty_notes() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("billion laughs, 9 levels", billion_laughs(9)),
        ("billion laughs, 30 levels", billion_laughs(30)),
        (
            "entity declared in the internal subset only",
            b"<!DOCTYPE x [<!ENTITY a \"b\">]><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"/>".to_vec(),
        ),
        (
            "external entity",
            b"<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"><rdf:Description rdf:about=\"http://a/\"><rdf:value>&e;</rdf:value></rdf:Description></rdf:RDF>".to_vec(),
        ),
        ("deeply nested RDF/XML", deep_rdfxml(2_000)),
        ("deeply nested Turtle", deep_turtle(2_000)),
        ("deeply nested JSON-LD", deep_json(100_000)),
        ("invalid UTF-8", b"<http://a/s> <http://a/p> \"\xff\xfe\xc3\x28\" .".to_vec()),
        (
            "control characters in RDF/XML",
            NOTE_RDFXML.replace("Called back", "Called\u{0}\u{1} back").into_bytes(),
        ),
        ("overlong UTF-8", b"<http://a/s> <http://a/p> \"\xc0\xaf\" .".to_vec()),
        (
            "huge number literal",
            format!("<http://a/s> <http://a/p> {} .", "9".repeat(10_000)).into_bytes(),
        ),
        (
            "huge integer date",
            NOTE_TURTLE.replace("2012-05-17", &"9".repeat(400)).into_bytes(),
        ),
        ("BOM then Turtle", [b"\xef\xbb\xbf".as_slice(), NOTE_TURTLE.as_bytes()].concat()),
        ("NUL bytes", vec![0; 64]),
        ("only whitespace", b" \n\t\r ".to_vec()),
        ("a lone XML declaration", b"<?xml version=\"1.0\"?>".to_vec()),
        ("truncated note", NOTE_RDFXML.as_bytes()[..300].to_vec()),
        (
            "relative IRIs against the API base",
            b"<records/2169591/clinical_notes/x> <http://smartplatforms.org/terms#belongsTo> <records/2169591> .".to_vec(),
        ),
        (
            "percent-escapes in IRIs",
            b"<http://a/%zz%> <http://a/%2F%00> <http://a/%ZZ> .".to_vec(),
        ),
        (
            "named graph in TriG shape",
            b"<http://a/g> { <http://a/s> <http://a/p> <http://a/o> . }".to_vec(),
        ),
    ]
}

/// Known-nasty `Authorization` header values.
pub fn nasty_headers() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("empty", Vec::new()),
        ("scheme only", b"OAuth".to_vec()),
        (
            "scheme glued to a parameter",
            b"OAuthoauth_nonce=\"1\"".to_vec(),
        ),
        ("lone percent", b"OAuth a=\"%\"".to_vec()),
        ("percent with one digit", b"OAuth a=\"%4\"".to_vec()),
        ("lower-case escape", b"OAuth a=\"%2f\"".to_vec()),
        ("escaped NUL", b"OAuth a=\"%00\"".to_vec()),
        ("escaped invalid UTF-8", b"OAuth a=\"%FF%FE\"".to_vec()),
        (
            "escaped realm name",
            b"OAuth %72ealm=\"x\", a=\"1\"".to_vec(),
        ),
        ("REALM in capitals", b"OAuth REALM=\"x\"".to_vec()),
        ("backslash at the end", b"OAuth a=\"\\".to_vec()),
        ("quote in a bare value", b"OAuth a=b\"c".to_vec()),
        ("invalid UTF-8", b"OAuth a=\"\xff\"".to_vec()),
        (
            "too many parameters",
            format!("OAuth {}", ["a=\"1\""; 101].join(",")).into_bytes(),
        ),
        (
            "exactly the most parameters",
            format!("OAuth {}", ["a=\"1\""; 100].join(",")).into_bytes(),
        ),
        (
            "a value that grows past the limit when re-encoded",
            format!("OAuth a=\"{}\"", "\u{e9}".repeat(4_000)).into_bytes(),
        ),
        (
            "over the length limit",
            format!("OAuth a=\"{}\"", "x".repeat(17_000)).into_bytes(),
        ),
        (
            "huge timestamp",
            b"OAuth oauth_timestamp=\"99999999999999999999999999\"".to_vec(),
        ),
        ("the RFC example", OAUTH_HEADER.as_bytes().to_vec()),
    ]
}

/// Known-nasty requests for [`crate::oauth::check_oauth_request`] (fields separated by
/// `\n`: method, target, form body, consumer key, nonce, token).
pub fn nasty_requests() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        (
            "plain GET",
            b"GET\n/records/1/medications/\n\nkey\nnonce\ntoken".to_vec(),
        ),
        (
            "encoded path",
            b"GET\n/records/%31/a%2Fb/\n\nkey\nnonce\n".to_vec(),
        ),
        (
            "lower-case escapes in the query",
            b"GET\n/a?b=%2f&c=%7e\n\nkey\nn\n".to_vec(),
        ),
        (
            "plus and space in the query",
            b"GET\n/a?b=+%20+\n\nkey\nn\n".to_vec(),
        ),
        (
            "bad escape in the query",
            b"GET\n/a?b=%zz\n\nkey\nn\n".to_vec(),
        ),
        (
            "bad escape in the body",
            b"POST\n/a\nb=%\nkey\nn\n".to_vec(),
        ),
        (
            "oauth parameter in the query",
            b"GET\n/a?oauth_nonce=x\n\nkey\nn\n".to_vec(),
        ),
        ("empty query", b"GET\n/a?\n\nkey\nn\n".to_vec()),
        ("query of ampersands", b"GET\n/a?&&=&\n\nkey\nn\n".to_vec()),
        ("dot segments", b"GET\n/a/../b/./c\n\nkey\nn\n".to_vec()),
        ("lower-case method", b"post\n/a\nx=1\nkey\nn\n".to_vec()),
        (
            "non-ASCII key and nonce",
            "GET\n/a\n\nk\u{e9}y\nn\u{f6}nce\nt\u{f8}k"
                .as_bytes()
                .to_vec(),
        ),
        ("empty nonce", b"GET\n/a\n\nkey\n\n".to_vec()),
        (
            "huge nonce",
            format!("GET\n/a\n\nkey\n{}\n", "n".repeat(200)).into_bytes(),
        ),
        (
            "form body with repeated names",
            b"POST\n/a\na=2&a=1&a=10\nkey\nn\n".to_vec(),
        ),
    ]
}

/// Known-nasty query strings.
pub fn nasty_queries() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        (
            "huge limit",
            b"limit=99999999999999999999999999999".to_vec(),
        ),
        ("limit just over the maximum", b"limit=1001".to_vec()),
        ("limit at the maximum", b"limit=1000&offset=0".to_vec()),
        (
            "leading zeros",
            b"limit=0000000000000000000000000000010&offset=007".to_vec(),
        ),
        ("huge offset", b"offset=18446744073709551616".to_vec()),
        (
            "offset at usize::MAX",
            b"offset=18446744073709551615&limit=1".to_vec(),
        ),
        ("negative and signed", b"limit=-1&offset=+3".to_vec()),
        ("unicode digits", "limit=\u{661}\u{662}".as_bytes().to_vec()),
        ("limit twice", b"limit=1&limit=2".to_vec()),
        ("encoded names", b"%6Cimit=5&off%73et=2".to_vec()),
        ("plus as space", b"limit=+5".to_vec()),
        ("lone percent", b"limit=%".to_vec()),
        ("invalid UTF-8", b"date_from=%FF%FE".to_vec()),
        ("raw invalid UTF-8", b"date_from=\xff".to_vec()),
        ("empty values", b"date_from=&date_to=&limit=".to_vec()),
        (
            "date alternatives",
            b"date_from=2010|2011-02|2011-02-03T04:05:06Z".to_vec(),
        ),
        ("month 13", b"date_from=2011-13".to_vec()),
        ("huge year", b"date_from=99999999999999999999".to_vec()),
        ("only separators", b"date_from=|||".to_vec()),
        (
            "code filter with a space",
            b"rxnorm=a%20b|c%3Ed&loinc=|&snomed=%00".to_vec(),
        ),
        (
            "every date bound",
            b"date_from=2010&date_from_including=2010-01&date_from_excluding=2010-01-01&date_to=2012&date_to_including=2012-12-31T23:59:59Z&date_to_excluding=2013".to_vec(),
        ),
        (
            "search fields twice",
            b"family_name=a&family_name=b".to_vec(),
        ),
        ("many parameters", "limit=1&".repeat(1_000).into_bytes()),
    ]
}

/// Known-nasty manifests.
pub fn nasty_manifests() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("the valid example", MANIFEST.as_bytes().to_vec()),
        ("deeply nested arrays", deep_json(100_000)),
        (
            "deeply nested in a field",
            MANIFEST
                .replace(
                    "\"1.2\"",
                    &format!("{}{}", "[".repeat(10_000), "]".repeat(10_000)),
                )
                .into_bytes(),
        ),
        (
            "huge number",
            MANIFEST.replace("false", &"9".repeat(5_000)).into_bytes(),
        ),
        (
            "float exponent",
            MANIFEST.replace("false", "1e999999").into_bytes(),
        ),
        ("invalid UTF-8", [MANIFEST.as_bytes(), b"\xff"].concat()),
        (
            "lone surrogate escape",
            MANIFEST.replace("Example Corp", "\\ud800").into_bytes(),
        ),
        (
            "NUL escape",
            MANIFEST.replace("Example Corp", "\\u0000").into_bytes(),
        ),
        (
            "duplicate key",
            MANIFEST
                .replace(
                    "\"mode\": \"ui\"",
                    "\"mode\": \"ui\", \"mode\": \"background\"",
                )
                .into_bytes(),
        ),
        ("not an object", b"[]".to_vec()),
        ("null", b"null".to_vec()),
        ("empty", Vec::new()),
        (
            "percent-encoded URL",
            MANIFEST
                .replace("index.html", "%69ndex%2Ehtml%")
                .into_bytes(),
        ),
        (
            "URL with credentials and odd port",
            MANIFEST
                .replace(
                    "https://apps.example.org/med-list/icon.png",
                    "https://u:p@apps.example.org:99999/icon.png",
                )
                .into_bytes(),
        ),
    ]
}

/// Known-nasty patient files for [`crate::import::check_import`] (first byte: format and
/// validation, see there).
pub fn nasty_imports() -> Vec<(&'static str, Vec<u8>)> {
    let with = |selector: u8, body: &[u8]| [&[selector][..], body].concat();
    vec![
        ("whole-record fixture, strict", with(0, PATIENT_RDFXML)),
        ("whole-record fixture, lenient", with(4, PATIENT_RDFXML)),
        ("patient with a document, strict", with(1, PATIENT_TURTLE.as_bytes())),
        (
            "missing document, strict",
            with(1, PATIENT_TURTLE.replace("letter.txt", "other.txt").as_bytes()),
        ),
        (
            "missing document, lenient",
            with(5, PATIENT_TURTLE.replace("letter.txt", "other.txt").as_bytes()),
        ),
        (
            "document name leaving the folder",
            with(1, PATIENT_TURTLE.replace("letter.txt", "../../etc/passwd").as_bytes()),
        ),
        (
            "document name with NUL",
            with(1, PATIENT_TURTLE.replace("letter.txt", "a\\u0000b").as_bytes()),
        ),
        ("billion laughs", with(0, &billion_laughs(9))),
        ("deeply nested", with(0, &deep_rdfxml(2_000))),
        (
            "another record",
            with(
                1,
                PATIENT_TURTLE
                    .replace("[] a sp:Demographics ;", "[] a sp:Demographics ; sp:belongsTo <http://smartplatforms.org/records/1> ;")
                    .as_bytes(),
            ),
        ),
        (
            "two demographics",
            with(1, [PATIENT_TURTLE, "[] a <http://smartplatforms.org/terms#Demographics> .\n"].concat().as_bytes()),
        ),
        ("invalid UTF-8", with(1, b"[] a \"\xff\" .")),
    ]
}
