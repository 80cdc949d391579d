//! cargo-fuzz target `oauth_request`: runs [`smart_fuzz::check_oauth_request`] (see fuzz/README.md).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| smart_fuzz::check_oauth_request(data));
