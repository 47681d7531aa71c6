//! The SAML HTTP-POST Response consumer (Base64 and raw XML) never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| netid_saml::fuzzing::fuzz_response(data));
