//! cargo-fuzz target `manifest`: runs [`smart_fuzz::check_manifest`] (see fuzz/README.md).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| smart_fuzz::check_manifest(data));
