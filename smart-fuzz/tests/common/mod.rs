//! Input generators shared by the harness tests: arbitrary bytes, and mutations of seed
//! documents that splice in fragments likely to matter to the parser at hand.

use proptest::prelude::*;

/// One edit of a document.
#[derive(Debug, Clone)]
pub(crate) enum Edit {
    /// Replace the byte at (position mod length) with this one.
    Set(usize, u8),
    /// Delete up to `len` bytes from (position mod length).
    Delete(usize, usize),
    /// Insert a dictionary fragment at (position mod length).
    Insert(usize, usize),
    /// Repeat up to `len` bytes from (position mod length) in place.
    Repeat(usize, usize),
    /// Cut the document at (position mod length).
    Truncate(usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(p, b)| Edit::Set(p, b)),
        (any::<usize>(), 1usize..64).prop_map(|(p, l)| Edit::Delete(p, l)),
        (any::<usize>(), any::<usize>()).prop_map(|(p, f)| Edit::Insert(p, f)),
        (any::<usize>(), any::<usize>()).prop_map(|(p, f)| Edit::Insert(p, f)),
        (any::<usize>(), 1usize..64).prop_map(|(p, l)| Edit::Repeat(p, l)),
        any::<usize>().prop_map(Edit::Truncate),
    ]
}

/// Applies the edits in order.
pub(crate) fn apply(mut doc: Vec<u8>, edits: &[Edit], dictionary: &[&str]) -> Vec<u8> {
    for e in edits {
        let at = |p: usize, len: usize| if len == 0 { 0 } else { p % len };
        match *e {
            Edit::Set(p, b) => {
                if !doc.is_empty() {
                    let i = at(p, doc.len());
                    doc[i] = b;
                }
            }
            Edit::Delete(p, l) => {
                let i = at(p, doc.len());
                let end = (i + l).min(doc.len());
                doc.drain(i..end);
            }
            Edit::Insert(p, f) => {
                let i = at(p, doc.len() + 1);
                let fragment = dictionary[f % dictionary.len()].as_bytes();
                doc.splice(i..i, fragment.iter().copied());
            }
            Edit::Repeat(p, l) => {
                let i = at(p, doc.len());
                let end = (i + l).min(doc.len());
                let copy = doc[i..end].to_vec();
                doc.splice(end..end, copy);
            }
            Edit::Truncate(p) => {
                let i = at(p, doc.len() + 1);
                doc.truncate(i);
            }
        }
    }
    doc
}

/// A seed from `seeds` with up to four edits splicing in `dictionary` fragments.
pub(crate) fn mutated(
    seeds: Vec<Vec<u8>>,
    dictionary: &'static [&'static str],
) -> impl Strategy<Value = Vec<u8>> {
    (
        prop::sample::select(seeds),
        prop::collection::vec(edit(), 0..5),
    )
        .prop_map(move |(seed, edits)| apply(seed, &edits, dictionary))
}

/// Arbitrary bytes, up to 512.
pub(crate) fn bytes() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(any::<u8>(), 0..512)
}

/// Text made of dictionary fragments and arbitrary characters.
pub(crate) fn fragments(dictionary: &'static [&'static str]) -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(
        prop_oneof![
            3 => prop::sample::select(dictionary).prop_map(str::to_owned),
            1 => "(?s).{0,4}",
        ],
        0..24,
    )
    .prop_map(|parts| parts.concat().into_bytes())
}

/// Fragments that matter to XML and RDF/XML parsers.
pub(crate) const XML_DICTIONARY: &[&str] = &[
    "<!ENTITY",
    "<!ENTITY a \"b\">",
    "<!DOCTYPE rdf:RDF [",
    "]>",
    "&a;",
    "&amp;",
    "&#0;",
    "&#x1F600;",
    "&#xD800;",
    "<![CDATA[",
    "]]>",
    "<!--",
    "-->",
    "<?xml version=\"1.1\"?>",
    "<?xml version=\"1.0\" encoding=\"UTF-16\"?>",
    "rdf:nodeID=\"b0\"",
    "rdf:nodeID=\"0\"",
    "rdf:about=\"\"",
    "rdf:about=\"#x\"",
    "rdf:about=\"http://a/%zz\"",
    "rdf:resource=\"records/2169591\"",
    "rdf:parseType=\"Resource\"",
    "rdf:parseType=\"Literal\"",
    "rdf:parseType=\"Collection\"",
    "rdf:datatype=\"http://www.w3.org/2001/XMLSchema#integer\"",
    "xml:lang=\"en-US\"",
    "xml:lang=\"\"",
    "xml:base=\"http://b/\"",
    "<sp:ClinicalNote>",
    "</sp:ClinicalNote>",
    "<sp:Medication>",
    "<sp:belongsTo rdf:resource=\"http://smartplatforms.org/records/1\"/>",
    "<rdf:li>",
    "<rdf:_1>",
    "xmlns:x=\"\"",
    "\u{0}",
    "\u{1}",
    "\u{FFFE}",
    "\u{e9}",
    "\"",
    "'",
    "<",
    ">",
    "/>",
    "9999999999999999999999999999",
];

/// Fragments that matter to Turtle and N-Triples parsers.
pub(crate) const TURTLE_DICTIONARY: &[&str] = &[
    "@prefix x: <http://x/> .\n",
    "@base <http://b/> .\n",
    "PREFIX : <#>\n",
    "<>",
    "<#x>",
    "<records/2169591>",
    "<http://a/%zz>",
    "<http://a/\\u0000>",
    "_:b0",
    "_:0",
    "_:a.b",
    "[]",
    "[ ",
    " ]",
    "( ",
    " )",
    " ;",
    " ,",
    " .\n",
    "\"\"\"",
    "'''",
    "\"\\u0000\"",
    "\"\\U0010FFFF\"",
    "\"\\uD800\"",
    "\"\u{0}\u{1}\u{1b}\"",
    "\"\u{FFFE}\"",
    "@en-US",
    "@",
    "^^<http://www.w3.org/2001/XMLSchema#integer>",
    "^^<http://www.w3.org/2001/XMLSchema#date>",
    "^^<http://www.w3.org/1999/02/22-rdf-syntax-ns#XMLLiteral>",
    "a sp:ClinicalNote",
    "a sp:Medication",
    "sp:belongsTo <http://smartplatforms.org/records/1>",
    "sp:belongsTo <https://smart.example.org/api/records/2169591>",
    "<https://smart.example.org/api/records/2169591/clinical_notes/abc>",
    "true",
    "-0.0e-999",
    "99999999999999999999999999999999",
    "<< <http://a/s> <http://a/p> <http://a/o> >>",
    "{",
    "}",
    "#",
    "\\",
];

/// Fragments that matter to JSON readers.
pub(crate) const JSON_DICTIONARY: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    "\"",
    "null",
    "true",
    "1e999",
    "-0",
    "99999999999999999999999",
    "\\u0000",
    "\\ud800",
    "\\\"",
    "\"mode\": \"background\"",
    "\"mode\": \"frame_ui\"",
    "\"index\": \"https://a/\"",
    "\"index\": \"javascript:alert(1)\"",
    "\"icon\": \"http://[::1]:8080/i.png\"",
    "\"oauth_callback\": \"https://a/%00\"",
    "\"smart_version\": \"0.6.1.2\"",
    "\"smart_version\": \"06\"",
    "\"requires\": {\"http://smartplatforms.org/terms#Medication\": {\"methods\": [\"GET\", \"GET\"]}}",
    "\"requires\": {\"x\": {\"codes\": [\"http://a/\"]}}",
    "\"optimalBrowserEnvironments\": [\"mobile\", \"mobile\"]",
    "\"supportedBrowserEnvironments\": []",
    "\"scope\": \"container\"",
    "\"standalone\": true",
    "\"unknown\": 1",
    "\u{e9}",
];
