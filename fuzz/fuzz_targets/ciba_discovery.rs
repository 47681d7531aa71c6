//! Discovery documents and JWKS: only valid JSON, only the configured issuer, ID-token algorithms
//! within the allow-list.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| netid_ciba::fuzzing::fuzz_discovery(data));
