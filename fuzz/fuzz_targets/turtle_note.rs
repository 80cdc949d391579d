//! cargo-fuzz target `turtle_note`: runs [`smart_fuzz::check_turtle_note`] (see fuzz/README.md).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| smart_fuzz::check_turtle_note(data));
