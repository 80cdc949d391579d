//! cargo-fuzz target `import`: runs [`smart_fuzz::check_import`] (see fuzz/README.md).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| smart_fuzz::check_import(data));
