#![doc = include_str!("../README.md")]
#![doc(test(attr(deny(warnings))))]

pub mod import;
pub mod manifest;
pub mod oauth;
pub mod query;
pub mod rdf;
pub mod seeds;

pub use import::check_import;
pub use manifest::check_manifest;
pub use oauth::{check_oauth_header, check_oauth_request};
pub use query::check_query_string;
pub use rdf::{check_any_note, check_rdfxml_note, check_turtle_note};

/// A harness: checks one input, panicking when an invariant breaks.
pub type Harness = fn(&[u8]);

/// Every harness: the name of its cargo-fuzz target (`fuzz/fuzz_targets/<name>.rs`), the
/// function's name (which that file calls) and the function.
pub const TARGETS: &[(&str, &str, Harness)] = &[
    ("rdfxml_note", "check_rdfxml_note", check_rdfxml_note),
    ("turtle_note", "check_turtle_note", check_turtle_note),
    ("any_note", "check_any_note", check_any_note),
    ("oauth_header", "check_oauth_header", check_oauth_header),
    ("oauth_request", "check_oauth_request", check_oauth_request),
    ("query_string", "check_query_string", check_query_string),
    ("manifest", "check_manifest", check_manifest),
    ("import", "check_import", check_import),
];
