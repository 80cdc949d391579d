//! cargo-fuzz target `query_string`: runs [`smart_fuzz::check_query_string`] (see fuzz/README.md).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| smart_fuzz::check_query_string(data));
