//! The CAMARA request bodies the sandbox parses, under a valid token: every answer is JSON, errors
//! are CAMARA error bodies, the correlator is echoed.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| netid_server::fuzzing::fuzz_camara_body(data));
