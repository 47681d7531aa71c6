//! Compact JWS input to the ID-token validator.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| netid_ciba::fuzzing::fuzz_jwt(data));
