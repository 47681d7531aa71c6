//! Scope parser: rendering parses back to the same scope; no token dropped or doubled.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| netid_core::fuzzing::fuzz_scope(data));
