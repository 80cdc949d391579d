//! cargo-fuzz target `rdfxml_note`: runs [`smart_fuzz::check_rdfxml_note`] (see fuzz/README.md).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| smart_fuzz::check_rdfxml_note(data));
