//! Backchannel, token, discovery and JWKS answers through the CIBA session.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| netid_ciba::fuzzing::fuzz_token_response(data));
