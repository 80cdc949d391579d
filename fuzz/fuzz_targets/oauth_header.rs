//! cargo-fuzz target `oauth_header`: runs [`smart_fuzz::check_oauth_header`] (see fuzz/README.md).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| smart_fuzz::check_oauth_header(data));
